/** `meds refill` records a fill; `meds refills` says when each medication runs out and when to order. */
import type { Ctx } from '../context.js';
import { inRange } from '../context.js';
import { usageError } from '../../errors.js';
import { parseDateArg, parsePositive, parsePositiveInt } from '../context.js';
import { findMed } from '../find.js';
import { loadRegimen } from '../../store/load.js';
import { mutate } from '../../store/transaction.js';
import { editHead, type HeadOp } from '../../store/edit.js';
import { needsAttention, planFill, supplyStatuses } from '../../core/supply.js';
import { logWindow } from '../../core/window.js';
import { formatDay } from '../../time/time.js';
import { refillRows, refillsJson } from '../../render/refills.js';
import { table } from '../../render/table.js';
import { warnProblems } from './shared.js';

export async function runRefills(ctx: Ctx): Promise<number> {
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'refills' }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const statuses = supplyStatuses(regimen, now, clock);
  const name = regimen.patient.name;
  if (ctx.json) ctx.out.printJson({ ...refillsJson(statuses), patient: { name: name ?? null } });
  else {
    const p = ctx.out.p;
    const rows = refillRows(statuses, p);
    const head = name ? `${p.bold(`${name}: supply on ${formatDay(clock.dayOf(now))}`)}\n` : '';
    ctx.out.print(head + (rows.length > 1 ? table(rows[0]!, rows.slice(1), { color: ctx.out.color, bold: p.bold }) : 'No medications.'));
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

/**
 * `meds supply <med> --on-hand 30 --refills 2 --expires 2027-01-31`: sets what is counted, so nobody
 * hand-edits YAML to start counting. A count is dated today (or --date): takes from that day on are
 * subtracted from it (docs/adherence.md).
 */
export async function runSupply(ctx: Ctx, args: string[], o: { onHand?: string; refills?: string; expires?: string; quantity?: string; leadDays?: string; date?: string }): Promise<number> {
  const onHand = o.onHand !== undefined ? parseCount(o.onHand, '--on-hand') : undefined;
  const refills = o.refills !== undefined ? parseCount(o.refills, '--refills') : undefined;
  const expires = o.expires !== undefined ? formatDay(parseDateArg(o.expires, '--expires')) : undefined;
  const quantity = o.quantity !== undefined ? parsePositive(o.quantity, '--quantity') : undefined;
  const leadDays = o.leadDays !== undefined ? parseCount(o.leadDays, '--lead-days') : undefined;
  if (o.date !== undefined && onHand === undefined) throw usageError('conflicting-options', '--date dates a count: give --on-hand too', `for example meds supply ${args[0]} --on-hand 30 --date ${o.date}`);
  if ([onHand, refills, expires, quantity, leadDays].every((x) => x === undefined)) {
    throw usageError('nothing-to-change', 'say what to set', `for example meds supply ${args[0]} --on-hand 30 --refills 2 --expires 2027-01-31`);
  }
  const set = mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const values: Record<string, unknown> = {};
    if (onHand !== undefined) {
      values.onHand = onHand;
      values.countedAt = formatDay(o.date !== undefined ? parseDateArg(o.date, '--date') : clock.dayOf(ctx.now(clock)));
    }
    if (refills !== undefined) values.refillsLeft = refills;
    if (expires !== undefined) values.expires = expires;
    if (quantity !== undefined) values.quantity = quantity;
    if (leadDays !== undefined) values.leadDays = leadDays;
    const base = ['medications', med.index, 'supply'];
    const ops: HeadOp[] = med.supply ? Object.entries(values).map(([k, v]) => ({ op: 'set', path: [...base, k], value: v })) : [{ op: 'set', path: base, value: values }];
    return { text: editHead(l, ops), result: { med: med.id, ...values } };
  }, { logFrom: Number.MAX_SAFE_INTEGER });
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, supply: set });
  else {
    const { med, ...rest } = set;
    ctx.out.print(`Set the supply of ${med}: ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}. \`meds refills\` counts from here.`);
  }
  return 0;
}

/** A whole number of at least 0 (a count, refills left, days). */
function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw usageError('bad-number', `${flag} ${JSON.stringify(text)} is not a whole number (0 or more)`);
  return inRange(+text, text, flag);
}
