/**
 * Crediting: which scheduled dose each log entry answers, and the state of
 * every dose (taken / skipped / missed / due / upcoming) at a given moment.
 * Pure: the regimen, the clock and `now` are passed in.
 */
import type { DayNum, LogEntry, Medication, Millis, Regimen, Settings } from '../model/types.js';
import { Clock, DAY, slotNumber } from './time.js';
import { expandDays, isAsNeeded, nextDoseAfter, type ScheduledDose } from './schedule.js';

export type DoseStatus = 'taken' | 'skipped' | 'missed' | 'due' | 'upcoming';

export interface DoseState extends ScheduledDose {
  status: DoseStatus;
  entry?: LogEntry; // the entry that answered it
  takenAt?: Millis;
  onTime?: boolean; // taken inside [at - early, at + late]
  reason?: string; // why it was skipped
  nextAt?: Millis; // the medication's next scheduled dose after this one
}

export interface MedDay {
  med: Medication;
  doses: DoseState[]; // scheduled doses on the requested days, sorted
  extras: LogEntry[]; // takes that answered no scheduled dose (possible double doses)
  asNeeded: LogEntry[]; // doses of an as-needed phase
}

export interface Window {
  earlyMs: number;
  lateMs: number;
}

export function windowOf(settings: Settings): Window {
  return { earlyMs: settings.earlyMs, lateMs: settings.lateMs };
}

/**
 * May a dose recorded at `t` answer scheduled dose `d`? Not before its window
 * opens; and once its window has closed, only until the window of the next dose opens
 * (a missed dose whose moment has passed is not made up by a later take).
 */
export function creditable(d: { at: Millis; nextAt?: Millis }, t: Millis, w: Window): boolean {
  if (t < d.at - w.earlyMs) return false;
  if (t <= d.at + w.lateMs) return true;
  return d.nextAt !== undefined ? t < d.nextAt - w.earlyMs : t < d.at + DAY;
}

/** The pending dose nearest in time among those `t` may answer (ties: the earlier). */
export function chooseDose<D extends { at: Millis; nextAt?: Millis }>(pending: D[], t: Millis, w: Window): D | undefined {
  let best: D | undefined;
  for (const d of pending) {
    if (!creditable(d, t, w)) continue;
    if (!best || Math.abs(t - d.at) < Math.abs(t - best.at)) best = d;
  }
  return best;
}

/**
 * States of `med`'s doses on local days [fromDay, toDay] at instant `now`.
 * `entries` are this medication's log entries in recording order (others are ignored).
 * Doses are expanded with a margin so entries near the edges credit correctly.
 */
export function assessMedication(
  med: Medication,
  entries: readonly LogEntry[],
  fromDay: DayNum,
  toDay: DayNum,
  now: Millis,
  clock: Clock,
  w: Window,
): MedDay {
  const all = expandDays(med, fromDay - 2, toDay + 8, clock) as DoseState[];
  for (let i = 0; i < all.length; i++) {
    const d = all[i]!;
    d.status = 'upcoming';
    d.nextAt = all[i + 1]?.at;
  }
  const last = all[all.length - 1];
  if (last) last.nextAt = nextDoseAfter(med, last.at, clock)?.at;
  // Keyed by the slot as a number: string keys cost ~1 µs a look-up on ten years of log.
  const bySlot = new Map<number, DoseState>();
  for (const d of all) if (!bySlot.has(d.key)) bySlot.set(d.key, d);

  const lo = clock.startOfDay(fromDay - 2);
  const hi = clock.startOfDay(toDay + 8);
  const minKey = (fromDay - 2) * 1440;
  const maxKey = (toDay + 9) * 1440;
  const extras: LogEntry[] = [];
  const asNeeded: LogEntry[] = [];
  for (const e of entries) {
    if (e.med !== med.id) continue;
    const key = e.for !== undefined ? slotNumber(e.for) : undefined;
    let d = key !== undefined ? bySlot.get(key) : undefined;
    if (d) {
      // the dose it names
    } else if (key !== undefined && (key < minKey || key >= maxKey)) {
      continue; // it answered a dose outside the days looked at
    } else if (e.extra) {
      if (e.status === 'taken' && e.at >= lo && e.at < hi) extras.push(e);
      continue;
    } else {
      // No `for`, or a slot the schedule no longer has (it was edited since): credit it by its time,
      // as meds take would now, so an edit never turns a dose already taken into one still due.
      if (e.at < lo - DAY || e.at >= hi) continue;
      if (isAsNeeded(med, clock.dayOf(e.at))) {
        if (e.status === 'taken') asNeeded.push(e);
        continue;
      }
      d = chooseDose(pendingNear(all, e.at, w), e.at, w);
      if (!d) {
        if (e.status === 'taken') extras.push(e);
        continue;
      }
    }
    if (d.status === 'taken') {
      // A second take for a dose already taken is an extra dose; a later skip does not undo a take.
      if (e.status === 'taken') extras.push(e);
      continue;
    }
    d.entry = e; // answered
    if (e.status === 'taken') {
      d.status = 'taken';
      d.takenAt = e.at;
      d.onTime = e.at >= d.at - w.earlyMs && e.at <= d.at + w.lateMs;
      d.reason = undefined;
    } else {
      d.status = 'skipped';
      d.reason = e.reason;
    }
  }
  for (const d of all) {
    if (d.status !== 'upcoming') continue;
    if (now > d.at + w.lateMs) d.status = 'missed';
    else if (now >= d.at - w.earlyMs) d.status = 'due';
  }
  const doses = all.filter((d) => d.day >= fromDay && d.day <= toDay);
  const inDays = (e: LogEntry) => {
    const day = clock.dayOf(e.at);
    return day >= fromDay && day <= toDay;
  };
  return { med, doses, extras: extras.filter(inDays), asNeeded: asNeeded.filter(inDays) };
}

/**
 * Unanswered doses a record at `t` could answer: those whose window has opened
 * by `t`, back to the previous 35 days (a missed monthly dose stays creditable
 * until the next one). Binary search keeps crediting linear in the log.
 */
function pendingNear(all: DoseState[], t: Millis, w: Window): DoseState[] {
  let lo = 0;
  let hi = all.length;
  const from = t - 35 * DAY;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.at < from) lo = mid + 1;
    else hi = mid;
  }
  const out: DoseState[] = [];
  for (let i = lo; i < all.length && all[i]!.at - w.earlyMs <= t; i++) if (all[i]!.entry === undefined) out.push(all[i]!);
  return out;
}

/** Log entries grouped by medication id, each list in recording order. */
export function entriesByMed(log: readonly LogEntry[]): Map<string, LogEntry[]> {
  const m = new Map<string, LogEntry[]>();
  for (const e of log) {
    let list = m.get(e.med);
    if (!list) m.set(e.med, (list = []));
    list.push(e);
  }
  return m;
}

export interface AsNeededState {
  med: string;
  takenToday: number;
  maxPerDay?: number;
  minIntervalMs?: number;
  lastTakenAt?: Millis;
  nextAllowedAt?: Millis; // undefined: allowed now (or no limits)
  inLast24h: number;
}

/**
 * Limits of an as-needed medication at `now`: the minimum interval since the
 * last dose, and at most `maxPerDay` doses in any 24 hours (a rolling window:
 * a label's "in 24 hours").
 */
export function asNeededState(med: Medication, entries: readonly LogEntry[], now: Millis, clock: Clock): AsNeededState {
  const day = clock.dayOf(now);
  const phase = med.phases.find((p) => p.asNeeded) ?? med.phases[0]!;
  const taken = entries.filter((e) => e.med === med.id && e.status === 'taken' && e.at <= now).map((e) => e.at).sort((a, b) => a - b);
  const takenToday = taken.filter((t) => clock.dayOf(t) === day).length;
  const recent = taken.filter((t) => t > now - DAY);
  const lastTakenAt = taken[taken.length - 1];
  let next = -Infinity;
  if (lastTakenAt !== undefined && phase.minIntervalMs !== undefined) next = lastTakenAt + phase.minIntervalMs;
  if (phase.maxPerDay !== undefined && recent.length >= phase.maxPerDay) {
    // The dose that must leave the 24-hour window before another is allowed.
    next = Math.max(next, recent[recent.length - phase.maxPerDay]! + DAY);
  }
  return {
    med: med.id,
    takenToday,
    maxPerDay: phase.maxPerDay,
    minIntervalMs: phase.minIntervalMs,
    lastTakenAt,
    nextAllowedAt: next > now ? next : undefined,
    inLast24h: recent.length,
  };
}

/** Today's (or any day's) picture of the whole regimen. */
export function assessDay(regimen: Regimen, day: DayNum, now: Millis, clock: Clock): MedDay[] {
  const w = windowOf(regimen.settings);
  const byMed = entriesByMed(regimen.log);
  return regimen.medications.map((m) => assessMedication(m, byMed.get(m.id) ?? [], day, day, now, clock, w));
}
