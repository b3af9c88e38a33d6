/** `meds adherence`: taking and timing adherence, correct-dosing days, gaps, PDC, and a picture of the period. */
import { usageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { MAX_PERIOD_DAYS } from '../../model/limits.js';
import { parseDateArg, parsePositive, parsePositiveInt } from '../context.js';
import { findMed } from '../find.js';
import { loadRegimen } from '../../store/load.js';
import { adherence } from '../../core/adherence.js';
import { logWindow } from '../../core/window.js';
import { DAY, formatDay } from '../../time/time.js';
import { adherenceJson, adherenceNotes, adherencePicture, adherenceRows, asNeededRows, AS_NEEDED_HEADER } from '../../render/adherence.js';
import { table } from '../../render/table.js';
import { warnProblems } from './shared.js';

interface Opts {
  days?: string;
  from?: string;
  to?: string;
  med?: string;
  threshold?: string;
  ascii?: boolean;
}

export async function run(ctx: Ctx, _args: string[], o: Opts): Promise<number> {
  if (o.days !== undefined && (o.from !== undefined || o.to !== undefined)) throw usageError('conflicting-options', '--days and --from/--to cannot be used together', 'use --days N for the last N days, or --from DATE [--to DATE]');
  const days = o.days !== undefined ? parsePositiveInt(o.days, '--days') : 30;
  const from = o.from !== undefined ? parseDateArg(o.from, '--from') : undefined;
  const to = o.to !== undefined ? parseDateArg(o.to, '--to') : undefined;
  const threshold = o.threshold !== undefined ? parsePositive(o.threshold, '--threshold') : undefined;
  if (threshold !== undefined && threshold > 1) throw usageError('bad-threshold', '--threshold is a fraction from 0 to 1, e.g. 0.8');
  // Entries are built as numbers (columns), from about the period's start.
  const approxFrom = from ?? Math.floor((to !== undefined ? to * DAY : ctx.approxNow()) / DAY) - days;
  const loaded = loadRegimen(ctx.path, { logFrom: logWindow({ command: 'adherence', fromDay: approxFrom }, ctx.approxNow()), columns: true });
  warnProblems(ctx, loaded.warnings);
  const { regimen } = loaded;
  const med = o.med !== undefined ? findMed(regimen, o.med) : undefined; // by id or name, in any case
  const clock = ctx.clock(regimen);
  const now = ctx.now(clock);
  const toDay = to ?? clock.dayOf(now);
  const fromDay = from ?? toDay - days + 1;
  if (fromDay > toDay) throw usageError('bad-period', `--from ${formatDay(fromDay)} is after --to ${formatDay(toDay)}`);
  if (toDay - fromDay + 1 > MAX_PERIOD_DAYS) throw usageError('out-of-range', `--from ${formatDay(fromDay)} to ${formatDay(toDay)} is ${toDay - fromDay + 1} days: the period can be at most ${MAX_PERIOD_DAYS} days`);
  const report = adherence(regimen, fromDay, toDay, now, clock, { med, pdcThreshold: threshold, log: loaded.columns });
  if (ctx.json) {
    ctx.out.printJson(adherenceJson(report));
    return 0;
  }
  const p = ctx.out.p;
  const n = toDay - fromDay + 1;
  const lines = [p.bold(`Adherence, ${formatDay(fromDay)} to ${formatDay(toDay)} (${n} day${n === 1 ? '' : 's'})`)];
  const rows = adherenceRows(report);
  if (rows.length > 1) lines.push(table(rows[0]!, rows.slice(1), { color: ctx.out.color, bold: p.bold }));
  const prn = asNeededRows(report);
  const prnRows = prn[0] === AS_NEEDED_HEADER ? prn.slice(1) : prn;
  if (prnRows.length) lines.push('', table(AS_NEEDED_HEADER, prnRows, { color: ctx.out.color, bold: p.bold }));
  const picture = adherencePicture(report, { palette: p, ascii: !!o.ascii });
  if (picture) lines.push('', picture);
  lines.push('', ...adherenceNotes(report).map((x) => p.dim(x)));
  ctx.out.print(lines.join('\n'));
  return 0;
}
