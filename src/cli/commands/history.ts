/** `meds history`: the log, newest last. */
import type { Ctx } from '../context.js';
import { parsePositiveInt } from '../context.js';
import { findMed } from '../find.js';
import { loadRegimen } from '../../store/load.js';
import { logWindow } from '../../core/window.js';
import { table } from '../../render/table.js';
import { amount } from '../../render/words.js';
import { warnProblems } from './shared.js';

export async function run(ctx: Ctx, _args: string[], opts: { med?: string; days?: string }): Promise<number> {
  const days = opts.days !== undefined ? parsePositiveInt(opts.days, '--days') : 7;
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'history', days }, ctx.approxNow()) });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const med = opts.med !== undefined ? findMed(regimen, opts.med).id : undefined; // by id or name, in any case
  const from = clock.startOfDay(clock.dayOf(now) - days + 1);
  const entries = regimen.log.filter((e) => e.at >= from && e.at <= now && (med === undefined || e.med === med));
  if (ctx.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      from: clock.formatInstant(from),
      to: clock.formatInstant(now),
      entries: entries.map((e) => ({ at: clock.formatInstant(e.at), med: e.med, status: e.status, for: e.for ?? null, extra: !!e.extra, reason: e.reason ?? null, dose: e.dose ?? null })),
    });
    return 0;
  }
  if (!entries.length) {
    ctx.out.print(`No entries in the last ${days} day${days === 1 ? '' : 's'}.`);
    return 0;
  }
  const p = ctx.out.p;
  const units = new Map(regimen.medications.map((m) => [m.id, m.unit]));
  const rows = entries.map((e) => {
    const local = clock.formatInstant(e.at);
    // FOR: the scheduled dose it answers (its time, and its day when another); DOSE: the units, when the line has them.
    const forText = e.for ? `${e.for.slice(11)}${e.for.slice(0, 10) !== local.slice(0, 10) ? ` on ${e.for.slice(0, 10)}` : ''}` : e.extra ? p.yellow('extra dose') : '';
    const unit = units.get(e.med) ?? 'unit';
    return [local.slice(0, 10), local.slice(11, 16), e.med, e.status === 'taken' ? p.green('taken') : p.dim('skipped'), forText, e.dose !== undefined ? amount(e.dose, unit) : '', e.reason ?? ''];
  });
  ctx.out.print(table(['DATE', 'TIME', 'MEDICATION', 'STATUS', 'FOR', 'DOSE', 'REASON'], rows, { color: ctx.out.color, bold: p.bold }));
  return 0;
}
