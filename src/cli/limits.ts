/**
 * The range of every numeric command-line option, by flag: the one table the parsers
 * (context.ts parsePositiveInt, parsePositive) read, the README documents and
 * test/cli/limits.test.ts checks against every option commander declares.
 * A value outside its range is a usage error (exit 2) naming the flag and the range.
 */
import { MAX_DOSES_PER_DAY, MAX_PERIOD_DAYS } from '../model/limits.js';

export interface Limit {
  /** Least value; with `above`, the value must be greater than it. */
  min: number;
  max: number;
  above?: boolean;
  whole?: boolean;
}

/** By flag, or by "command --flag" where one command needs a tighter range. */
export const OPTION_LIMITS: Readonly<Record<string, Limit>> = {
  '--days': { min: 1, max: MAX_PERIOD_DAYS, whole: true },
  // `missed --days` builds every dose of the period (at 96 a day, 10 years is 350,000 doses: seconds, 200 MB).
  'missed --days': { min: 1, max: 3_660, whole: true },
  '--dose': { min: 0, above: true, max: 10_000 },
  '--quantity': { min: 0, above: true, max: 100_000 },
  '--days-supply': { min: 1, max: 3_660, whole: true },
  '--count': { min: 1, max: 100_000, whole: true },
  '--max-per-day': { min: 1, max: MAX_DOSES_PER_DAY, whole: true },
  '--threshold': { min: 0, above: true, max: 1 },
  // A cycle's days on and off (`--cycle 21/7`).
  '--cycle': { min: 0, max: 3_660, whole: true },
  // `meds supply`: a count of units on hand, refills left on a prescription, days of lead time to order.
  '--on-hand': { min: 0, max: 100_000, whole: true },
  '--refills': { min: 0, max: 99, whole: true },
  '--lead-days': { min: 0, max: 365, whole: true },
  // Worker threads of `meds check`: more than a machine's cores only adds memory.
  '--jobs': { min: 1, max: 256, whole: true },
};

/** The range in words: "from 1 to 36600", "more than 0 and at most 10000". */
export function rangeText(l: Limit): string {
  return l.above ? `more than ${l.min} and at most ${l.max}` : `from ${l.min} to ${l.max}`;
}

/** The longest interval `--every` and `--min-interval` accept (about 10 years); the least is set by MAX_DOSES_PER_DAY. */
export const MAX_INTERVAL_DAYS = 3_660;
