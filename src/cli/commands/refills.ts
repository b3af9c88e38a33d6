/** `meds refill` records a fill; `meds refills` says when each medication runs out and when to order. */
import type { Ctx } from '../context.js';
import { parseDateArg, parsePositive, parsePositiveInt } from '../context.js';
import { findMed } from '../../core/find.js';
import { loadRegimen } from '../../store/load.js';
import { mutate } from '../../store/transaction.js';
import { editHead, type HeadOp } from '../../store/edit.js';
import { needsAttention, planFill, supplyStatuses } from '../../core/supply.js';
import { logWindow } from '../../core/window.js';
import { formatDay } from '../../core/time.js';
import { refillRows, refillsJson } from '../../render/adherence.js';
import { table } from '../../render/table.js';
import { warnProblems } from './shared.js';

export async function runRefills(ctx: Ctx): Promise<number> {
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'refills' }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const statuses = supplyStatuses(regimen, now, clock);
  if (ctx.json) ctx.out.printJson(refillsJson(statuses));
  else {
    const p = ctx.out.p;
    const rows = refillRows(statuses, { green: p.green, yellow: p.yellow, red: p.red, blue: p.blue, dim: p.dim, bold: p.bold });
    ctx.out.print(rows.length > 1 ? table(rows[0]!, rows.slice(1), { color: ctx.out.color, bold: p.bold }) : 'No medications.');
  }
  return needsAttention(statuses) ? 1 : 0;
}

export async function runRefill(ctx: Ctx, args: string[], o: { quantity?: string; daysSupply?: string; date?: string }): Promise<number> {
  const quantity = o.quantity !== undefined ? parsePositive(o.quantity, '--quantity') : undefined;
  const daysSupply = o.daysSupply !== undefined ? parsePositiveInt(o.daysSupply, '--days-supply') : undefined;
  const result = mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const date = o.date !== undefined ? parseDateArg(o.date, '--date') : clock.dayOf(ctx.now(clock));
    const planned = planFill(med, { quantity, daysSupply, date }, clock);
    const base = ['medications', med.index, 'supply'];
    const fill = { date: formatDay(planned.fill.date), quantity: planned.fill.quantity, daysSupply: planned.fill.daysSupply };
    const ops: HeadOp[] = [{ op: 'append', path: [...base, 'fills'], item: fill }];
    if (planned.refillsLeft !== undefined) ops.push({ op: 'set', path: [...base, 'refillsLeft'], value: planned.refillsLeft });
    return { text: editHead(l, ops), result: { med: med.id, fill, refillsLeft: planned.refillsLeft, warning: planned.warning } };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  if (result.warning) ctx.out.warn(`meds: warning: ${result.warning}`);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, refilled: result });
  else ctx.out.print(`Recorded a fill of ${result.fill.quantity} ${result.med} on ${result.fill.date}${result.fill.daysSupply ? ` (${result.fill.daysSupply} days' supply)` : ''}${result.refillsLeft !== undefined ? `; ${result.refillsLeft} refill${result.refillsLeft === 1 ? '' : 's'} left` : ''}.`);
  return 0;
}
