/**
 * Adherence's per-day counts of one medication, from the schedule's pattern: the same counts as
 * crediting every dose (doses.ts `credit`, then counting its states: countCredited), without
 * building the doses. A day's doses are its phase's times (those the phase gives that day); a log
 * entry names the dose it answers (`for:`), so only answered doses are looked at, in a grid of
 * day × time; every other dose is missed or still pending by the clock.
 *
 * Ten years of a dozen medications is ~50,000 doses, and a short run executes most of its code
 * before V8 has optimized it: doing one step per entry and one per day, instead of several per
 * dose, is what makes `adherence --days 3650` fast (bench/).
 *
 * An `every: Nh` phase's doses are numbered from its start: only those near an entry's slot, and each
 * once to count it, are worked out.
 *
 * For the usual medication only: no daily phase has a `count`, and every entry either names a dose
 * of the schedule or is an extra, an as-needed dose, or outside the days looked at. Otherwise (a
 * daily `count`, an entry credited by its time because it names no dose) creditByDay answers
 * undefined and the caller credits every dose. Pure.
 */
import { ENTRY_EXTRA, ENTRY_TAKEN, type DayNum, type LogColumns, type Medication, type Millis, type Phase } from '../model/types.js';
import { Clock, DAY, HOUR, MINUTE } from './time.js';
import { dayAllowed, isAsNeeded, phaseEnd, secondPass } from './schedule.js';
import { MISSED, SKIPPED, TAKEN, type Credited, type Window } from './doses.js';

/** Per-day counters of one medication (or of the regimen) over a period; index 0 = its first day. */
export interface DayCounts {
  due: Uint16Array; // settled scheduled doses (taken + skipped + missed)
  pending: Uint16Array; // doses due or upcoming at `now`
  taken: Uint16Array; // scheduled doses taken
  onTime: Uint16Array;
  skipped: Uint16Array;
  missed: Uint16Array;
  extra: Uint16Array; // extra takes, by the day they were taken
}

export function newCounts(n: number): DayCounts {
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

/** The counts of doses on days [fromDay, fromDay + n) from every dose's state (credit's result), into `c`. */
export function countCredited(state: Credited, fromDay: DayNum, c: DayCounts): void {
  const n = c.due.length;
  const { day } = state.times;
  for (let k = 0; k < day.length; k++) {
    const i = day[k]! - fromDay;
    if (i < 0 || i >= n) continue; // the margin crediting looks at
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

/** Grid values: a dose not answered, taken inside its window, taken outside it, skipped. */
const OPEN = 0, ON_TIME = 1, LATE = 2, SKIP = 3;

export interface ByDay {
  counts: DayCounts; // `extra` left at zero: the caller counts `extras` by its own days
  extras: number[]; // rows of takes that answered no scheduled dose, as credit gives them
  asNeeded: number[]; // rows of doses of an as-needed phase, as credit gives them
}

/** An `every: Nh` phase's doses, numbered k from its start: row `row` of the grid holds doses [kFrom, kEnd). */
interface Interval {
  start: Millis;
  every: number;
  end: DayNum | undefined;
  kFrom: number;
  kEnd: number;
  row: number;
}

/**
 * One medication's tables over the days looked at, [d0, d1], read by the loops below, which call no
 * closure and read no medication's phases. V8 optimizes a short run's loops while they run: when the
 * functions below were closures made anew for each medication, a call to one threw the optimized
 * code away at the next medication (node --trace-deopt: "wrong call target"), and the phases'
 * varied shapes did the same ("wrong map").
 */
class Tables {
  readonly nd: number;
  width = 0; // most times in a day
  /** Each day's scheduled phase (-1: none; phases follow one another, so at most one a day). */
  readonly phaseOf: Int16Array;
  /** Whether that phase gives daily doses that day. */
  readonly allowed: Uint8Array;
  /** Per phase, the time index of each minute of the day (+ 1; 0: none). */
  readonly timeAt: Int16Array;
  /** Per phase, the day a date-time `from` starts it part-way (NaN: none), and its minute. */
  readonly partDay: Float64Array;
  readonly partMinute: Float64Array;
  /** Per phase, its daily times' count and, in rows of `width`, their minutes (filled by tablesOf). */
  readonly timesN: Int16Array;
  minutes: Int16Array = new Int16Array(0);
  readonly intervals: Interval[] = [];
  gridSize = 0;
  wholeMinutes = true; // every interval dose falls on a whole minute (see intervalDose)
  readonly lo: Millis;
  readonly hi: Millis;
  found = NaN; // intervalDose's instant of the dose it found (a double from the start: a field that
  // changes representation, as a 0 set to an instant does, throws the code using it away)

  constructor(
    phases: Phase[],
    readonly d0: DayNum,
    readonly d1: DayNum,
    readonly steady: Float64Array,
    readonly clock: Clock,
  ) {
    const nd = (this.nd = d1 - d0 + 1);
    this.phaseOf = new Int16Array(nd).fill(-1);
    this.allowed = new Uint8Array(nd);
    this.timeAt = new Int16Array(phases.length * 1440); // (a day has up to 1,440 times)
    this.partDay = new Float64Array(phases.length).fill(NaN);
    this.partMinute = new Float64Array(phases.length);
    this.timesN = new Int16Array(phases.length);
    this.lo = clock.startOfDay(d0);
    this.hi = clock.startOfDay(d1);
  }
}

/** The steady offset of a day (see Clock.steadyOffset), NaN when there is none. */
function steadyAt(t: Tables, day: DayNum): number {
  return day >= t.d0 && day <= t.d1 ? t.steady[day - t.d0]! : (t.clock.steadyOffset(day) ?? NaN);
}

/** The instant of a daily dose, as expandTimes makes it. */
function doseAt(t: Tables, day: DayNum, minute: number): Millis {
  const off = t.steady[day - t.d0]!;
  return off === off ? (day * 1440 + minute - off) * MINUTE : t.clock.toInstant(day, minute);
}

/**
 * The slot number of an interval dose at `at`, as expandInterval makes it (its local day and minute,
 * + 0.5 on the second pass through a repeated hour).
 */
function slotAt(t: Tables, at: Millis): number {
  let off = steadyAt(t, Math.floor(at / DAY));
  if (off !== off) off = t.clock.offsetAt(at);
  const localMs = at + off * MINUTE;
  const day = Math.floor(localMs / DAY);
  const minute = Math.floor((localMs - day * DAY) / MINUTE);
  const steadyDay = steadyAt(t, day);
  return day * 1440 + minute + (steadyDay !== steadyDay && secondPass(at, localMs, t.clock) ? 0.5 : 0);
}

/**
 * The interval dose whose slot is `key` (its grid index; its instant in t.found), if any (-1). It is
 * the wall time read with the day's offset; near a change of offset, with the offset of the day
 * before, of the day itself or of the day after (a zone can jump a whole day: Pacific/Apia skipped
 * 2011-12-30), each give or take three hours. The first in time of the doses with that slot, as
 * credit finds it.
 */
function intervalDose(t: Tables, key: number): number {
  const day = Math.floor(key / 1440);
  const minute = Math.floor(key - day * 1440);
  const wall = (day * 1440 + minute) * MINUTE;
  const steadyOff = steadyAt(t, day);
  const steadyDay = steadyOff === steadyOff; // (else: the offsets at noon of the day before, the day, the day after)
  const intervals = t.intervals;
  let g = -1;
  if (steadyDay) {
    // The usual day: on a steady day no slot has + 0.5, and when the UTC day of the guess is steady
    // with the same offset, the offset is that one for three hours either side of it, so the guess
    // is the one instant near it whose slot is `key`. When every dose falls on a whole minute (and
    // so does the guess), the dose there, of the first interval that has one, is the one; else
    // (a dose at 06:01:30 has the slot 06:01) the search below finds it. (Review finding: a
    // fractional `every` was left to the check below and lost.)
    if (minute !== key - day * 1440) return -1;
    const guess = wall - steadyOff * MINUTE;
    if (t.wholeMinutes && Number.isInteger(steadyOff) && steadyAt(t, Math.floor(guess / DAY)) === steadyOff) {
      for (const v of intervals) {
        if (v.end !== undefined && day > v.end) continue;
        const k = (guess - v.start) / v.every;
        if (k >= v.kFrom && k < v.kEnd && Number.isInteger(k)) {
          t.found = guess;
          return v.row + k - v.kFrom;
        }
      }
      return -1;
    }
  }
  for (let o = steadyDay ? 0 : -1; o <= (steadyDay ? 0 : 1); o++) {
    const off = steadyDay ? steadyOff : t.clock.offsetAt(wall + (o * 24 - minute / 60 + 12) * HOUR);
    const guess = wall - off * MINUTE;
    for (const v of intervals) {
      if (v.end !== undefined && day > v.end) continue; // after the phase (expandInterval stops there)
      const kLo = Math.max(v.kFrom, Math.ceil((guess - 3 * HOUR - v.start) / v.every));
      const kHi = Math.min(v.kEnd - 1, Math.floor((guess + 3 * HOUR - v.start) / v.every));
      for (let k = kLo; k <= kHi; k++) {
        const at = v.start + k * v.every;
        if ((g < 0 || at < t.found) && slotAt(t, at) === key) {
          g = v.row + k - v.kFrom;
          t.found = at;
        }
      }
    }
  }
  return g;
}

/**
 * The per-day counts of `med` on local days [fromDay, toDay] at instant `now`, from `rows` of `log`
 * (this medication's entries, in recording order), as credit() and countCredited give them; or
 * undefined when the medication or an entry needs every dose built (see the top of this file).
 * Like credit, it looks at the doses of days [fromDay - 2, toDay + 8], so that entries near the
 * edges answer the doses they answer there. `steady`: clock.steadyOffsets(fromDay - 2, toDay + 8)
 * (the same for every medication of a period).
 */
export function creditByDay(med: Medication, log: LogColumns, rows: ArrayLike<number>, fromDay: DayNum, toDay: DayNum, now: Millis, clock: Clock, w: Window, steady: Float64Array): ByDay | undefined {
  const phases = med.phases;
  for (const p of phases) if (!p.asNeeded && p.count !== undefined && p.everyMs === undefined) return undefined;
  // A medication stopped mid-day (`stopped`: untilMinute) has a last day the pattern does not describe.
  for (const p of phases) if (p.untilMinute !== undefined) return undefined;
  const d0 = fromDay - 2, d1 = toDay + 8; // the days looked at
  if (steady.length !== d1 - d0 + 1) throw new Error('internal: creditByDay needs clock.steadyOffsets(fromDay - 2, toDay + 8)');
  const t = tablesOf(med, d0, d1, steady, clock);
  const n = toDay - fromDay + 1;
  const c = newCounts(n);
  const grid = new Uint8Array(t.gridSize);
  const extras: number[] = [];
  const asNeeded: number[] = [];
  if (!answer(t, med, log, rows, fromDay, n, w, c, grid, extras, asNeeded)) return undefined;
  countDaily(t, fromDay, n, now, w.lateMs, c, grid);
  if (t.intervals.length) countIntervals(t, fromDay, n, now, w.lateMs, c, grid);
  return { counts: c, extras, asNeeded };
}

/** The tables of `med` over days [d0, d1]. */
function tablesOf(med: Medication, d0: DayNum, d1: DayNum, steady: Float64Array, clock: Clock): Tables {
  const phases = med.phases;
  const t = new Tables(phases, d0, d1, steady, clock);
  const { phaseOf, allowed, timeAt, partDay, partMinute, timesN, intervals, nd } = t;
  for (const p of phases) if (!p.asNeeded) t.width = Math.max(t.width, p.times.length);
  t.gridSize = nd * t.width;
  const minutes = (t.minutes = new Int16Array(phases.length * t.width));
  for (let i = 0; i < phases.length; i++) {
    const p = phases[i]!;
    if (p.asNeeded) continue;
    const end = phaseEnd(med, i);
    const a = Math.max(d0, p.from ?? d0), b = Math.min(d1, end ?? d1);
    if (p.everyMs !== undefined) {
      // Its doses k in [kFrom, kEnd): those expandTimes gives in the days looked at, in a row of the
      // grid after the daily doses'.
      if (p.from !== undefined && p.from > d1) continue;
      if (end !== undefined && end < d0) continue;
      const start = clock.toInstant(p.from!, p.fromMinute ?? 0);
      const kFrom = Math.max(0, Math.ceil((t.lo - start) / p.everyMs));
      const kEnd = Math.max(kFrom, Math.min(p.count ?? Infinity, Math.ceil((clock.startOfDay(d1 + 1) - start) / p.everyMs)));
      intervals.push({ start, every: p.everyMs, end, kFrom, kEnd, row: t.gridSize });
      if (!Number.isInteger(start / MINUTE) || !Number.isInteger(p.everyMs / MINUTE)) t.wholeMinutes = false; // (every: 1.5min, 2.3h)
      t.gridSize += kEnd - kFrom;
      if (a <= b) phaseOf.fill(i, a - d0, b - d0 + 1);
      continue;
    }
    p.times.forEach((time, k) => {
      timeAt[i * 1440 + time.minute] = k + 1; // (validation refuses a time listed twice)
      minutes[i * t.width + k] = time.minute;
    });
    timesN[i] = p.times.length;
    if (p.fromMinute !== undefined) {
      partDay[i] = p.from!;
      partMinute[i] = p.fromMinute;
    }
    if (a > b) continue;
    phaseOf.fill(i, a - d0, b - d0 + 1);
    if (p.days || p.monthDays || p.everyDays !== undefined || p.cycle) {
      for (let d = a; d <= b; d++) allowed[d - d0] = dayAllowed(p, d) ? 1 : 0;
    } else allowed.fill(1, a - d0, b - d0 + 1);
    // A day the zone skipped has no doses (schedule.ts givesDosesOn); only an unsteady day can be one.
    for (let d = a; d <= b; d++) if (steadyAt(t, d) !== steadyAt(t, d) && clock.skipsDay(d)) allowed[d - d0] = 0;
  }
  return t;
}

/**
 * Each entry of `rows` answers its dose in `grid` (taken on time, late, skipped), counted in `c`
 * on the days [fromDay, fromDay + n); takes that answer no scheduled dose go to `extras`, doses of
 * an as-needed phase to `asNeeded`. False: an entry is credited by its time (credit() does that).
 *
 * In two passes: first the entries naming a daily dose (most of them; a short loop that V8 optimizes
 * soon), then the others in their order (interval doses, extras, as-needed doses). Each dose is
 * answered by its entries in their order either way: a dose is daily or not, whichever entry names it.
 */
function answer(t: Tables, med: Medication, log: LogColumns, rows: ArrayLike<number>, fromDay: DayNum, n: number, w: Window, c: DayCounts, grid: Uint8Array, extras: number[], asNeeded: number[]): boolean {
  const { d0, d1, phaseOf, allowed, timeAt, partDay, partMinute, width } = t;
  const minKey = d0 * 1440, maxKey = (d1 + 1) * 1440;
  const { at: atCol, slot: slotCol, flags: flagsCol } = log;
  const { earlyMs, lateMs } = w;
  const rest = new Int32Array(rows.length); // the entries of the second pass
  let nRest = 0;
  for (let r = 0; r < rows.length; r++) {
    const j = rows[r]!;
    const key = slotCol[j]!;
    if (key >= minKey && key < maxKey) {
      const day = Math.floor(key / 1440);
      const minute = key - day * 1440; // (a fold's slot, + 0.5, is no daily dose's: no table entry)
      const pi = phaseOf[day - d0]!;
      const k = pi >= 0 && allowed[day - d0] ? (timeAt[pi * 1440 + minute] ?? 0) - 1 : -1;
      if (k >= 0 && !(day === partDay[pi] && minute < partMinute[pi]!)) {
        const at = doseAt(t, day, minute);
        const at0 = atCol[j]!, taken = (flagsCol[j]! & ENTRY_TAKEN) !== 0;
        if (!mark(c, grid, (day - d0) * width + k, day - fromDay, n, taken, at0 >= at - earlyMs && at0 <= at + lateMs) && taken) extras.push(j);
        continue;
      }
    }
    rest[nRest++] = j;
  }
  return answerRest(t, med, log, rest.subarray(0, nRest), fromDay, n, w, c, grid, extras, asNeeded);
}

/** answer's second pass: the entries `rest` name no daily dose. */
function answerRest(t: Tables, med: Medication, log: LogColumns, rest: Int32Array, fromDay: DayNum, n: number, w: Window, c: DayCounts, grid: Uint8Array, extras: number[], asNeeded: number[]): boolean {
  const { d0, d1, lo, hi } = t;
  const minKey = d0 * 1440, maxKey = (d1 + 1) * 1440;
  const { at: atCol, slot: slotCol, flags: flagsCol } = log;
  const { earlyMs, lateMs } = w;
  const hasIntervals = t.intervals.length > 0;
  for (let r = 0; r < rest.length; r++) {
    const j = rest[r]!;
    const flags = flagsCol[j]!, at0 = atCol[j]!, key = slotCol[j]!, taken = (flags & ENTRY_TAKEN) !== 0;
    let g = -1; // the dose it names, in the grid
    let day = 0;
    if (key >= minKey && key < maxKey) {
      day = Math.floor(key / 1440);
      if (hasIntervals) g = intervalDose(t, key);
    } else if (key === key) continue; // it answered a dose outside the days looked at
    if (g < 0) {
      if (flags & ENTRY_EXTRA) {
        if (taken && at0 >= lo && at0 < hi) extras.push(j);
        continue;
      }
      if (at0 < lo - DAY || at0 >= hi) continue;
      if (isAsNeeded(med, t.clock.dayOf(at0))) {
        if (taken) asNeeded.push(j);
        continue;
      }
      return false; // credited by its time, among every dose near it: credit() does that
    }
    const at = t.found;
    if (!mark(c, grid, g, day - fromDay, n, taken, at0 >= at - earlyMs && at0 <= at + lateMs) && taken) extras.push(j);
  }
  if (rest.length) extras.sort((x, y) => x - y); // (in the rows' order, as credit gives them: each pass gave them in order)
  return true;
}

/**
 * An entry answers grid dose g, of the day with index i: taken (inside its window or not) or skipped,
 * counted when i is in [0, n). False when the dose was already taken: a second take for it is an
 * extra dose, and a later skip does not undo a take.
 */
function mark(c: DayCounts, grid: Uint8Array, g: number, i: number, n: number, taken: boolean, inWindow: boolean): boolean {
  const was = grid[g]!;
  if (was === ON_TIME || was === LATE) return false;
  const v = taken ? (inWindow ? ON_TIME : LATE) : SKIP;
  grid[g] = v;
  if (i < 0 || i >= n) return true;
  if (was === SKIP) c.skipped[i]!--;
  if (v === SKIP) c.skipped[i]!++;
  else {
    c.taken[i]!++;
    if (v === ON_TIME) c.onTime[i]!++;
  }
  return true;
}

/**
 * Every daily dose of a day: the answered ones are counted; the others are missed once their window
 * has closed, else pending. A dose of day d is before (d + 2) × DAY in any zone, so on the days up
 * to `settled` every open dose is missed without its instant.
 */
function countDaily(t: Tables, fromDay: DayNum, n: number, now: Millis, lateMs: number, c: DayCounts, grid: Uint8Array): void {
  const { d0, phaseOf, allowed, partDay, partMinute, timesN, minutes, width } = t;
  const settled = Math.floor((now - lateMs) / DAY) - 2;
  const { due, pending, missed, taken, skipped } = c;
  for (let i = 0; i < n; i++) {
    const day = fromDay + i;
    if (!allowed[day - d0]) continue;
    const pi = phaseOf[day - d0]!;
    const times = timesN[pi]!;
    if (day <= settled && day !== partDay[pi]) {
      due[i] = times;
      missed[i] = times - taken[i]! - skipped[i]!;
      continue;
    }
    const row = (day - d0) * width;
    for (let k = 0; k < times; k++) {
      const minute = minutes[pi * width + k]!;
      if (day === partDay[pi] && minute < partMinute[pi]!) continue; // before a date-time `from`
      if (grid[row + k] !== OPEN) due[i]!++;
      else if (now > doseAt(t, day, minute) + lateMs) {
        due[i]!++;
        missed[i]!++;
      } else pending[i]!++;
    }
  }
}

/** Every interval dose, as countDaily counts a daily one. */
function countIntervals(t: Tables, fromDay: DayNum, n: number, now: Millis, lateMs: number, c: DayCounts, grid: Uint8Array): void {
  const { due, pending, missed } = c;
  for (const v of t.intervals) {
    for (let k = v.kFrom; k < v.kEnd; k++) {
      const at = v.start + k * v.every;
      let off = steadyAt(t, Math.floor(at / DAY));
      if (off !== off) off = t.clock.offsetAt(at);
      const day = Math.floor((at + off * MINUTE) / DAY); // (slotAt's day: its + 0.5 never changes the day)
      if (v.end !== undefined && day > v.end) break;
      const i = day - fromDay;
      if (i < 0 || i >= n) continue;
      if (grid[v.row + k - v.kFrom] !== OPEN) due[i]!++;
      else if (now > at + lateMs) {
        due[i]!++;
        missed[i]!++;
      } else pending[i]!++;
    }
  }
}
