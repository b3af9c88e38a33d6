import type { Problem } from '../../errors.js';
import { formatPos } from '../../errors.js';
import type { Ctx } from '../context.js';

/** File warnings (unknown keys) go to stderr, once, with their positions. */
export function warnProblems(ctx: Ctx, problems: Problem[]): void {
  for (const p of problems) {
    if (p.severity !== 'warning') continue;
    ctx.out.warn(`meds: warning: ${p.pos ? formatPos(p.pos) + ': ' : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`);
  }
}
