/** `meds list`: the medications, with strength, dose, schedule in words and purpose. */
import type { Ctx } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { phaseOn } from '../../core/schedule.js';
import { medStanding } from '../../core/status.js';
import { formatDay } from '../../core/time.js';
import { table } from '../../render/table.js';
import { amount, scheduleWords } from '../../render/words.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx): Promise<number> {
  const loaded = loadRegimen(ctx.path, { logFrom: Number.MAX_SAFE_INTEGER });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const today = clock.dayOf(now);
  const meds = regimen.medications.map((m) => {
    const current = phaseOn(m, today);
    const standing = medStanding(m, now, clock);
    const when = standing.startsOn !== undefined ? ` ${formatDay(standing.startsOn)}` : standing.lastDay !== undefined ? ` ${formatDay(standing.lastDay)}` : '';
    return { m, current, standing, words: scheduleWords(m), status: standing.status, statusText: standing.status === 'active' ? '' : `${standing.status === 'not-started' ? 'starts' : standing.status}${when}` };
  });
  if (ctx.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      medications: meds.map(({ m, current, words, status, standing }) => ({
        med: m.id,
        name: m.name ?? m.id,
        strength: m.strength ?? null,
        form: m.form ?? null,
        dose: current?.dose ?? m.phases[0]?.dose ?? null,
        unit: m.unit,
        schedule: words,
        purpose: m.purpose ?? null,
        instructions: m.instructions ?? null,
        status,
        startsOn: standing.startsOn !== undefined ? formatDay(standing.startsOn) : null,
        lastDay: standing.lastDay !== undefined ? formatDay(standing.lastDay) : null,
      })),
    });
    return 0;
  }
  const p = ctx.out.p;
  const rows = meds.map(({ m, current, words, statusText }) => [
    p.bold(m.id),
    [m.name && m.name !== m.id ? m.name : '', m.strength ?? ''].filter(Boolean).join(' '),
    amount(current?.dose ?? m.phases[0]?.dose ?? 1, m.unit),
    words + (statusText ? p.dim(` (${statusText})`) : ''),
    m.purpose ?? '',
  ]);
  ctx.out.print(rows.length ? table(['ID', 'NAME', 'DOSE', 'SCHEDULE', 'PURPOSE'], rows, { color: ctx.out.color, bold: p.bold }) : 'No medications yet: add one with `meds add`.');
  return 0;
}
