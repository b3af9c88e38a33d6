import type { Ctx } from '../context.js';
import { parseDateArg } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { assessDay, asNeededState, entriesByMed } from '../../core/doses.js';
import { isAsNeeded } from '../../core/schedule.js';
import { adviseMedication } from '../../core/missed.js';
import { logWindow } from '../../core/window.js';
import { todayJson, todayText, type TodayView } from '../../render/today.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx, _args: string[], opts: { date?: string }): Promise<number> {
  const wanted = opts.date !== undefined ? parseDateArg(opts.date, '--date') : undefined;
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'today', day: wanted }, ctx.approxNow()) });
  const { regimen } = loaded;
  warnProblems(ctx, loaded.warnings);
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const day = wanted ?? clock.dayOf(now);
  const meds = assessDay(regimen, day, now, clock);
  const byMed = entriesByMed(regimen.log);
  const at = Math.min(now, clock.startOfDay(day + 1) - 1);
  const asNeeded = meds
    .filter((m) => isAsNeeded(m.med, day))
    .map((m) => ({ day: m, state: asNeededState(m.med, byMed.get(m.med.id) ?? [], at, clock) }));
  // Advice beside each missed dose that still matters (its next dose has not come).
  const advice = new Map<string, { action: string; message: string }>();
  for (const m of meds) {
    if (!m.doses.some((d) => d.status === 'missed')) continue;
    // One assessment per medication; a piece of advice may also answer other missed slots (two tablets at once).
    for (const a of adviseMedication(regimen, m.med, now, clock)) {
      for (const slot of [a.slot, ...(a.covers ?? [])]) advice.set(`${m.med.id} ${slot}`, { action: a.action, message: a.message });
    }
  }
  const view: TodayView = { day, now, timezone: regimen.patient.timezone, meds: meds.filter((m) => m.doses.length || m.extras.length), asNeeded, advice };
  if (ctx.json) ctx.out.printJson(todayJson(view, clock));
  else ctx.out.print(todayText(view, clock, ctx.out));
  return 0;
}
