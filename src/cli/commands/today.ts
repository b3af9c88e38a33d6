import type { Ctx } from '../context.js';
import { parseDateArg } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { assessDay, asNeededState, entriesByMed } from '../../core/doses.js';
import { expandDays, isAsNeeded } from '../../core/schedule.js';
import { adviseMissed } from '../../core/missed.js';
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
  // Advice beside each missed dose that still matters, from the same rules as `meds missed`: today's,
  // and, on today's page, those of earlier days whose advice still applies (last night's pill).
  const advice = new Map<string, { action: string; message: string }>();
  const earlier: TodayView['earlier'] = [];
  const isToday = day === clock.dayOf(now);
  const medsById = new Map(regimen.medications.map((m) => [m.id, m]));
  for (const a of adviseMissed(regimen, now, clock)) {
    // A piece of advice may also answer other missed slots (two tablets at once).
    for (const slot of [a.slot, ...(a.covers ?? [])]) advice.set(`${a.med} ${slot}`, { action: a.action, message: a.message });
    if (isToday && clock.dayOf(a.scheduledAt) < day) {
      const med = medsById.get(a.med)!;
      const d = clock.dayOf(a.scheduledAt);
      const dose = expandDays(med, d, d, clock).find((x) => x.slot === a.slot)?.dose ?? 1;
      earlier.push({ med, dose, advice: a });
    }
  }
  const view: TodayView = { patient: regimen.patient.name, day, now, timezone: regimen.patient.timezone, meds: meds.filter((m) => m.doses.length || m.extras.length), asNeeded, advice, earlier };
  if (ctx.json) ctx.out.printJson(todayJson(view, clock));
  else ctx.out.print(todayText(view, clock, ctx.out));
  return 0;
}
