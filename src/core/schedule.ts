/**
 * The schedule engine: turns a medication's phases into concrete scheduled
 * doses (HL7 FHIR Timing.repeat semantics, see docs/schedules.md).
 * Pure: the patient's Clock is passed in; everything else is day numbers,
 * minutes and epoch milliseconds.
 */
import type { DayNum, Medication, Millis, Phase } from '../model/types.js';
import { civilFromDay, Clock, DAY, formatDay, formatDuration, formatMinute, MINUTE, slotKey, weekday } from './time.js';

export interface ScheduledDose {
  med: string;
  slot: string; // local "YYYY-MM-DDTHH:MM", the dose's identity in the log (`for:`)
  key: number; // the slot as a number (core/time.ts slotNumber), for look-ups
  at: Millis;
  day: DayNum; // the local day the dose belongs to
  minute: number; // its local wall time as scheduled
  dose: number;
  phase: number;
  label: string; // "08:00", "breakfast", "every 8 h"
}

/**
 * A scheduled dose, created with every field crediting will set (core/doses.ts, DoseState)
 * already in place: one object shape for all doses keeps ten years of them fast to credit.
 */
function makeDose(med: string, slot: string, at: Millis, day: DayNum, minute: number, dose: number, phase: number, label: string, fold = false): ScheduledDose {
  const key = day * 1440 + minute + (fold ? 0.5 : 0);
  const d = { med, slot, key, at, day, minute, dose, phase, label, status: 'upcoming', entry: undefined, takenAt: undefined, onTime: undefined, reason: undefined, nextAt: undefined };
  return d;
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

function dayAllowed(p: Phase, day: DayNum): boolean {
  if (p.days && !p.days.includes(weekday(day))) return false;
  if (p.monthDays && !p.monthDays.includes(civilFromDay(day).d)) return false;
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

/** Times of a daily phase on a day, honouring a date-time `from` on its first day. */
function timesOn(p: Phase, day: DayNum) {
  if (p.from === day && p.fromMinute !== undefined) return p.times.filter((t) => t.minute >= p.fromMinute!);
  return p.times;
}

/** Doses of one daily-type phase on local days [fromDay, toDay]. */
function expandDaily(med: Medication, p: Phase, end: DayNum | undefined, fromDay: DayNum, toDay: DayNum, clock: Clock, out: ScheduledDose[]) {
  let first = p.from === undefined ? fromDay : Math.max(fromDay, p.from);
  const last = end === undefined ? toDay : Math.min(toDay, end);
  let remaining = Infinity;
  if (p.count !== undefined) {
    // count limits the whole phase: count the doses before the range (validation guarantees `from`).
    remaining = p.count;
    for (let d = p.from!; d < first && remaining > 0; d++) if (dayAllowed(p, d)) remaining -= timesOn(p, d).length;
    if (remaining <= 0) return;
  }
  const hm = p.times.map((t) => formatMinute(t.minute)); // "HH:MM" of each listed time, once
  for (let d = first; d <= last; d++) {
    if (!dayAllowed(p, d)) continue;
    // One zone look-up a day (none on most days: see Clock.steadyOffset); the rest is arithmetic.
    const steady = clock.steadyOffset(d);
    const date = formatDay(d) + 'T';
    const times = timesOn(p, d);
    for (let k = 0; k < times.length; k++) {
      const t = times[k]!;
      if (remaining-- <= 0) return;
      const at = steady !== undefined ? (d * 1440 + t.minute - steady) * MINUTE : clock.toInstant(d, t.minute);
      const label = times === p.times ? hm[k]! : formatMinute(t.minute);
      out.push(makeDose(med.id, date + label, at, d, t.minute, t.dose ?? p.dose, p.index, t.label));
    }
  }
}

/** Doses of an `every: Nh` phase: elapsed time from its start instant. */
function expandInterval(med: Medication, p: Phase, end: DayNum | undefined, fromDay: DayNum, toDay: DayNum, clock: Clock, out: ScheduledDose[]) {
  const every = p.everyMs!;
  const start = clock.toInstant(p.from!, p.fromMinute ?? 0);
  const lo = clock.startOfDay(fromDay);
  const hi = clock.startOfDay(toDay + 1);
  let k = Math.max(0, Math.ceil((lo - start) / every));
  const label = `every ${formatDuration(every)}`;
  for (; ; k++) {
    if (p.count !== undefined && k >= p.count) return;
    const at = start + k * every;
    if (at >= hi) return;
    const localMs = at + clock.offsetAt(at) * MINUTE;
    const day = Math.floor(localMs / DAY);
    const minute = Math.floor((localMs - day * DAY) / MINUTE);
    if (end !== undefined && day > end) return;
    let slot = slotKey(day, minute);
    // The second pass through a repeated (fall-back) hour: the wall time alone would name two doses.
    const fold = clock.steadyOffset(day) === undefined && clock.toInstant(day, minute, Math.floor((localMs % MINUTE) / 1000)) !== at;
    if (fold) slot += clock.formatInstant(at).slice(16);
    out.push(makeDose(med.id, slot, at, day, minute, p.dose, p.index, label, fold));
  }
}

/** Every scheduled dose of `med` on local days [fromDay, toDay], sorted by time. As-needed phases give none. */
export function expandDays(med: Medication, fromDay: DayNum, toDay: DayNum, clock: Clock): ScheduledDose[] {
  const out: ScheduledDose[] = [];
  for (let i = 0; i < med.phases.length; i++) {
    const p = med.phases[i]!;
    if (p.asNeeded) continue;
    const end = phaseEnd(med, i);
    if (p.from !== undefined && p.from > toDay) continue;
    if (end !== undefined && end < fromDay) continue;
    if (p.everyMs !== undefined) expandInterval(med, p, end, fromDay, toDay, clock, out);
    else expandDaily(med, p, end, fromDay, toDay, clock, out);
  }
  // Daily phases come out day by day in listed order; a spring-forward gap (02:30 moved to 03:30,
  // after a 03:00 dose) or several phases can break time order.
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.at < out[i - 1]!.at) {
      out.sort((a, b) => a.at - b.at || a.phase - b.phase || a.minute - b.minute);
      break;
    }
  }
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
