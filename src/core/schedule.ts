/**
 * The schedule engine: turns a medication's phases into concrete scheduled
 * doses (HL7 FHIR Timing.repeat semantics, see docs/schedules.md).
 * Pure: the patient's Clock is passed in; everything else is day numbers,
 * minutes and epoch milliseconds.
 */
import type { DayNum, Medication, Millis, Phase } from '../model/types.js';
import { civilFromDay, Clock, DAY, daysInMonth, formatDuration, MINUTE, slotKey, weekday } from '../time/time.js';

export interface ScheduledDose {
  med: string;
  slot: string; // local "YYYY-MM-DDTHH:MM", the dose's identity in the log (`for:`)
  at: Millis;
  day: DayNum; // the local day the dose belongs to
  minute: number; // its local wall time as scheduled
  dose: number;
  phase: number;
  label: string; // "08:00", "breakfast", "every 8 h"
}

/** Last day of a phase: its own `until`, or the day before the next phase starts. */
export function phaseEnd(med: Medication, i: number): DayNum | undefined {
  const p = med.phases[i]!;
  const next = med.phases[i + 1];
  const nextStart = next?.from !== undefined ? next.from - 1 : undefined;
  if (p.until === undefined) return nextStart;
  if (nextStart === undefined) return p.until;
  return Math.min(p.until, nextStart);
}

/**
 * Is `day` one of these days of the month? A listed day the month does not have (29, 30, 31)
 * falls on its last day: a monthly dose on the 31st is taken on 30 April and on 28 or 29 February,
 * never dropped. Days that fall on the same day (30 and 31 in April) are one day, so one dose.
 */
export function onMonthDay(monthDays: readonly number[], day: DayNum): boolean {
  const { y, m, d } = civilFromDay(day);
  if (d < 28) return monthDays.includes(d);
  const last = daysInMonth(y, m);
  for (const md of monthDays) if (Math.min(md, last) === d) return true;
  return false;
}

/** Does phase p give doses on `day` (its weekdays, days of the month, every N days, cycle)? Its bounds are not looked at. */
export function dayAllowed(p: Phase, day: DayNum): boolean {
  if (p.days && !p.days.includes(weekday(day))) return false;
  if (p.monthDays && !onMonthDay(p.monthDays, day)) return false;
  if (p.everyDays !== undefined) {
    const k = day - (p.from ?? 0);
    if (k < 0 || k % p.everyDays !== 0) return false;
  }
  if (p.cycle) {
    const k = day - (p.from ?? 0);
    const len = p.cycle.on + p.cycle.off;
    if (k < 0 || ((k % len) + len) % len >= p.cycle.on) return false;
  }
  return true;
}

/**
 * Does phase p give doses on `day`: its day filters allow it, and the patient's zone does not
 * skip the day (a calendar day that never happened there has no doses; see Clock.skipsDay).
 */
export function givesDosesOn(p: Phase, day: DayNum, clock: Clock): boolean {
  return dayAllowed(p, day) && !clock.skipsDay(day);
}

/**
 * Scheduled doses as columns: index i is one dose, in time order. Crediting and counting run on
 * these numbers (ten years is ~50,000 doses: no object or string per dose); expandDays makes the
 * ScheduledDose objects from them.
 */
export interface DoseTimes {
  length: number;
  at: Float64Array; // instant
  day: Int32Array; // the local day the dose belongs to
  minute: Int16Array; // its local wall time as scheduled
  fold: Uint8Array; // 1: the second pass through a repeated (fall-back) hour; else 0
  phase: Int16Array; // index in med.phases
  time: Int16Array; // index in that phase's times; -1 for an interval phase
}

function newTimes(n: number): DoseTimes {
  return { length: 0, at: new Float64Array(n), day: new Int32Array(n), minute: new Int16Array(n), fold: new Uint8Array(n), phase: new Int16Array(n), time: new Int16Array(n) };
}

/** The slot as a number (time/time.ts slotNumber): day × 1440 + minute, + 0.5 for a fold. */
export const doseKey = (c: DoseTimes, i: number): number => c.day[i]! * 1440 + c.minute[i]! + c.fold[i]! * 0.5;

/** Add a dose (the columns were made long enough: see expandTimes). */
function push(c: DoseTimes, at: Millis, day: DayNum, minute: number, fold: number, phase: number, time: number) {
  const i = c.length++;
  if (i >= c.at.length) throw new Error('internal: more doses than expandTimes made room for'); // a typed array would drop them
  c.at[i] = at;
  c.day[i] = day;
  c.minute[i] = minute;
  c.fold[i] = fold;
  c.phase[i] = phase;
  c.time[i] = time;
}

/** Is time k of phase p given on `day`? Not before a date-time `from` on its first day, nor from a stop's minute on its last. */
const timeGiven = (p: Phase, day: DayNum, k: number) =>
  (p.from !== day || p.fromMinute === undefined || p.times[k]!.minute >= p.fromMinute) && (p.until !== day || p.untilMinute === undefined || p.times[k]!.minute < p.untilMinute);

/** Doses of one daily-type phase (index pi) on local days [fromDay, toDay]. */
function expandDaily(p: Phase, pi: number, end: DayNum | undefined, fromDay: DayNum, toDay: DayNum, clock: Clock, out: DoseTimes) {
  const first = p.from === undefined ? fromDay : Math.max(fromDay, p.from);
  const last = end === undefined ? toDay : Math.min(toDay, end);
  const times = p.times;
  let remaining = Infinity;
  if (p.count !== undefined) {
    // count limits the whole phase: count the doses before the range (validation guarantees `from`).
    remaining = p.count;
    for (let d = p.from!; d < first && remaining > 0; d++) {
      if (!givesDosesOn(p, d, clock)) continue;
      for (let k = 0; k < times.length; k++) if (timeGiven(p, d, k)) remaining--;
    }
    if (remaining <= 0) return;
  }
  for (let d = first; d <= last; d++) {
    if (!dayAllowed(p, d)) continue;
    // One zone look-up a day (none on most days: see Clock.steadyOffset); the rest is arithmetic.
    const steady = clock.steadyOffset(d);
    if (steady === undefined && clock.skipsDay(d)) continue; // a day the zone skipped has no doses
    for (let k = 0; k < times.length; k++) {
      if (!timeGiven(p, d, k)) continue;
      if (remaining-- <= 0) return;
      const minute = times[k]!.minute;
      push(out, steady !== undefined ? (d * 1440 + minute - steady) * MINUTE : clock.toInstant(d, minute), d, minute, 0, pi, k);
    }
  }
}

/** Doses of an `every: Nh` phase (index pi): elapsed time from its start instant. */
function expandInterval(p: Phase, pi: number, end: DayNum | undefined, fromDay: DayNum, toDay: DayNum, clock: Clock, out: DoseTimes) {
  const every = p.everyMs!;
  const start = clock.toInstant(p.from!, p.fromMinute ?? 0);
  const lo = clock.startOfDay(fromDay);
  const hi = clock.startOfDay(toDay + 1);
  for (let k = Math.max(0, Math.ceil((lo - start) / every)); ; k++) {
    if (p.count !== undefined && k >= p.count) return;
    const at = start + k * every;
    if (at >= hi) return;
    const localMs = at + clock.offsetAt(at) * MINUTE;
    const day = Math.floor(localMs / DAY);
    const minute = Math.floor((localMs - day * DAY) / MINUTE);
    if (end !== undefined && day > end) return;
    if (p.untilMinute !== undefined && day === p.until && minute >= p.untilMinute) return; // stopped mid-day
    const fold = clock.steadyOffset(day) === undefined && secondPass(at, localMs, clock);
    push(out, at, day, minute, fold ? 1 : 0, pi, -1);
  }
}

/**
 * Is the dose at instant `at` (its local time `localMs`: `at` plus its offset) on the second pass
 * through a repeated (fall-back) hour? Its wall time alone would then name two doses: its slot gets
 * + 0.5 (slotNumber), and `for:` an offset. Only a day without a steady offset has such a pass.
 */
export function secondPass(at: Millis, localMs: number, clock: Clock): boolean {
  const day = Math.floor(localMs / DAY);
  const minute = Math.floor((localMs - day * DAY) / MINUTE);
  return clock.toInstant(day, minute, Math.floor((localMs % MINUTE) / 1000)) !== at;
}

/** Every scheduled dose of `med` on local days [fromDay, toDay] as columns, sorted by time. As-needed phases give none. */
export function expandTimes(med: Medication, fromDay: DayNum, toDay: DayNum, clock: Clock): DoseTimes {
  const phases: { i: number; end: DayNum | undefined }[] = [];
  let room = 0; // at most this many doses
  for (let i = 0; i < med.phases.length; i++) {
    const p = med.phases[i]!;
    if (p.asNeeded) continue;
    const end = phaseEnd(med, i);
    if (p.from !== undefined && p.from > toDay) continue;
    if (end !== undefined && end < fromDay) continue;
    phases.push({ i, end });
    // The phase's own days in the range; an interval's doses over them and one more day (a day
    // can be longer than 24 hours: 48 at most in the zone data); never more than its count.
    const days = Math.min(toDay, end ?? toDay) - Math.max(fromDay, p.from ?? fromDay) + 1;
    const most = p.everyMs !== undefined ? Math.ceil(((days + 1) * DAY) / p.everyMs) + 1 : days * p.times.length;
    room += p.count !== undefined ? Math.min(most, p.count) : most;
  }
  const out = newTimes(room);
  for (const { i, end } of phases) {
    const p = med.phases[i]!;
    if (p.everyMs !== undefined) expandInterval(p, i, end, fromDay, toDay, clock, out);
    else expandDaily(p, i, end, fromDay, toDay, clock, out);
  }
  const n = out.length;
  const cols = [out.at, out.day, out.minute, out.fold, out.phase, out.time] as const;
  // Daily phases come out day by day in listed order; a spring-forward gap (02:30 moved to 03:30,
  // after a 03:00 dose) or several phases can break time order.
  const at = out.at;
  for (let i = 1; i < n; i++) {
    if (at[i]! < at[i - 1]!) {
      const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => at[a]! - at[b]! || med.phases[out.phase[a]!]!.index - med.phases[out.phase[b]!]!.index || out.minute[a]! - out.minute[b]!);
      for (const col of cols) {
        const copy = col.slice(0, n);
        for (let j = 0; j < n; j++) col[j] = copy[order[j]!]!;
      }
      break;
    }
  }
  return { length: n, at: out.at.subarray(0, n), day: out.day.subarray(0, n), minute: out.minute.subarray(0, n), fold: out.fold.subarray(0, n), phase: out.phase.subarray(0, n), time: out.time.subarray(0, n) };
}

/** Dose i of the columns as a ScheduledDose. */
export function doseOf(med: Medication, c: DoseTimes, i: number, clock: Clock): ScheduledDose {
  const p = med.phases[c.phase[i]!]!;
  const k = c.time[i]!;
  const at = c.at[i]!, day = c.day[i]!, minute = c.minute[i]!, fold = c.fold[i] === 1;
  let slot = slotKey(day, minute);
  if (fold) slot += clock.formatInstant(at).slice(16);
  const label = k >= 0 ? p.times[k]!.label : `every ${formatDuration(p.everyMs!)}`;
  const dose = k >= 0 ? (p.times[k]!.dose ?? p.dose) : p.dose;
  // With the fields assessMedication (core/doses.ts, DoseState) sets, so that every dose has one shape.
  const d = { med: med.id, slot, at, day, minute, dose, phase: p.index, label, status: 'upcoming', entry: undefined, takenAt: undefined, onTime: undefined, reason: undefined, nextAt: undefined };
  return d;
}

/** Every scheduled dose of `med` on local days [fromDay, toDay], sorted by time. As-needed phases give none. */
export function expandDays(med: Medication, fromDay: DayNum, toDay: DayNum, clock: Clock): ScheduledDose[] {
  const c = expandTimes(med, fromDay, toDay, clock);
  const out: ScheduledDose[] = [];
  for (let i = 0; i < c.length; i++) out.push(doseOf(med, c, i, clock));
  return out;
}

/**
 * The last day any phase can give a dose: undefined when open-ended,
 * -Infinity when nothing is scheduled at all (as-needed only).
 * A daily phase bounded only by `count` counts as open-ended here.
 */
export function lastScheduledDay(med: Medication): DayNum | undefined {
  let last = -Infinity;
  for (let i = 0; i < med.phases.length; i++) {
    const p = med.phases[i]!;
    if (p.asNeeded) continue;
    const end = phaseEnd(med, i);
    if (end !== undefined) last = Math.max(last, end);
    else if (p.everyMs !== undefined && p.count !== undefined) last = Math.max(last, p.from! + Math.ceil((p.count * p.everyMs) / DAY) + 1);
    else return undefined;
  }
  return last;
}

/** The first scheduled dose strictly after instant `t`, looking ahead at most `horizonDays`. */
export function nextDoseAfter(med: Medication, t: Millis, clock: Clock, horizonDays = 400): ScheduledDose | undefined {
  const start = clock.dayOf(t);
  const last = lastScheduledDay(med);
  for (let d = start; d <= start + horizonDays; d += 7) {
    if (last !== undefined && d > last) return undefined;
    for (const dose of expandDays(med, d, d + 6, clock)) if (dose.at > t) return dose;
  }
  return undefined;
}

/** The last scheduled dose strictly before instant `t`, looking back at most `horizonDays`. */
export function prevDoseBefore(med: Medication, t: Millis, clock: Clock, horizonDays = 400): ScheduledDose | undefined {
  const start = clock.dayOf(t);
  for (let d = start; d >= start - horizonDays; d -= 7) {
    const doses = expandDays(med, d - 6, d, clock);
    for (let i = doses.length - 1; i >= 0; i--) if (doses[i]!.at < t) return doses[i];
  }
  return undefined;
}

/** Is any phase of this medication as-needed on `day` (or, with no day, at all)? */
export function isAsNeeded(med: Medication, day?: DayNum): boolean {
  return med.phases.some((p, i) => {
    if (!p.asNeeded) return false;
    if (day === undefined) return true;
    const end = phaseEnd(med, i);
    return (p.from === undefined || p.from <= day) && (end === undefined || end >= day);
  });
}

/** The phase in force on a day (the last one that has started and not ended). */
export function phaseOn(med: Medication, day: DayNum): Phase | undefined {
  let found: Phase | undefined;
  med.phases.forEach((p, i) => {
    const end = phaseEnd(med, i);
    if ((p.from === undefined || p.from <= day) && (end === undefined || end >= day)) found = p;
  });
  return found;
}
