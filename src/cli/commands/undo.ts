/** `meds undo`: remove the last log entry, saying what it removed. */
import type { Ctx } from '../context.js';
import { mutate } from '../../store/transaction.js';
import { removeLastLogEntry } from '../../store/edit.js';
import { logWindow } from '../../core/window.js';
import { lineAt } from '../../store/fastlog.js';
import { readFlowLine } from '../../store/fasthead.js';

export async function run(ctx: Ctx): Promise<number> {
  const removed = mutate(ctx.path, (l) => {
    const b = l.logBlock;
    const last = b ? (b.count ? readFlowLine(lineAt(l.text, b.lastStart)) : undefined) : l.regimen.log[l.regimen.log.length - 1];
    return {
      text: removeLastLogEntry(l),
      result: last as Record<string, unknown> | undefined,
      verify: (after) => {
        if (after.logCount !== l.logCount - 1) throw new Error('the entry was not removed cleanly');
      },
    };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  const r = (removed ?? {}) as Record<string, unknown>;
  // A parsed entry (full-parser path) has `atText`; a line read by readFlowLine has `at` as written.
  const at = String(r.atText ?? r.at ?? '?');
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, removed: { med: r.med ?? null, at, for: r.for ?? null, status: r.status ?? null, reason: r.reason ?? null } });
  else ctx.out.print(`Removed the last entry: ${r.med} ${r.status} at ${at}${r.for ? ` for the ${String(r.for).replace('T', ' ')} dose` : ''}${r.reason ? ` (${r.reason})` : ''}.`);
  return 0;
}
