/**
 * Dose-level adherence from the log (electronic-monitoring measures:
 * taking, timing, correct dosing, drug holidays) and refill-based PDC (PQA),
 * per medication and overall, over local days [fromDay, toDay]
 * (the definitions and their sources are in docs/adherence.md).
 *
 * Pure and on plain numbers: per medication, per-day counters in typed arrays
 * for the whole range, from every dose credited (`credit`, core/doses.ts, the
 * one crediting implementation); no object, string or DateTime per dose.
 *
 * Counting rules, shared by every metric:
 * - A scheduled dose counts once its window has closed or it was answered:
 *   doses still `due` (inside their window) or `upcoming` at `now` are left
 *   out (`pending`). So scheduled = taken + skipped + missed.
 * - Doses before the medication's recording began (core/tracking.ts) are left
 *   out unless the log answers them, as everywhere else.
 * - Only days inside the medication's own phases have doses (start, stop and
 *   each phase's schedule as it was then: an edit ends a phase and starts a
 *   new one, so earlier days keep their schedule).
 * - `taken` counts scheduled doses answered by a take; takes that answered no
 *   scheduled dose (possible double doses) are `extra` and never raise taking
 *   adherence (an extra dose does not make up a missed one).
 * - A *dosing day* of a medication is a day with at least one scheduled dose
 *   and none pending; days with a pending dose (normally today) are
 *   incomplete: their settled doses count in the totals, but the day is left
 *   out of correct-dosing days, gaps and streaks, and its cell is `pending`.
 */
import type { DayNum, LogColumns, Medication, Millis, Regimen } from '../model/types.js';
import { Clock } from '../time/time.js';
import { phaseEnd, phaseOn } from './schedule.js';
import { columnsOf, credit, MISSED, rowsByMed, SKIPPED, TAKEN, windowOf, type Credited } from './doses.js';
import { beforeTracking } from './tracking.js';
import { DEFAULT_THRESHOLD, medicationPdc, thresholdFor, type PdcIneligible, type PdcResult, type PeriodCoverage } from './pdc.js';
import { unitsAt } from './supply.js';

/** One day of one medication in the picture. */
export type DayCell =
  | 'on-time' // every scheduled dose taken inside its window
  | 'late' // every scheduled dose taken, at least one outside its window
  | 'partial' // some taken, some skipped or missed
  | 'skipped' // none taken, all deliberately skipped
  | 'missed' // none taken, at least one missed (nothing recorded)
  | 'none' // no dose due that day
  | 'pending'; // a dose of that day is still due or upcoming

export interface DoseMetrics {
  scheduled: number; // settled scheduled doses (taken + skipped + missed)
  taken: number;
  onTime: number;
  late: number;
  skipped: number;
  missed: number;
  pending: number; // doses in the period not counted yet (due or upcoming at `now`)
  extra: number; // takes that answered no scheduled dose
  takingAdherence: number | null; // taken / scheduled, capped at 1; null when nothing was scheduled
  timingAdherence: number | null; // onTime / scheduled
  dosingDays: number; // complete days with doses scheduled
  correctDays: number; // of those, days with exactly the scheduled number of doses taken
  correctDosingDays: number | null; // correctDays / dosingDays
  longestGapDays: number; // see dayMetrics
  longestGap?: { from: DayNum; to: DayNum }; // first and last day of that gap
  currentStreakDays: number; // see dayMetrics
  /** Per-day settled scheduled doses and doses taken, index 0 = fromDay (for monthly summaries). */
  daily: { scheduled: Uint16Array; taken: Uint16Array };
}

export interface AsNeededStats {
  doses: number; // administrations recorded in the period
  units: number; // units they used
  daysInForce: number; // days of the period up to today with an as-needed phase in force
  daysUsed: number; // days with at least one dose
  perDay: number | null; // doses / daysInForce
  maxPerDay?: number; // the limit (of the latest phase in force)
  daysOverLimit: number; // calendar days with more doses than that day's maxPerDay
  overLimitDays: DayNum[];
  counts: number[]; // doses per day, index 0 = fromDay
  limits: (number | undefined)[]; // maxPerDay per day (undefined: no as-needed phase or no limit)
}

export interface MedAdherence extends DoseMetrics {
  med: string;
  name?: string;
  kind: 'scheduled' | 'as-needed' | 'mixed';
  firstDay?: DayNum; // first day of the period a phase of it was in force
  lastDay?: DayNum; // last such day
  cells: DayCell[]; // index 0 = fromDay
  /** PQA's PDC, where the period qualifies (pdc.ts); else null, and `pdcIneligible` says why. Null for as-needed-only medications. */
  pdc: number | null;
  pdcCoveredDays: number;
  pdcPeriodDays: number;
  pdcIndexDay?: DayNum;
  pdcIneligible?: PdcIneligible;
  /** The proportion of days covered for the requested period (not PQA's measure); null without a fill by its end. */
  periodCoverage: PeriodCoverage | null;
  /** Which of the two `adherent` was judged by: PQA's PDC, else the period's coverage; null: neither (taking adherence). */
  pdcMeasure: 'pqa' | 'period' | null;
  pdcThreshold: number;
  /** PQA's PDC, else the period's coverage, >= its threshold; else taking adherence >= 0.80; null when none can be judged. */
  adherent: boolean | null;
  asNeeded?: AsNeededStats;
}

export interface OverallAdherence extends DoseMetrics {
  medications: number; // scheduled medications summed
  cells: DayCell[];
  adherent: boolean | null; // overall taking adherence >= 0.80
}

export interface AdherenceReport {
  fromDay: DayNum;
  toDay: DayNum;
  today: DayNum; // the local day of `now`
  medications: MedAdherence[];
  overall: OverallAdherence;
}

/** Per-day counters of one medication (or of all), index 0 = fromDay. */
interface DayCounts {
  due: Uint16Array; // settled scheduled doses (taken + skipped + missed)
  pending: Uint16Array; // doses due or upcoming at `now`
  taken: Uint16Array; // scheduled doses taken
  onTime: Uint16Array;
  skipped: Uint16Array;
  missed: Uint16Array;
  extra: Uint16Array; // extra takes, by the day they were taken
}

function newCounts(n: number): DayCounts {
  return {
    due: new Uint16Array(n),
    pending: new Uint16Array(n),
    taken: new Uint16Array(n),
    onTime: new Uint16Array(n),
    skipped: new Uint16Array(n),
    missed: new Uint16Array(n),
    extra: new Uint16Array(n),
  };
}

/** The counts of `med`'s doses on days [fromDay, fromDay + n) from every dose's state (credit's result), into `c`. */
function countCredited(med: Medication, state: Credited, fromDay: DayNum, c: DayCounts): void {
  const n = c.due.length;
  const { day } = state.times;
  for (let k = 0; k < day.length; k++) {
    const i = day[k]! - fromDay;
    if (i < 0 || i >= n) continue; // the margin crediting looks at
    if (state.entry[k] === -1 && beforeTracking(med, day[k]!)) continue;
    switch (state.status[k]) {
      case TAKEN:
        c.due[i]!++;
        c.taken[i]!++;
        if (state.onTime[k]) c.onTime[i]!++;
        break;
      case SKIPPED:
        c.due[i]!++;
        c.skipped[i]!++;
        break;
      case MISSED:
        c.due[i]!++;
        c.missed[i]!++;
        break;
      default: // due, upcoming
        c.pending[i]!++;
    }
  }
}

/** The counts of an empty period. */
const EMPTY = newCounts(0);

function addCounts(into: DayCounts, from: DayCounts): void {
  for (const k of Object.keys(into) as (keyof DayCounts)[]) {
    const a = into[k], b = from[k];
    for (let i = 0; i < a.length; i++) a[i] = a[i]! + b[i]!;
  }
}

/**
 * A *dosing day* is a complete day with doses scheduled (nothing pending).
 *
 * Longest gap ("drug holiday"): the longest run of consecutive dosing days
 * on which nothing was taken (no scheduled dose and no extra take; a
 * deliberate skip is still nothing taken). Days with no dose due (an
 * every-other-day or weekly schedule's off days, days before the start or
 * after the stop) neither break nor lengthen a run: the length is in dosing
 * days, which for a daily medication are calendar days. Incomplete days are
 * skipped the same way.
 *
 * Current streak: consecutive dosing days, counting back from the last
 * complete one in the period (today once its doses are settled, else
 * yesterday), on which every scheduled dose was taken (late counts as taken).
 * Days with no dose due and incomplete days are passed over. Only the period
 * is examined, so the streak is at most the dosing days in it.
 *
 * (One pass over the days for the sums, dosing days and gap, its arrays in
 * locals: it runs for every medication over up to years of days.)
 */
function dayMetrics(c: DayCounts) {
  const { due, pending, taken, onTime, skipped, missed, extra } = c;
  const n = due.length;
  let sDue = 0, sTaken = 0, sOnTime = 0, sSkipped = 0, sMissed = 0, sPending = 0, sExtra = 0, dosingDays = 0, correctDays = 0;
  let run = 0, runFrom = 0, best = 0, bestFrom = -1, bestTo = -1;
  for (let i = 0; i < n; i++) {
    const d = due[i]!, t = taken[i]!, x = extra[i]!, p = pending[i]!;
    sDue += d;
    sTaken += t;
    sOnTime += onTime[i]!;
    sSkipped += skipped[i]!;
    sMissed += missed[i]!;
    sPending += p;
    sExtra += x;
    if (!isDosingDay(d, p)) continue;
    dosingDays++;
    // "exactly the scheduled number": extra takes that day make it wrong too.
    if (t + x === d) correctDays++;
    if (t + x === 0) {
      if (run === 0) runFrom = i;
      run++;
      if (run > best) {
        best = run;
        bestFrom = runFrom;
        bestTo = i;
      }
    } else run = 0;
  }
  let streak = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (!isDosingDay(due[i]!, pending[i]!)) continue;
    if (taken[i]! < due[i]!) break;
    streak++;
  }
  return { sDue, sTaken, sOnTime, sSkipped, sMissed, sPending, sExtra, dosingDays, correctDays, gap: best, gapFrom: bestFrom, gapTo: bestTo, streak };
}

/** A day with doses scheduled (`due`) and none still pending: a dosing day. */
const isDosingDay = (due: number, pending: number) => due > 0 && pending === 0;

/** The picture's cell of each day. */
function cellsOf(c: DayCounts): DayCell[] {
  const { due, pending, taken, onTime, missed } = c;
  const n = due.length;
  const cells = new Array<DayCell>(n);
  for (let i = 0; i < n; i++) {
    const d = due[i]!, t = taken[i]!;
    if (pending[i]! > 0) cells[i] = 'pending';
    else if (d === 0) cells[i] = 'none';
    else if (t === d) cells[i] = onTime[i] === d ? 'on-time' : 'late';
    else if (t > 0) cells[i] = 'partial';
    else cells[i] = missed[i]! > 0 ? 'missed' : 'skipped';
  }
  return cells;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : null);

function metricsOf(c: DayCounts, fromDay: DayNum): DoseMetrics {
  const m = dayMetrics(c);
  return {
    scheduled: m.sDue,
    taken: m.sTaken,
    onTime: m.sOnTime,
    late: m.sTaken - m.sOnTime,
    skipped: m.sSkipped,
    missed: m.sMissed,
    pending: m.sPending,
    extra: m.sExtra,
    takingAdherence: ratio(m.sTaken, m.sDue),
    timingAdherence: ratio(m.sOnTime, m.sDue),
    dosingDays: m.dosingDays,
    correctDays: m.correctDays,
    correctDosingDays: ratio(m.correctDays, m.dosingDays),
    longestGapDays: m.gap,
    longestGap: m.gapFrom >= 0 ? { from: fromDay + m.gapFrom, to: fromDay + m.gapTo } : undefined,
    currentStreakDays: m.streak,
    daily: { scheduled: c.due, taken: c.taken },
  };
}

/** [first, last] days of [fromDay, toDay] on which some phase of `med` is in force, or undefined. */
function activeSpan(med: Medication, fromDay: DayNum, toDay: DayNum): { first: DayNum; last: DayNum } | undefined {
  let first = Infinity, last = -Infinity;
  med.phases.forEach((p, i) => {
    const a = Math.max(fromDay, p.from ?? fromDay);
    const b = Math.min(toDay, phaseEnd(med, i) ?? toDay);
    if (a > b) return;
    first = Math.min(first, a);
    last = Math.max(last, b);
  });
  return first <= last ? { first, last } : undefined;
}

/** As-needed-only medications get no PDC (their days supply assumes the maximum use). */
const NO_PDC: PdcResult = { pdc: null, coveredDays: 0, periodDays: 0, period: null };

/** Day index of an instant in the period, or -1 outside it (cheap: one zone look-up). */
function indexOf(t: Millis, fromDay: DayNum, n: number, clock: Clock): number {
  const i = clock.dayOf(t) - fromDay;
  return i >= 0 && i < n ? i : -1;
}

function asNeededStats(
  med: Medication,
  log: LogColumns,
  rows: readonly number[],
  fromDay: DayNum,
  toDay: DayNum,
  today: DayNum,
  clock: Clock,
): AsNeededStats {
  const n = toDay - fromDay + 1;
  const counts = new Array<number>(n).fill(0);
  const limits = new Array<number | undefined>(n).fill(undefined);
  let daysInForce = 0, maxPerDay: number | undefined;
  for (let i = 0; i < n; i++) {
    const p = phaseOn(med, fromDay + i);
    if (!p?.asNeeded) continue;
    limits[i] = p.maxPerDay;
    if (fromDay + i <= today) {
      daysInForce++;
      maxPerDay = p.maxPerDay;
    }
  }
  let doses = 0, units = 0;
  for (const j of rows) {
    const i = indexOf(log.at[j]!, fromDay, n, clock);
    if (i < 0) continue;
    counts[i]!++;
    doses++;
    units += unitsAt(med, log.dose[j]!, log.slot[j]!, log.at[j]!, clock);
  }
  const overLimitDays: DayNum[] = [];
  let daysUsed = 0;
  for (let i = 0; i < n; i++) {
    if (counts[i]! > 0) daysUsed++;
    const lim = limits[i];
    if (lim !== undefined && counts[i]! > lim) overLimitDays.push(fromDay + i);
  }
  return {
    doses,
    units,
    daysInForce,
    daysUsed,
    perDay: daysInForce > 0 ? doses / daysInForce : null,
    maxPerDay,
    daysOverLimit: overLimitDays.length,
    overLimitDays,
    counts,
    limits,
  };
}

/**
 * Adherence of the regimen (or of `opts.med`) over local days
 * [fromDay, toDay] at instant `now`.
 *
 * Overall = the sum over scheduled medications (as-needed-only ones are left
 * out): its fractions are dose-weighted (Σ taken / Σ scheduled, so a twice
 * daily medication weighs twice a once-daily one); correct-dosing days are
 * Σ correct days / Σ dosing days (medication-days); its longest gap is the
 * longest run of days on which something was due and nothing at all was
 * taken; its streak counts days on which every dose of every medication was
 * taken. Overall has no PDC (PQA defines PDC per drug or class);
 * it is adherent when its taking adherence is >= 0.80.
 *
 * PDC uses the medication's fills in the period, ending at the earlier of
 * toDay and today (days not yet lived are not counted).
 */
export function adherence(
  regimen: Regimen,
  fromDay: DayNum,
  toDay: DayNum,
  now: Millis,
  clock: Clock,
  opts: { med?: Medication; pdcThreshold?: number; log?: LogColumns } = {},
): AdherenceReport {
  const n = Math.max(0, toDay - fromDay + 1);
  const today = clock.dayOf(now);
  const w = windowOf(regimen.settings);
  const log = opts.log ?? columnsOf(regimen.log, regimen.medications);
  const byMed = rowsByMed(log, regimen.medications.length);
  const meds = opts.med !== undefined ? [opts.med] : regimen.medications;
  const total = newCounts(n);
  const out: MedAdherence[] = [];
  let scheduledMeds = 0, dosingDays = 0, correctDays = 0; // medication-days, for overall correct dosing

  for (const med of meds) {
    const span = activeSpan(med, fromDay, toDay);
    const fillsInPeriod = (med.supply?.fills ?? []).some((f) => f.date >= fromDay && f.date <= toDay);
    if (!span && !fillsInPeriod && opts.med === undefined) continue;
    const hasScheduled = med.phases.some((p) => !p.asNeeded);
    const hasAsNeeded = med.phases.some((p) => p.asNeeded);
    const kind = hasScheduled ? (hasAsNeeded ? 'mixed' : 'scheduled') : 'as-needed';
    const rows = byMed[med.index] ?? new Int32Array(0);
    let c = EMPTY;
    let asNeeded: AsNeededStats | undefined;

    if (n > 0) {
      const credited = credit(med, log, rows, fromDay, toDay, now, clock, w);
      c = newCounts(n);
      countCredited(med, credited, fromDay, c);
      for (const j of credited.extras) {
        const i = indexOf(log.at[j]!, fromDay, n, clock);
        if (i >= 0) c.extra[i]!++;
      }
      if (hasAsNeeded) asNeeded = asNeededStats(med, log, credited.asNeeded, fromDay, toDay, today, clock);
    }

    const m = metricsOf(c, fromDay);
    const cells = cellsOf(c);
    const threshold = thresholdFor(med, opts.pdcThreshold ?? regimen.settings.pdcThreshold);
    // As-needed-only medications: never a percentage (their days supply assumes the maximum use).
    // Days after its stop (or before its start) are in no denominator: the days it was in force bound both measures.
    const p: PdcResult = kind === 'as-needed' ? NO_PDC : medicationPdc(med, fromDay, Math.min(toDay, today), clock, span ? { first: span.first, last: span.last } : {});
    const pdcMeasure = p.pdc !== null ? 'pqa' : p.period ? 'period' : null;
    const covered = p.pdc ?? p.period?.proportion ?? null;
    let adherent: boolean | null = null;
    if (covered !== null) adherent = covered + 1e-12 >= threshold;
    else if (m.takingAdherence !== null) adherent = m.takingAdherence + 1e-12 >= DEFAULT_THRESHOLD;

    if (kind !== 'as-needed') {
      addCounts(total, c);
      scheduledMeds++;
      dosingDays += m.dosingDays;
      correctDays += m.correctDays;
    }
    out.push({
      med: med.id,
      name: med.name,
      kind,
      firstDay: span?.first,
      lastDay: span?.last,
      ...m,
      cells,
      pdc: p.pdc,
      pdcCoveredDays: p.coveredDays,
      pdcPeriodDays: p.periodDays,
      pdcIndexDay: p.indexDay,
      pdcIneligible: p.ineligible,
      periodCoverage: p.period,
      pdcMeasure,
      pdcThreshold: threshold,
      adherent,
      asNeeded,
    });
  }

  // Day-level sums give the regimen-wide gap, streak and cells; correct dosing is per medication-day.
  const om = { ...metricsOf(total, fromDay), dosingDays, correctDays, correctDosingDays: ratio(correctDays, dosingDays) };
  const overallCells = cellsOf(total);
  const overall: OverallAdherence = {
    ...om,
    medications: scheduledMeds,
    cells: overallCells,
    adherent: om.takingAdherence === null ? null : om.takingAdherence + 1e-12 >= DEFAULT_THRESHOLD,
  };
  return { fromDay, toDay, today, medications: out, overall };
}
