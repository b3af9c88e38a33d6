/** `meds missed [med] [--days N]`: what to do about each missed dose now, and when misses cluster. Exit 1 when one needs action. */
import type { Ctx } from '../context.js';
import { parsePositiveInt } from '../context.js';
import { findMed } from '../find.js';
import { loadRegimen } from '../../store/load.js';
import { adviseMissed, missedPatterns, needsAttention } from '../../core/missed.js';
import { logWindow } from '../../core/window.js';
import { missedJson, missedText } from '../../render/missed.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx, args: string[], opts: { days?: string }): Promise<number> {
  const days = opts.days !== undefined ? parsePositiveInt(opts.days, '--days', 'missed') : undefined;
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'missed', days }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  // The command line may name it by id or name, in any case: the core is given the medication.
  const med = args[0] !== undefined ? findMed(regimen, args[0]) : undefined;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const advice = adviseMissed(regimen, now, clock, { med });
  const today = clock.dayOf(now);
  const patterns = days !== undefined ? missedPatterns(med ? { ...regimen, medications: [med] } : regimen, today - days + 1, today, now, clock) : undefined;
  const name = regimen.patient.name;
  if (ctx.json) ctx.out.printJson({ ...missedJson(now, advice, patterns, clock), patient: { name: name ?? null } });
  else ctx.out.print((name ? `${ctx.out.p.bold(`${name}: missed doses at ${clock.formatInstant(now).slice(0, 16).replace('T', ' ')}`)}\n` : '') + missedText(now, advice, patterns, clock, ctx.out));
  return advice.some(needsAttention) ? 1 : 0;
}
