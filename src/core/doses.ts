/**
 * Crediting: which scheduled dose each log entry answers, and the state of
 * every dose (taken / skipped / missed / due / upcoming) at a given moment.
 * Pure: the regimen, the clock and `now` are passed in.
 */
import { ENTRY_EXTRA, ENTRY_TAKEN, type DayNum, type LogColumns, type LogEntry, type Medication, type Millis, type Regimen, type Settings } from '../model/types.js';
import { Clock, DAY, slotNumber } from '../time/time.js';
import { beforeTracking } from './tracking.js';
import { doseKey, doseOf, expandTimes, isAsNeeded, nextDoseAfter, type DoseTimes, type ScheduledDose } from './schedule.js';

/**
 * `untracked`: a dose before the medication's recording began (core/tracking.ts) that no entry
 * answered: never missed, counted or advised on, though a record may still answer it.
 */
export type DoseStatus = 'taken' | 'skipped' | 'missed' | 'due' | 'upcoming' | 'untracked';

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
 * May a dose recorded at `t` answer the scheduled dose at `at` (the next one at `nextAt`, NaN when
 * none is known)? Not before its window opens; and once its window has closed, only until the window
 * of the next dose opens (a missed dose whose moment has passed is not made up by a later take).
 */
export function creditableAt(at: Millis, nextAt: number, t: Millis, w: Window): boolean {
  if (t < at - w.earlyMs) return false;
  if (t <= at + w.lateMs) return true;
  return nextAt === nextAt ? t < nextAt - w.earlyMs : t < at + DAY;
}

/** creditableAt for a dose object. */
export function creditable(d: { at: Millis; nextAt?: Millis }, t: Millis, w: Window): boolean {
  return creditableAt(d.at, d.nextAt ?? NaN, t, w);
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

/** Status codes of Credited.status, in the order of STATUS. */
export const UPCOMING = 0, TAKEN = 1, SKIPPED = 2, MISSED = 3, DUE = 4;
const STATUS: DoseStatus[] = ['upcoming', 'taken', 'skipped', 'missed', 'due'];

/** Log columns of n rows (zeros). */
export function newColumns(n: number): LogColumns {
  return { length: n, med: new Int32Array(n), at: new Float64Array(n), slot: new Float64Array(n), flags: new Uint8Array(n), dose: new Float64Array(n) };
}

/** The columns of `entries` (core of LogColumns); an entry of a medication not in `meds` has med -1. */
export function columnsOf(entries: readonly LogEntry[], meds: readonly Medication[]): LogColumns {
  const ids = new Map(meds.map((m) => [m.id, m.index]));
  const n = entries.length;
  const c = newColumns(n);
  for (let j = 0; j < n; j++) {
    const e = entries[j]!;
    c.med[j] = ids.get(e.med) ?? -1;
    c.at[j] = e.at;
    c.slot[j] = e.for !== undefined ? slotNumber(e.for) : NaN;
    c.flags[j] = (e.status === 'taken' ? ENTRY_TAKEN : 0) | (e.extra ? ENTRY_EXTRA : 0);
    c.dose[j] = e.dose ?? NaN;
  }
  return c;
}

/** For each medication index below `count`, the rows of its entries in recording order. */
export function rowsByMed(log: LogColumns, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let j = 0; j < log.length; j++) {
    const m = log.med[j]!;
    if (m >= 0 && m < count) sizes[m]!++;
  }
  const rows = Array.from(sizes, (k) => new Int32Array(k));
  const filled = new Int32Array(count);
  for (let j = 0; j < log.length; j++) {
    const m = log.med[j]!;
    if (m >= 0 && m < count) rows[m]![filled[m]!++] = j;
  }
  return rows;
}

/** One medication's doses credited: the columns of its doses, and per dose its state. */
export interface Credited {
  times: DoseTimes;
  nextAt: Float64Array; // the medication's next scheduled dose after each one (NaN: none known)
  status: Uint8Array; // UPCOMING, TAKEN, SKIPPED, MISSED or DUE
  entry: Int32Array; // the entry that answered it, -1 for none
  onTime: Uint8Array; // 1: taken inside [at - early, at + late]
  extras: number[]; // takes that answered no scheduled dose (possible double doses), near the days looked at
  asNeeded: number[]; // doses of an as-needed phase, near the days looked at
}

/**
 * Which scheduled dose each log entry answers, and the state of every dose at instant `now`, on
 * numbers: the doses of local days [fromDay - 2, toDay + 8] (a margin, so entries near the edges
 * credit correctly). `rows` are the rows of `log` to credit (this medication's, in recording order);
 * extras and asNeeded are rows too.
 */
export function credit(med: Medication, log: LogColumns, rows: ArrayLike<number>, fromDay: DayNum, toDay: DayNum, now: Millis, clock: Clock, w: Window): Credited {
  const times = expandTimes(med, fromDay - 2, toDay + 8, clock);
  const at = times.at;
  const n = at.length;
  const nextAt = new Float64Array(n);
  for (let i = 0; i + 1 < n; i++) nextAt[i] = at[i + 1]!;
  if (n) nextAt[n - 1] = nextDoseAfter(med, at[n - 1]!, clock)?.at ?? NaN;
  // Keyed by the slot as a number: string keys cost ~1 µs a look-up on ten years of log.
  const bySlot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = doseKey(times, i);
    if (!bySlot.has(k)) bySlot.set(k, i);
  }
  const status = new Uint8Array(n); // UPCOMING
  const entry = new Int32Array(n).fill(-1);
  const onTime = new Uint8Array(n);
  const lo = clock.startOfDay(fromDay - 2);
  const hi = clock.startOfDay(toDay + 8);
  const minKey = (fromDay - 2) * 1440;
  const maxKey = (toDay + 9) * 1440;
  const extras: number[] = [];
  const asNeeded: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const j = rows[r]!;
    const flags = log.flags[j]!;
    const t = log.at[j]!, key = log.slot[j]!, taken = (flags & ENTRY_TAKEN) !== 0;
    let d = key === key ? (bySlot.get(key) ?? -1) : -1;
    if (d >= 0) {
      // the dose it names
    } else if (key === key && (key < minKey || key >= maxKey)) {
      continue; // it answered a dose outside the days looked at
    } else if (flags & ENTRY_EXTRA) {
      if (taken && t >= lo && t < hi) extras.push(j);
      continue;
    } else {
      // No `for`, or a slot the schedule no longer has (it was edited since): credit it by its time,
      // as meds take would now, so an edit never turns a dose already taken into one still due.
      if (t < lo - DAY || t >= hi) continue;
      if (isAsNeeded(med, clock.dayOf(t))) {
        if (taken) asNeeded.push(j);
        continue;
      }
      d = nearestPending(at, nextAt, entry, t, w);
      if (d < 0) {
        if (taken) extras.push(j);
        continue;
      }
    }
    if (status[d] === TAKEN) {
      // A second take for a dose already taken is an extra dose; a later skip does not undo a take.
      if (taken) extras.push(j);
      continue;
    }
    entry[d] = j; // answered
    if (taken) {
      status[d] = TAKEN;
      onTime[d] = t >= at[d]! - w.earlyMs && t <= at[d]! + w.lateMs ? 1 : 0;
    } else status[d] = SKIPPED;
  }
  for (let i = 0; i < n; i++) {
    if (status[i] !== UPCOMING) continue;
    if (now > at[i]! + w.lateMs) status[i] = MISSED;
    else if (now >= at[i]! - w.earlyMs) status[i] = DUE;
  }
  return { times, nextAt, status, entry, onTime, extras, asNeeded };
}

/**
 * The unanswered dose nearest in time that a record at `t` may answer (ties: the earlier), or -1:
 * among those whose window has opened by `t`, back to the previous 35 days (a missed monthly dose
 * stays creditable until the next one). Binary search keeps crediting linear in the log.
 */
function nearestPending(at: Float64Array, nextAt: Float64Array, entry: Int32Array, t: Millis, w: Window): number {
  let lo = 0;
  let hi = at.length;
  const from = t - 35 * DAY;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  for (let i = lo; i < at.length && at[i]! - w.earlyMs <= t; i++) {
    if (entry[i] !== -1 || !creditableAt(at[i]!, nextAt[i]!, t, w)) continue;
    if (best < 0 || Math.abs(t - at[i]!) < Math.abs(t - at[best]!)) best = i;
  }
  return best;
}

/**
 * States of `med`'s doses on local days [fromDay, toDay] at instant `now`, as objects.
 * `entries` are this medication's log entries in recording order (others are ignored).
 * A dose before the medication's recording began (core/tracking.ts) that no entry answered is
 * `untracked`.
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
  const log = columnsOf(entries, [med]);
  const rows: number[] = [];
  for (let j = 0; j < entries.length; j++) if (entries[j]!.med === med.id) rows.push(j);
  const c = credit(med, log, rows, fromDay, toDay, now, clock, w);
  const doses: DoseState[] = [];
  for (let i = 0; i < c.times.length; i++) {
    const day = c.times.day[i]!;
    if (day < fromDay || day > toDay) continue;
    const d = doseOf(med, c.times, i, clock) as DoseState;
    d.status = c.entry[i] === -1 && beforeTracking(med, day) ? 'untracked' : STATUS[c.status[i]!]!;
    const next = c.nextAt[i]!;
    d.nextAt = next === next ? next : undefined;
    const j = c.entry[i]!;
    if (j >= 0) {
      const e = entries[j]!;
      d.entry = e;
      if (c.status[i] === TAKEN) {
        d.takenAt = e.at;
        d.onTime = c.onTime[i] === 1;
      } else d.reason = e.reason;
    }
    doses.push(d);
  }
  const inDays = (e: LogEntry) => {
    const day = clock.dayOf(e.at);
    return day >= fromDay && day <= toDay;
  };
  return { med, doses, extras: c.extras.map((j) => entries[j]!).filter(inDays), asNeeded: c.asNeeded.map((j) => entries[j]!).filter(inDays) };
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

/** How far back an as-needed medication's last dose is looked for (and its minimum interval, when longer). */
export const AS_NEEDED_DAYS = 30;

/** How far back asNeededState looks for `med`'s doses. */
export function asNeededLookback(med: Medication): Millis {
  let ms = AS_NEEDED_DAYS * DAY;
  for (const p of med.phases) if (p.asNeeded && p.minIntervalMs !== undefined && p.minIntervalMs > ms) ms = p.minIntervalMs;
  return ms;
}

export interface AsNeededState {
  med: string;
  takenToday: number;
  maxPerDay?: number;
  minIntervalMs?: number;
  lastTakenAt?: Millis; // the last dose in the AS_NEEDED_DAYS before `now` (asNeededLookback)
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
  // Only recent doses: so the answer never depends on how much of the log was read (core/window.ts).
  const since = now - asNeededLookback(med);
  const taken = entries.filter((e) => e.med === med.id && e.status === 'taken' && e.at <= now && e.at > since).map((e) => e.at).sort((a, b) => a - b);
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
