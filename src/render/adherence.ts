/**
 * Pictures, table rows and the JSON envelope for `meds adherence`. Pure: every function returns strings or plain objects.
 * Color is the caller's decision: pass the output's Palette (render/output.ts), or
 * `plainPalette`; the glyphs alone tell every state apart without color.
 */
import type { DayNum } from '../model/types.js';
import type { AdherenceReport, DayCell, MedAdherence } from '../core/adherence.js';
import type { SupplyStatus } from '../core/supply.js';
import { PQA_MIN_INDEX_DAYS } from '../core/pdc.js';
import { civilFromDay, dayFromCivil, daysInMonth, formatDay, weekday } from '../time/time.js';
import { shown } from './escape.js';
import { plainPalette, type Palette } from './output.js';

export type Fmt = (s: string) => string;

/** One character per day state; distinct in shape, so color is a bonus. */
export type Glyphs = Record<DayCell, string>;
export const GLYPHS: Glyphs = { 'on-time': '●', late: '◐', partial: '◔', skipped: 's', missed: '✗', none: '·', pending: '○' };
/** For terminals without Unicode. */
export const ASCII_GLYPHS: Glyphs = { 'on-time': '#', late: '+', partial: '%', skipped: 's', missed: 'x', none: '.', pending: '_' };

const CELL_TEXT: Record<DayCell, string> = {
  'on-time': 'taken on time',
  late: 'taken, some late',
  partial: 'some taken',
  skipped: 'skipped',
  missed: 'missed',
  none: 'no dose due',
  pending: 'not yet due or still in its window',
};

function cellColor(p: Palette, c: DayCell): Fmt {
  switch (c) {
    case 'on-time':
      return p.green;
    case 'late':
    case 'partial':
      return p.yellow;
    case 'skipped':
      return p.blue;
    case 'missed':
      return p.red;
    default:
      return p.dim;
  }
}

/** Monthly summary levels (long periods): share of scheduled doses taken in the month. */
const LEVELS = [
  { min: 0.95, glyph: '█', ascii: '#', text: '95% or more taken' },
  { min: 0.8, glyph: '▓', ascii: '+', text: '80-94%' },
  { min: 0.5, glyph: '▒', ascii: '=', text: '50-79%' },
  { min: 1e-9, glyph: '░', ascii: '-', text: 'under 50%' },
  { min: 0, glyph: '✗', ascii: 'x', text: 'none taken' },
] as const;

export type PictureMode = 'days' | 'months' | 'years';
export interface PictureOptions {
  palette?: Palette;
  ascii?: boolean;
  /** days: one line per medication, weeks apart (periods up to 92 days); months: a line per month (up to 731 days); years: a character per month. */
  mode?: PictureMode;
  /** Add an "all" row when there is more than one scheduled medication (default true). */
  overall?: boolean;
}

export function pictureMode(days: number): PictureMode {
  return days <= 92 ? 'days' : days <= 731 ? 'months' : 'years';
}

/** Percent rounded down, so a value shown as 80% is at least 80%; "—" when undefined. */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return `${Math.floor(x * 100 + 1e-9)}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));

interface Row {
  label: string;
  /** The glyph and its color for day index i (0 = fromDay). */
  day: (i: number) => { glyph: string; color: Fmt };
  /** A month's glyph for the yearly summary. */
  month: (from: number, to: number) => { glyph: string; color: Fmt };
}

function scheduledRow(label: string, r: Pick<MedAdherence, 'cells' | 'daily'>, g: Glyphs, p: Palette, ascii: boolean): Row {
  return {
    label: shown(label),
    day: (i) => {
      const c = r.cells[i]!;
      return { glyph: g[c], color: cellColor(p, c) };
    },
    month: (a, b) => {
      const { scheduled, taken: takenOf } = r.daily, cells = r.cells; // (in locals: ten years are 120 months a row)
      let due = 0, taken = 0, pending = 0;
      for (let i = a; i <= b; i++) {
        due += scheduled[i]!;
        taken += takenOf[i]!;
        if (cells[i] === 'pending') pending++;
      }
      if (due === 0) return pending > 0 ? { glyph: g.pending, color: p.dim } : { glyph: g.none, color: p.dim };
      const x = taken / due;
      const lvl = LEVELS.find((l) => x >= l.min)!;
      const color = x >= 0.8 ? p.green : x >= 0.5 ? p.yellow : p.red;
      return { glyph: ascii ? lvl.ascii : lvl.glyph, color };
    },
  };
}

function asNeededRow(label: string, m: MedAdherence, p: Palette, ascii: boolean): Row {
  const s = m.asNeeded!;
  const over = (i: number) => s.limits[i] !== undefined && s.counts[i]! > s.limits[i]!;
  return {
    label: shown(label),
    day: (i) => {
      const n = s.counts[i]!;
      if (over(i)) return { glyph: '!', color: p.red };
      if (n === 0) return { glyph: ascii ? '.' : '·', color: p.dim };
      return { glyph: n > 9 ? '+' : String(n), color: p.blue };
    },
    month: (a, b) => {
      let used = false;
      for (let i = a; i <= b; i++) {
        if (over(i)) return { glyph: '!', color: p.red };
        if (s.counts[i]! > 0) used = true;
      }
      return used ? { glyph: ascii ? 'o' : '•', color: p.blue } : { glyph: ascii ? '.' : '·', color: p.dim };
    },
  };
}

function rowsOf(report: AdherenceReport, opts: PictureOptions): Row[] {
  const p = opts.palette ?? plainPalette;
  const ascii = opts.ascii ?? false;
  const g = ascii ? ASCII_GLYPHS : GLYPHS;
  const rows: Row[] = [];
  for (const m of report.medications) {
    if (m.kind !== 'as-needed') rows.push(scheduledRow(m.med, m, g, p, ascii));
    if (m.asNeeded && (m.kind === 'as-needed' || m.asNeeded.doses > 0)) rows.push(asNeededRow(m.kind === 'mixed' ? `${m.med} (as needed)` : m.med, m, p, ascii));
  }
  const scheduled = report.medications.filter((m) => m.kind !== 'as-needed').length;
  if ((opts.overall ?? true) && scheduled > 1) rows.push(scheduledRow('all', report.overall, g, p, ascii));
  return rows;
}

/** Days mode: ISO weeks (Monday first) of 7 characters, a space between weeks; a header gives each week's first date. */
function daysPicture(report: AdherenceReport, rows: Row[], width: number): string[] {
  const n = report.toDay - report.fromDay + 1;
  const lead = (weekday(report.fromDay) + 6) % 7; // days of the first week before fromDay
  const groups: { from: number; to: number }[] = [];
  for (let i = -lead; i < n; i += 7) groups.push({ from: i, to: i + 6 });
  // Header: each week's first date in the period, above that day's column; a partial first week's
  // date is left out when it would run into the next week's.
  const labels = groups.map((gr, k) => {
    const first = Math.max(0, gr.from);
    const { m, d } = civilFromDay(report.fromDay + first);
    return { col: width + k * 8 + (first - gr.from), text: `${MONTHS[m - 1]} ${d}` };
  });
  const header: string[] = [];
  labels.forEach((l, k) => {
    const next = labels[k + 1];
    if (header.length > l.col || (next && l.col + l.text.length >= next.col)) return;
    while (header.length < l.col) header.push(' ');
    header.push(...l.text);
  });
  const out = [header.join('').trimEnd()];
  for (const r of rows) {
    const parts = groups.map((gr) => {
      let s = '';
      for (let i = gr.from; i <= gr.to; i++) {
        if (i < 0 || i >= n) s += ' ';
        else {
          const c = r.day(i);
          s += c.color(c.glyph);
        }
      }
      return s;
    });
    out.push((pad(r.label, width) + parts.join(' ')).trimEnd());
  }
  return out;
}

/** Months mode: per medication, one line per month with a column per day of the month. */
function monthsPicture(report: AdherenceReport, rows: Row[], p: Palette): string[] {
  const ruler = new Array<string>(31).fill(' ');
  for (const k of [1, 5, 10, 15, 20, 25, 30]) [...String(k)].forEach((ch, j) => (ruler[k - 1 + j] = ch));
  const months: { y: number; m: number; first: DayNum }[] = [];
  const a = civilFromDay(report.fromDay);
  for (let y = a.y, m = a.m; dayFromCivil(y, m, 1) <= report.toDay; m === 12 ? (y++, (m = 1)) : m++) months.push({ y, m, first: dayFromCivil(y, m, 1) });
  const out: string[] = [];
  for (const r of rows) {
    out.push(p.bold(r.label));
    out.push(`  ${' '.repeat(8)}${ruler.join('').trimEnd()}`);
    for (const mo of months) {
      let s = '';
      for (let d = 0; d < daysInMonth(mo.y, mo.m); d++) {
        const i = mo.first + d - report.fromDay;
        if (i < 0 || i > report.toDay - report.fromDay) s += ' ';
        else {
          const c = r.day(i);
          s += c.color(c.glyph);
        }
      }
      out.push(`  ${mo.y}-${String(mo.m).padStart(2, '0')} ${s}`.trimEnd());
    }
  }
  return out;
}

/** Years mode: per medication, one line per year with a character per month. */
function yearsPicture(report: AdherenceReport, rows: Row[], p: Palette): string[] {
  const a = civilFromDay(report.fromDay);
  const b = civilFromDay(report.toDay);
  const out: string[] = [];
  for (const r of rows) {
    out.push(p.bold(r.label));
    out.push(`  ${' '.repeat(5)}JFMAMJJASOND`);
    for (let y = a.y; y <= b.y; y++) {
      let s = '';
      for (let m = 1; m <= 12; m++) {
        const from = Math.max(report.fromDay, dayFromCivil(y, m, 1)) - report.fromDay;
        const to = Math.min(report.toDay, dayFromCivil(y, m, daysInMonth(y, m))) - report.fromDay;
        if (to < from) s += ' ';
        else {
          const c = r.month(from, to);
          s += c.color(c.glyph);
        }
      }
      out.push(`  ${y} ${s}`.trimEnd());
    }
  }
  return out;
}

/** The legend for a mode, one line. */
export function legend(mode: PictureMode, opts: { palette?: Palette; ascii?: boolean } = {}): string {
  const p = opts.palette ?? plainPalette;
  const ascii = opts.ascii ?? false;
  const g = ascii ? ASCII_GLYPHS : GLYPHS;
  const cells: DayCell[] = ['on-time', 'late', 'partial', 'skipped', 'missed', 'none', 'pending'];
  if (mode === 'years') {
    const lv = LEVELS.map((l, k) => `${(k < 2 ? p.green : k < 3 ? p.yellow : p.red)(ascii ? l.ascii : l.glyph)} ${l.text}`);
    return [...lv, `${p.dim(g.none)} nothing due`, `${p.red('!')} as-needed limit exceeded`, `${p.blue(ascii ? 'o' : '•')} as-needed used`].join('  ');
  }
  const parts = cells.map((c) => `${cellColor(p, c)(g[c])} ${CELL_TEXT[c]}`);
  return [...parts, `${p.blue('1-9')} as-needed doses`, `${p.red('!')} over the daily limit`].join('  ');
}

/**
 * The adherence picture: a strip per medication (and "all"), then the legend.
 * Days mode for up to 92 days, a line per month up to 731 days, then a
 * character per month (3650 days are 10 short lines per medication).
 */
export function adherencePicture(report: AdherenceReport, opts: PictureOptions = {}): string {
  const p = opts.palette ?? plainPalette;
  const n = report.toDay - report.fromDay + 1;
  const mode = opts.mode ?? pictureMode(n);
  const rows = rowsOf(report, opts);
  if (rows.length === 0 || n <= 0) return 'Nothing scheduled in this period.';
  const width = Math.min(24, rows.reduce((w, r) => Math.max(w, [...r.label].length), 0)) + 2;
  const lines = mode === 'days' ? daysPicture(report, rows, width) : mode === 'months' ? monthsPicture(report, rows, p) : yearsPicture(report, rows, p);
  return [...lines, '', legend(mode, opts)].join('\n');
}

// ------------------------------------------------------------- tables

const days = (n: number) => `${n} d`;
const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');

export const ADHERENCE_HEADER = [
  'Medication',
  'Scheduled',
  'Taken',
  'On time',
  'Late',
  'Skipped',
  'Missed',
  'Taking',
  'Timing',
  'Correct days',
  'Longest gap',
  'Streak',
  'PDC',
  'Adherent',
];

/**
 * The PDC cell: PQA's PDC where the period qualifies; else the proportion of days covered for the
 * period, labelled "of period" (adherenceNotes says what each is); — without fills.
 */
function pdcCell(m: Partial<Pick<MedAdherence, 'pdc' | 'periodCoverage' | 'pdcMeasure' | 'pdcThreshold'>>): string {
  const of = m.pdcThreshold === undefined ? '' : ` (≥${formatPercent(m.pdcThreshold)})`;
  if (m.pdcMeasure === 'pqa' && m.pdc != null) return `${formatPercent(m.pdc)}${of}`;
  if (m.pdcMeasure === 'period' && m.periodCoverage) return `${formatPercent(m.periodCoverage.proportion)} of period${of}`;
  return '—';
}

/** Rows (header first) for the scheduled medications and the overall line. */
export function adherenceRows(report: AdherenceReport): string[][] {
  const rows: string[][] = [ADHERENCE_HEADER];
  type Line = Omit<MedAdherence, 'med' | 'kind' | 'cells' | 'pdcCoveredDays' | 'pdcPeriodDays' | 'pdcThreshold' | 'periodCoverage' | 'pdcMeasure'> &
    Partial<Pick<MedAdherence, 'pdcThreshold' | 'periodCoverage' | 'pdcMeasure'>>;
  const line = (label: string, m: Line) => [
    label,
    String(m.scheduled),
    String(m.taken),
    String(m.onTime),
    String(m.late),
    String(m.skipped),
    String(m.missed),
    formatPercent(m.takingAdherence),
    formatPercent(m.timingAdherence),
    m.correctDosingDays === null ? '—' : `${formatPercent(m.correctDosingDays)} (${m.correctDays}/${m.dosingDays})`,
    days(m.longestGapDays),
    days(m.currentStreakDays),
    pdcCell(m),
    yesNo(m.adherent),
  ];
  for (const m of report.medications) if (m.kind !== 'as-needed') rows.push(line(m.med, m));
  if (report.overall.medications > 1) rows.push(line('overall', { ...report.overall, pdc: null }));
  return rows;
}

export const AS_NEEDED_HEADER = ['Medication (as needed)', 'Doses', 'Days used', 'Per day', 'Max per day', 'Days over limit'];

/** Rows (header first) for as-needed use: counts, never a percentage. */
export function asNeededRows(report: AdherenceReport): string[][] {
  const rows: string[][] = [AS_NEEDED_HEADER];
  for (const m of report.medications) {
    const s = m.asNeeded;
    if (!s) continue;
    rows.push([
      m.med,
      String(s.doses),
      `${s.daysUsed}/${s.daysInForce}`,
      s.perDay === null ? '—' : s.perDay.toFixed(1),
      s.maxPerDay === undefined ? '—' : String(s.maxPerDay),
      s.daysOverLimit === 0 ? '0' : `${s.daysOverLimit} (${s.overLimitDays.slice(0, 3).map(formatDay).join(', ')}${s.daysOverLimit > 3 ? ', …' : ''})`,
    ]);
  }
  return rows;
}

/** Lines worth saying under the table: partial periods, the 80% caveat. */
export function adherenceNotes(report: AdherenceReport): string[] {
  const notes: string[] = [];
  for (const m of report.medications) {
    if (m.firstDay !== undefined && m.firstDay > report.fromDay) notes.push(`${m.med}: counted from ${formatDay(m.firstDay)}, when it started.`);
    if (m.lastDay !== undefined && m.lastDay < report.toDay) notes.push(`${m.med}: counted until ${formatDay(m.lastDay)}, when it stopped.`);
  }
  const pqa = report.medications.some((m) => m.pdcMeasure === 'pqa');
  const period = report.medications.some((m) => m.pdcMeasure === 'period');
  if (pqa) notes.push("PDC: the Pharmacy Quality Alliance's proportion of days covered, from the first fill in the period to its end.");
  if (period)
    notes.push(
      `"of period": the proportion of the period's days covered by fills (supply carried in from earlier fills counts), not PQA's PDC, which needs two or more fills in the period, the first at least ${PQA_MIN_INDEX_DAYS} days before its end.`,
    );
  if (report.overall.pending > 0) notes.push(`${report.overall.pending} dose(s) not yet due or still in their window are not counted yet.`);
  notes.push('80% is a convention, not a clinical rule; how much a medicine forgives missed doses depends on the medicine. This is not medical advice.');
  return notes;
}

// ------------------------------------------------------------- JSON

export const r4 = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10000) / 10000);
export const dayOrNull = (d: DayNum | undefined) => (d === undefined ? null : formatDay(d));

/** `meds adherence --json` (schemaVersion 1; fractions 0..1 rounded to 4 places; dates YYYY-MM-DD). */
export function adherenceJson(report: AdherenceReport) {
  const o = report.overall;
  return {
    schemaVersion: 1 as const,
    from: formatDay(report.fromDay),
    to: formatDay(report.toDay),
    overall: {
      medications: o.medications,
      scheduled: o.scheduled,
      taken: o.taken,
      onTime: o.onTime,
      late: o.late,
      skipped: o.skipped,
      missed: o.missed,
      pending: o.pending,
      extra: o.extra,
      takingAdherence: r4(o.takingAdherence),
      timingAdherence: r4(o.timingAdherence),
      correctDosingDays: r4(o.correctDosingDays),
      longestGapDays: o.longestGapDays,
      currentStreakDays: o.currentStreakDays,
      adherent: o.adherent,
    },
    medications: report.medications.map((m) => ({
      med: m.med,
      kind: m.kind,
      firstDay: dayOrNull(m.firstDay),
      lastDay: dayOrNull(m.lastDay),
      scheduled: m.scheduled,
      taken: m.taken,
      onTime: m.onTime,
      late: m.late,
      skipped: m.skipped,
      missed: m.missed,
      pending: m.pending,
      extra: m.extra,
      takingAdherence: r4(m.takingAdherence),
      timingAdherence: r4(m.timingAdherence),
      correctDosingDays: r4(m.correctDosingDays),
      longestGapDays: m.longestGapDays,
      currentStreakDays: m.currentStreakDays,
      pdc: r4(m.pdc),
      pdcIndexDate: dayOrNull(m.pdcIndexDay),
      pdcIneligible: m.pdcIneligible ?? null,
      periodCoverage: m.periodCoverage
        ? { from: formatDay(m.periodCoverage.from), to: formatDay(m.periodCoverage.to), days: m.periodCoverage.days, coveredDays: m.periodCoverage.coveredDays, proportion: r4(m.periodCoverage.proportion) }
        : null,
      pdcMeasure: m.pdcMeasure,
      pdcThreshold: m.pdcThreshold,
      adherent: m.adherent,
      ...(m.asNeeded
        ? {
            asNeeded: {
              doses: m.asNeeded.doses,
              units: m.asNeeded.units,
              perDay: r4(m.asNeeded.perDay),
              maxPerDay: m.asNeeded.maxPerDay ?? null,
              daysOverLimit: m.asNeeded.daysOverLimit,
              overLimitDays: m.asNeeded.overLimitDays.map(formatDay),
            },
          }
        : {}),
    })),
  };
}
