/**
 * Supply and refills (docs/adherence.md): what is on hand, how
 * fast it is used, the day it runs out, the day to order by, and the fill a
 * `meds refill` records. Pure: the regimen, `now` and the Clock are passed in;
 * the store writes the file.
 */
import type { DayNum, Fill, LogEntry, Medication, Millis, Phase, Regimen } from '../model/types.js';
import { EXIT, MedsError } from '../errors.js';
import { Clock, DAY, slotNumber } from '../time/time.js';
import { expandDays, lastScheduledDay, phaseEnd, phaseOn } from './schedule.js';
import { assessMedication, entriesByMed, windowOf } from './doses.js';
import { isFinished, medStanding } from './status.js';

export type SupplyStatusCode = 'ok' | 'refill-soon' | 'refill-now' | 'out' | 'no-refills' | 'expired' | 'unknown';

export interface SupplyStatus {
  med: string;
  onHand?: number; // units now; undefined when neither a count nor a fill is recorded
  dailyUse?: number; // units per day of the phase in force (as-needed: maxPerDay × dose, the most it allows)
  recentDailyUse?: number; // as-needed: units taken per day over the last RECENT_DAYS days (what the projection uses)
  runsOutOn?: DayNum; // the day of the first projected dose that cannot be taken (as-needed: at recent use); undefined: not within the horizon, or the medication ends first
  runsOutAtMaxOn?: DayNum; // as-needed: the same at the maximum use, the earliest it can run out (an upper bound on use, shown apart)
  refillBy?: DayNum; // runsOutOn − leadDays
  leadDays: number;
  refillsLeft?: number;
  expires?: DayNum;
  status: SupplyStatusCode;
}

/** Statuses that make `meds refills` exit 1. */
export const ATTENTION_STATUSES: readonly SupplyStatusCode[] = ['refill-now', 'out', 'no-refills', 'expired'];
/** refill-soon: the order-by day is at most this many days away. */
export const REFILL_SOON_DAYS = 7;
export const DEFAULT_LEAD_DAYS = 7;
/** As-needed use is projected from the units taken over this many days (today included). */
export const RECENT_DAYS = 30;
/** How far ahead the run-out projection looks. */
export const HORIZON_DAYS = 731;
const CHUNK_DAYS = 28;
const EPS = 1e-9;

export function needsAttention(statuses: readonly SupplyStatus[]): boolean {
  return statuses.some((s) => ATTENTION_STATUSES.includes(s.status));
}

// ---------------------------------------------------------------- daily use

/** Average fraction of days a daily-type phase allows (long-run, so it does not depend on where a week starts). */
function dayFraction(p: Phase): number {
  let f = 1;
  if (p.days) f *= new Set(p.days).size / 7;
  if (p.monthDays) {
    // Dosing days per 400-year Gregorian cycle / days in it. A listed day a month does not have falls on its
    // last day (schedule.ts onMonthDay), so a month has as many dosing days as distinct days the list falls
    // on: 2800 months of 31 days, 1600 of 30, 97 Februaries of 29 and 303 of 28 in a cycle.
    const distinct = (len: number) => new Set(p.monthDays!.map((d) => Math.min(d, len))).size;
    f *= (2800 * distinct(31) + 1600 * distinct(30) + 97 * distinct(29) + 303 * distinct(28)) / 146097;
  }
  if (p.everyDays !== undefined) f *= 1 / p.everyDays;
  if (p.cycle) f *= p.cycle.on / (p.cycle.on + p.cycle.off);
  return f;
}

/**
 * Units a phase uses per day, averaged over the long run: a weekly dose is
 * 1/7 of a dose a day, every other day 1/2, a 21-on/7-off cycle 21/28, every
 * 8 hours 3 a day. As-needed: the most it allows (maxPerDay × dose), per
 * docs/adherence.md; undefined without maxPerDay. The phase's `count` is ignored
 * (it ends the phase, it does not change the rate).
 */
export function phaseDailyUse(p: Phase): number | undefined {
  if (p.asNeeded) return p.maxPerDay !== undefined ? p.maxPerDay * p.dose : undefined;
  if (p.everyMs !== undefined) return (DAY / p.everyMs) * p.dose;
  let perDay = 0;
  for (const t of p.times) perDay += t.dose ?? p.dose;
  return perDay * dayFraction(p);
}

/** The phase in force on `day`, or the next one to start after it. */
function phaseAtOrAfter(med: Medication, day: DayNum): Phase | undefined {
  return phaseOn(med, day) ?? med.phases.find((p) => p.from !== undefined && p.from > day);
}

/** Units per day on `day` (see phaseDailyUse); undefined when unknown or nothing is in force from that day on. */
export function dailyUseOn(med: Medication, day: DayNum): number | undefined {
  const p = phaseAtOrAfter(med, day);
  return p ? phaseDailyUse(p) : undefined;
}

/**
 * Days supply of `quantity` units filled on `day`: quantity / daily use of
 * the phase in force, rounded down (docs/adherence.md). Undefined when daily use
 * is unknown or zero. (`clock` is taken for symmetry with the other core
 * functions: the average is computed from the schedule's rule, not expanded.)
 */
export function daysSupplyFor(med: Medication, quantity: number, _clock: Clock, day: DayNum): number | undefined {
  const use = dailyUseOn(med, day);
  if (use === undefined || !(use > 0)) return undefined;
  return Math.floor(quantity / use + EPS);
}

// --------------------------------------------------------------- fills

export interface PlannedFill {
  fill: Fill;
  refillsLeft?: number; // after this fill; undefined when the file does not track refills
  warning?: string; // e.g. no refills were left: probably a new prescription
}

/**
 * The fill `meds refill` records: quantity defaults to the usual fill
 * (`supply.quantity`), days supply to quantity / daily use (rounded down), and
 * one refill is used up. Throws MedsError (exit 2) when no quantity is known.
 * The store appends `fill` to `supply.fills` and writes `refillsLeft`; it does
 * not change `onHand`/`countedAt` (on hand adds fills dated after the count).
 */
export function planFill(
  med: Medication,
  opts: { quantity?: number; daysSupply?: number; date: DayNum },
  clock: Clock,
): PlannedFill {
  const quantity = opts.quantity ?? med.supply?.quantity;
  if (quantity === undefined) {
    throw new MedsError('no-quantity', `No quantity for ${med.id}: the medication has no usual fill quantity (supply.quantity).`, {
      exitCode: EXIT.usage,
      hint: `Give one: meds refill ${med.id} --quantity 30, or set supply.quantity for ${med.id} in the file.`,
    });
  }
  if (!(quantity > 0) || !Number.isFinite(quantity)) {
    throw new MedsError('bad-quantity', `The quantity must be a positive number, not ${quantity}.`, { exitCode: EXIT.usage });
  }
  if (opts.daysSupply !== undefined && !(Number.isInteger(opts.daysSupply) && opts.daysSupply > 0)) {
    throw new MedsError('bad-days-supply', `Days supply must be a whole number of days above 0, not ${opts.daysSupply}.`, { exitCode: EXIT.usage });
  }
  const daysSupply = opts.daysSupply ?? daysSupplyFor(med, quantity, clock, opts.date);
  const fill: Fill = daysSupply !== undefined ? { date: opts.date, quantity, daysSupply } : { date: opts.date, quantity };
  const left = med.supply?.refillsLeft;
  if (left === undefined) return { fill };
  if (left <= 0) {
    return {
      fill,
      refillsLeft: 0,
      warning: `No refills were left for ${med.id}; if this is a new prescription, set supply.refillsLeft to its refills (the first fill is not a refill).`,
    };
  }
  return { fill, refillsLeft: left - 1 };
}

// --------------------------------------------------------------- on hand

/** The units a take used: its own dose, else the scheduled dose of its slot, else the dose of the phase in force. */
export function unitsOfEntry(med: Medication, e: LogEntry, clock: Clock): number {
  return unitsAt(med, e.dose ?? NaN, e.for !== undefined ? slotNumber(e.for) : NaN, e.at, clock);
}

/** unitsOfEntry on an entry's numbers: its dose (NaN: none written), its slot (slotNumber; NaN: no `for`) and instant. */
export function unitsAt(med: Medication, dose: number, slot: number, at: Millis, clock: Clock): number {
  if (dose === dose) return dose;
  // A slot with an offset (fractional: a repeated hour's second pass) is not looked up: the phase in
  // force when it was taken decides, as it always has.
  if (slot === slot && slot === Math.floor(slot)) {
    const day = Math.floor(slot / 1440);
    const minute = Math.floor(slot - day * 1440);
    const p = phaseOn(med, day);
    if (p) {
      const t = p.times.find((x) => x.minute === minute);
      return t?.dose ?? p.dose;
    }
  }
  return phaseOn(med, clock.dayOf(at))?.dose ?? 1;
}

/**
 * Units on hand at `now`:
 * - with a count: supply.onHand as counted on `countedAt`, plus fills dated
 *   after that day, minus units taken from the start of that day;
 * - without a count but with fills: the fills since the first one, minus units
 *   taken from the start of that day;
 * - a count without a date is taken as current; neither: undefined.
 * Treating the count day this way (its fill assumed counted, its takes not)
 * errs toward less on hand, so the refill date comes early rather than late.
 * Fills dated after today are not on hand yet.
 */
export function onHandAt(med: Medication, entries: readonly LogEntry[], now: Millis, clock: Clock): number | undefined {
  const s = med.supply;
  if (!s) return undefined;
  const today = clock.dayOf(now);
  let total: number;
  let fillsAfter: DayNum; // fills dated > this count
  let takesFrom: DayNum; // takes on or after this day count
  if (s.onHand !== undefined) {
    if (s.countedAt === undefined) return s.onHand;
    total = s.onHand;
    fillsAfter = s.countedAt;
    takesFrom = s.countedAt;
  } else if (s.fills.length > 0) {
    const first = s.fills.reduce((a, f) => Math.min(a, f.date), Infinity); // (no spread: a file may hold many fills)
    total = 0;
    fillsAfter = first - 1;
    takesFrom = first;
  } else return undefined;
  for (const f of s.fills) if (f.date > fillsAfter && f.date <= today) total += f.quantity;
  const from = clock.startOfDay(takesFrom);
  for (const e of entries) {
    if (e.med !== med.id || e.status !== 'taken' || e.at < from || e.at > now) continue;
    total -= unitsOfEntry(med, e, clock);
  }
  return total;
}

// --------------------------------------------------------------- projection

/** The last day any phase (scheduled or as-needed) is in force; undefined: open-ended; -Infinity: none. */
function lastActiveDay(med: Medication): DayNum | undefined {
  let last = lastScheduledDay(med);
  if (last === undefined) return undefined;
  for (let i = 0; i < med.phases.length; i++) {
    if (!med.phases[i]!.asNeeded) continue;
    const end = phaseEnd(med, i);
    if (end === undefined) return undefined;
    last = Math.max(last, end);
  }
  return last;
}

/**
 * The first day on which a dose can no longer be taken from `onHand`,
 * projecting the schedule forward from `now`: today's doses still due or
 * upcoming, then every scheduled dose day by day (expanded in 4-week chunks up
 * to HORIZON_DAYS). On a day an as-needed phase is in force, it uses
 * maxPerDay doses (today: those left after today's takes).
 */
export function projectRunOut(
  med: Medication,
  entries: readonly LogEntry[],
  onHand: number,
  now: Millis,
  clock: Clock,
  regimen: Pick<Regimen, 'settings'>,
  asNeededRate?: number,
): DayNum | undefined {
  const today = clock.dayOf(now);
  let remaining = onHand;
  const use = (units: number) => {
    if (remaining + EPS < units) return false;
    remaining -= units;
    return true;
  };
  // Today: scheduled doses not yet answered and not missed.
  const todayState = assessMedication(med, entries, today, today, now, clock, windowOf(regimen.settings));
  for (const d of todayState.doses) if ((d.status === 'due' || d.status === 'upcoming') && !use(d.dose)) return today;
  const pToday = phaseOn(med, today);
  // At recent use, an as-needed day uses `asNeededRate` units (a fraction of a dose, on average): the
  // supply is out on the first day that cannot give one whole dose.
  const asNeededDay = (p: Phase, already: number): boolean => {
    if (remaining + EPS < p.dose) return false;
    remaining = Math.max(0, remaining - Math.max(0, asNeededRate! - already));
    return true;
  };
  if (pToday?.asNeeded && asNeededRate !== undefined) {
    const dayStart = clock.startOfDay(today);
    const usedToday = entries.filter((e) => e.med === med.id && e.status === 'taken' && e.at >= dayStart && e.at <= now).reduce((n, e) => n + unitsOfEntry(med, e, clock), 0);
    if (!asNeededDay(pToday, usedToday)) return today;
  } else if (pToday?.asNeeded && pToday.maxPerDay !== undefined) {
    const dayStart = clock.startOfDay(today);
    const takenToday = entries.filter((e) => e.med === med.id && e.status === 'taken' && e.at >= dayStart && e.at <= now).length;
    for (let k = takenToday; k < pToday.maxPerDay; k++) if (!use(pToday.dose)) return today;
  }
  const last = lastActiveDay(med);
  const end = Math.min(today + HORIZON_DAYS, last ?? Infinity);
  for (let a = today + 1; a <= end; a += CHUNK_DAYS) {
    const b = Math.min(end, a + CHUNK_DAYS - 1);
    const doses = expandDays(med, a, b, clock);
    let i = 0;
    for (let d = a; d <= b; d++) {
      for (; i < doses.length && doses[i]!.day <= d; i++) if (!use(doses[i]!.dose)) return doses[i]!.day;
      const p = phaseOn(med, d);
      if (p?.asNeeded && asNeededRate !== undefined) {
        if (!asNeededDay(p, 0)) return d;
      } else if (p?.asNeeded && p.maxPerDay !== undefined) for (let k = 0; k < p.maxPerDay; k++) if (!use(p.dose)) return d;
    }
  }
  return undefined;
}

/**
 * Units of an as-needed medication taken per day, recently: the doses taken on as-needed days of the
 * last RECENT_DAYS days (today up to `now` included), over those days; the window starts no earlier
 * than the as-needed phase. Undefined when no as-needed phase is in force today or later.
 * Project an as-needed supply from recent actual use, the maximum only as a bound.
 */
export function recentAsNeededUse(med: Medication, entries: readonly LogEntry[], now: Millis, clock: Clock): number | undefined {
  const today = clock.dayOf(now);
  const p = phaseAtOrAfter(med, today);
  if (!p?.asNeeded) return undefined;
  const first = Math.max(today - RECENT_DAYS + 1, p.from ?? -Infinity);
  if (first > today) return 0;
  const from = clock.startOfDay(first);
  let units = 0;
  for (const e of entries) {
    if (e.med !== med.id || e.status !== 'taken' || e.at < from || e.at > now) continue;
    if (phaseOn(med, clock.dayOf(e.at))?.asNeeded) units += unitsOfEntry(med, e, clock);
  }
  return units / (today - first + 1);
}

// --------------------------------------------------------------- status

/**
 * Supply status of one medication at `now`. Status, first match wins:
 * - unknown: nothing recorded to count from (no count, no fills);
 * - out: a dose due today (or any dose, when nothing can be projected) cannot be taken;
 * - ok: the medication ends, or lasts beyond the horizon, before the supply runs out;
 * - expired: the prescription's expiry (supply.expires, its last valid day) has passed;
 * - no-refills: none left: ask the prescriber for a new prescription before runsOutOn;
 * - refill-now: refillBy is today or past;
 * - refill-soon: refillBy within REFILL_SOON_DAYS (7) days;
 * - ok otherwise.
 */
export function supplyStatus(regimen: Regimen, m: Medication, now: Millis, clock: Clock): SupplyStatus {
  const entries = regimen.log.filter((e) => e.med === m.id);
  return statusOf(regimen, m, entries, now, clock);
}

/**
 * The earliest instant whose log entries supplyStatuses reads: the takes since each count (or
 * first fill), the few days before today that today's doses are matched against, and the last
 * RECENT_DAYS days of as-needed use. Entries
 * before it change no status, so a ten-year log need not be built to say when to refill.
 */
export function supplyLogFrom(regimen: Regimen, now: Millis, clock: Clock): Millis {
  let day = clock.dayOf(now) - 3;
  // As-needed use is projected from the last RECENT_DAYS days (recentAsNeededUse).
  if (regimen.medications.some((m) => m.phases.some((p) => p.asNeeded))) day = clock.dayOf(now) - RECENT_DAYS;
  for (const m of regimen.medications) {
    const s = m.supply;
    if (!s) continue;
    if (s.onHand !== undefined) {
      if (s.countedAt !== undefined) day = Math.min(day, s.countedAt);
    } else for (const f of s.fills) day = Math.min(day, f.date);
  }
  return clock.startOfDay(day);
}

/** Supply status of every medication that has a supply record or is still in force, but not one that has ended or was stopped. */
export function supplyStatuses(regimen: Regimen, now: Millis, clock: Clock): SupplyStatus[] {
  const today = clock.dayOf(now);
  const byMed = entriesByMed(regimen.log);
  return regimen.medications
    .filter((m) => {
      // An ended course or a stopped medication needs no refill, whatever is left of it.
      if (isFinished(medStanding(m, now, clock))) return false;
      if (m.supply) return true;
      const last = lastActiveDay(m);
      return last === undefined || last >= today;
    })
    .map((m) => statusOf(regimen, m, byMed.get(m.id) ?? [], now, clock));
}

function statusOf(regimen: Regimen, med: Medication, entries: readonly LogEntry[], now: Millis, clock: Clock): SupplyStatus {
  const today = clock.dayOf(now);
  const s = med.supply;
  const leadDays = s?.leadDays ?? DEFAULT_LEAD_DAYS;
  const base: SupplyStatus = {
    med: med.id,
    dailyUse: dailyUseOn(med, today),
    leadDays,
    refillsLeft: s?.refillsLeft,
    expires: s?.expires,
    status: 'unknown',
  };
  const recent = recentAsNeededUse(med, entries, now, clock);
  if (recent !== undefined) base.recentDailyUse = recent;
  const onHand = onHandAt(med, entries, now, clock);
  if (onHand === undefined) return base;
  base.onHand = onHand;
  if (recent !== undefined) base.runsOutAtMaxOn = projectRunOut(med, entries, onHand, now, clock, regimen);
  const runsOutOn = projectRunOut(med, entries, onHand, now, clock, regimen, recent);
  if (runsOutOn === undefined) {
    // Nothing to project (not used lately, or as-needed without maxPerDay) but in force today without a whole dose on hand: out.
    const p = phaseOn(med, today);
    base.status = p?.asNeeded && onHand + EPS < p.dose ? 'out' : p && phaseDailyUse(p) === undefined && onHand <= EPS ? 'out' : 'ok';
    return base;
  }
  base.runsOutOn = runsOutOn;
  base.refillBy = runsOutOn - leadDays;
  if (runsOutOn <= today) base.status = 'out';
  else if (s?.expires !== undefined && s.expires < today) base.status = 'expired';
  else if (s?.refillsLeft !== undefined && s.refillsLeft <= 0) base.status = 'no-refills';
  else if (base.refillBy <= today) base.status = 'refill-now';
  else if (base.refillBy - today <= REFILL_SOON_DAYS) base.status = 'refill-soon';
  else base.status = 'ok';
  return base;
}

