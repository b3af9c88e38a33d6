/**
 * The regimen as the core sees it: validated, normalized, plain data.
 * Times are minutes after local midnight; dates are day numbers (days since
 * 1970-01-01, see time/time.ts); instants are epoch milliseconds.
 * The raw YAML (with the user's comments and unknown keys) stays in the store.
 */

// Defined with the time arithmetic, below the model (src/time).
export type { DayNum, Millis } from '../time/time.js';
import type { DayNum, Millis } from '../time/time.js';

export interface TimeOfDay {
  minute: number; // 0..1439 after local midnight
  label: string; // as written: "08:00" or a routine name such as "breakfast"
  dose?: number; // per-time dose, overrides the phase dose
}

export interface Phase {
  index: number; // position in the schedule list (0 for a single schedule)
  from?: DayNum; // first day (inclusive)
  fromMinute?: number; // when `from` is a date-time: the local minute of that day
  until?: DayNum; // last day (inclusive)
  untilMinute?: number; // on the `until` day, only times before this local minute (a medication stopped mid-day)
  count?: number; // total doses in this phase
  dose: number; // units per dose (default 1)
  asNeeded: boolean;
  minIntervalMs?: number; // as-needed: least time between doses
  maxPerDay?: number; // as-needed: most doses in 24 hours (administrations, not units)
  times: TimeOfDay[]; // daily clock times (empty for `every: Nh` and as-needed)
  days?: number[]; // weekdays allowed, 0 = Sunday .. 6 = Saturday
  monthDays?: number[]; // days of the month, 1..31 (`last` is 31); a day past a month's end falls on its last day (schedule.ts onMonthDay)
  everyDays?: number; // every N days, counted from `from`
  cycle?: { on: number; off: number }; // on/off days counted from `from`
  everyMs?: number; // every N hours (elapsed time) from `from` date-time
}

export interface MissedInstruction {
  takeWithinMs?: number;
  sameDay?: boolean;
  action?: 'skip';
  advice?: string;
}

export interface Fill {
  date: DayNum;
  quantity: number;
  daysSupply?: number;
}

export interface Supply {
  onHand?: number;
  countedAt?: DayNum;
  refillsLeft?: number;
  quantity?: number; // usual fill quantity
  leadDays?: number;
  expires?: DayNum;
  fills: Fill[];
}

export interface Medication {
  id: string;
  name?: string;
  strength?: string;
  form?: string;
  unit: string; // what one unit of `dose` is ("tablet" by default, from `form`)
  purpose?: string;
  prescriber?: string;
  instructions?: string;
  ingredients?: string[];
  phases: Phase[]; // sorted by start; a single schedule is one phase
  missed?: MissedInstruction;
  supply?: Supply;
  stopped?: { day: DayNum; minute: number; text: string }; // `stopped`: no scheduled dose from this local time on (phases before it end there)
  index: number; // position in the file's medications list
  /** `trackedSince` as written: the first local day whose doses the log is meant to answer. */
  trackedSince?: DayNum;
  /**
   * The first local day whose doses count (missed, adherence, advice): `trackedSince`, else the day
   * of the earlier of this medication's first log entry and the file's first log entry (the store
   * resolves it from the whole log, core/tracking.ts). Undefined: nothing says when recording
   * began (no key, no entry), and every dose counts.
   */
  trackedFrom?: DayNum;
}

export type LogStatus = 'taken' | 'skipped';

export interface LogEntry {
  at: Millis; // when it happened
  atText: string; // as written
  med: string;
  for?: string; // the scheduled slot, local "YYYY-MM-DDTHH:MM"
  extra?: boolean; // recorded as a dose beyond the schedule
  status: LogStatus;
  reason?: string;
  dose?: number;
  index: number; // position in the log (recording order)
  line?: number; // 1-based source line, where known
}

/**
 * Log entries as numbers, for commands that count over years of log (adherence): index j is one
 * entry, in recording order. Built from the file's text by the loader (store/load.ts) or from
 * LogEntry objects (core/doses.ts columnsOf), with the same values.
 */
export interface LogColumns {
  length: number;
  med: Int32Array; // the medication's index (Medication.index)
  at: Float64Array;
  slot: Float64Array; // `for` as a number (time/time.ts slotNumber); NaN without one
  flags: Uint8Array; // ENTRY_TAKEN | ENTRY_EXTRA
  dose: Float64Array; // NaN when not written
}
export const ENTRY_TAKEN = 1;
export const ENTRY_EXTRA = 2;

export interface Routine {
  [name: string]: number; // minutes after midnight
}

export interface Settings {
  earlyMs: number; // default 1h
  lateMs: number; // default 2h
  missed?: MissedInstruction;
  pdcThreshold?: number;
}

export interface Patient {
  name?: string;
  timezone: string;
  born?: string;
  allergies: string[];
  conditions: string[];
  routine: Routine;
  /** #20 profile: body weight in kilograms, when given. */
  weightKg?: number;
  /** #20 profile: each allergy with its reaction, when written (`allergies` keeps the substances alone). */
  allergyDetails?: Allergy[];
  prescribers?: Contact[];
  pharmacy?: Contact;
}

export interface Allergy {
  substance: string;
  reaction?: string;
}

/** A prescriber or a pharmacy (FHIR Practitioner / Organization, simplified). */
export interface Contact {
  name: string;
  role?: string; // "GP", "cardiologist", ...
  phone?: string;
  address?: string;
  email?: string;
}

/** A symptom in the side-effect journal (section `effects:`, one entry per line like the log; #20). */
export interface EffectEntry {
  at: Millis;
  atText: string; // as written
  symptom: string; // as written
  severity?: number; // 1 (mild) .. 5 (severe)
  note?: string;
  index: number; // position in the section (recording order)
  line?: number; // 1-based source line, where known
}

/** A question kept for the next visit (`meds ask`; #20). */
export interface Question {
  n: number; // its number, stable once given
  askedAt: Millis;
  text: string;
  closedAt?: Millis;
  answer?: string;
}

/** One item of the Medication Action Plan (`meds plan`; #20). */
export interface PlanItem {
  n: number; // its number, stable once given
  text: string; // what the patient agreed to do
  from?: DayNum;
  due?: DayNum;
  status: 'open' | 'done' | 'dropped';
  note?: string;
}

/**
 * What the whole log holds, whatever part of it a reader built into objects: the number of entries,
 * the instant of the first entry in file order, and the same for each medication (by id).
 */
export interface LogFacts {
  count: number;
  firstAt?: Millis;
  firstAtByMed: ReadonlyMap<string, Millis>;
}

export interface Regimen {
  version: 1;
  patient: Patient;
  settings: Settings;
  medications: Medication[];
  log: LogEntry[];
  /** #20: the side-effect journal, the questions for the next visit and the action plan (absent: none). */
  effects?: EffectEntry[];
  questions?: Question[];
  plan?: PlanItem[];
  /** The whole log's facts, when `log` may hold only part of it (the store sets them); absent: `log` is the whole log. */
  logFacts?: LogFacts;
}
