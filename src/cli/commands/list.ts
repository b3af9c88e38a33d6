/** `meds list`: the medications, with strength, dose, schedule in words and purpose. */
import type { Ctx } from '../context.js';
import { loadRegimen } from '../../store/load.js';
import { logWindow } from '../../core/window.js';
import { phaseOn } from '../../core/schedule.js';
import { formatDay } from '../../core/time.js';
import { table } from '../../render/table.js';
import { amount, scheduleWords } from '../../render/words.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx): Promise<number> {
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const today = clock.dayOf(ctx.now(clock));
  const meds = regimen.medications.map((m) => {
    const current = phaseOn(m, today);
    const last = m.phases[m.phases.length - 1];
    const ended = !current && last?.until !== undefined && last.until < today;
    return { m, current, ended, words: scheduleWords(m), status: ended ? `stopped ${formatDay(last!.until!)}` : current ? 'active' : 'not started' };
  });
  if (ctx.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      medications: meds.map(({ m, current, words, status }) => ({
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
      })),
    });
    return 0;
  }
  const p = ctx.out.p;
  const rows = meds.map(({ m, current, words, status }) => [
    p.bold(m.id),
    [m.name && m.name !== m.id ? m.name : '', m.strength ?? ''].filter(Boolean).join(' '),
    amount(current?.dose ?? m.phases[0]?.dose ?? 1, m.unit),
    words + (status === 'active' ? '' : p.dim(` (${status})`)),
    m.purpose ?? '',
  ]);
  ctx.out.print(rows.length ? table(['ID', 'NAME', 'DOSE', 'SCHEDULE', 'PURPOSE'], rows, { color: ctx.out.color, bold: p.bold }) : 'No medications yet: add one with `meds add`.');
  return 0;
}
