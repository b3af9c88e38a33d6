/** `meds list [--all]`: the medications, with strength, dose, the schedule in force in words, and purpose. */
import type { Ctx } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { logWindow } from '../../core/window.js';
import { phaseOn } from '../../core/schedule.js';
import { medStanding } from '../../core/status.js';
import { formatDay, formatMinute } from '../../time/time.js';
import type { Medication, Phase } from '../../model/types.js';
import { outputWidth } from '../../render/output.js';
import { fitRows, table } from '../../render/table.js';
import { amount, phaseWords, scheduleWords } from '../../render/words.js';
import { warnProblems } from './shared.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A phase as data (list --json), in the file's terms. */
function phaseData(p: Phase) {
  return {
    from: p.from !== undefined ? (p.fromMinute !== undefined ? `${formatDay(p.from)}T${formatMinute(p.fromMinute)}` : formatDay(p.from)) : null,
    until: p.until !== undefined ? formatDay(p.until) : null,
    count: p.count ?? null,
    dose: p.dose,
    asNeeded: p.asNeeded,
    times: p.times.map((t) => ({ at: formatMinute(t.minute), label: t.label, dose: t.dose ?? p.dose })),
    days: p.days ? p.days.map((d) => WEEKDAYS[d]!) : null,
    monthDays: p.monthDays ?? null,
    everyDays: p.everyDays ?? null,
    everyHours: p.everyMs !== undefined ? p.everyMs / 3_600_000 : null,
    cycle: p.cycle ?? null,
    minIntervalMinutes: p.minIntervalMs !== undefined ? p.minIntervalMs / 60_000 : null,
    maxPerDay: p.maxPerDay ?? null,
  };
}

/** The phase to show: the one in force today, else the next to start, else the last. */
function shownPhase(m: Medication, today: number): number {
  const now = phaseOn(m, today);
  if (now) return m.phases.indexOf(now);
  const next = m.phases.findIndex((p) => p.from !== undefined && p.from > today);
  return next >= 0 ? next : m.phases.length - 1;
}

export async function run(ctx: Ctx, _args: string[], opts: { all?: boolean } = {}): Promise<number> {
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const today = clock.dayOf(now);
  const meds = regimen.medications.map((m) => {
    const current = phaseOn(m, today);
    const shown = shownPhase(m, today);
    const standing = medStanding(m, now, clock);
    const when = standing.startsOn !== undefined ? ` ${formatDay(standing.startsOn)}` : standing.lastDay !== undefined ? ` ${formatDay(standing.lastDay)}` : '';
    const statusText = standing.status === 'active' ? '' : `${standing.status === 'not-started' ? 'starts' : standing.status}${when}`;
    return { m, current, shown, standing, statusText };
  });
  if (ctx.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      medications: meds.map(({ m, current, shown, standing }) => ({
        med: m.id,
        name: m.name ?? m.id,
        strength: m.strength ?? null,
        form: m.form ?? null,
        dose: current?.dose ?? m.phases[0]?.dose ?? null,
        unit: m.unit,
        schedule: scheduleWords(m),
        phases: m.phases.map(phaseData),
        currentPhase: current ? m.phases.indexOf(current) : null,
        shownPhase: shown,
        purpose: m.purpose ?? null,
        instructions: m.instructions ?? null,
        status: standing.status,
        startsOn: standing.startsOn !== undefined ? formatDay(standing.startsOn) : null,
        lastDay: standing.lastDay !== undefined ? formatDay(standing.lastDay) : null,
      })),
    });
    return 0;
  }
  const p = ctx.out.p;
  const head = ['ID', 'NAME', 'STRENGTH', 'DOSE', 'SCHEDULE', 'PURPOSE'];
  const rows = meds.map(({ m, shown, statusText }) => {
    const phase = m.phases[shown]!;
    let words: string;
    if (opts.all || m.phases.length === 1) words = scheduleWords(m);
    else {
      // Only the phase that matters now; `--all` shows the others.
      const more = m.phases.length - 1;
      words = `${amount(phase.dose, m.unit)} ${phaseWords(phase, m.unit)} (phase ${shown + 1} of ${m.phases.length}; ${more === 1 ? 'one more' : `${more} more`} with --all)`;
    }
    return [m.id, m.name && m.name !== m.id ? m.name : '', m.strength ?? '', amount(phase.dose, m.unit), words + (statusText ? ` (${statusText})` : ''), m.purpose ?? ''];
  });
  if (!rows.length) {
    ctx.out.print('No medications yet: add one with `meds add`.');
    return 0;
  }
  const fitted = fitRows(head, rows, [4, 5], outputWidth());
  ctx.out.print(table(head, fitted.map((r) => (r[0] ? [p.bold(r[0]), ...r.slice(1)] : r)), { color: ctx.out.color, bold: p.bold }));
  return 0;
}
