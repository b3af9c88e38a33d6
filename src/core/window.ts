/**
 * Which part of the log each read command needs built: the one place that says so (the commands
 * pass their query; the store builds entries from a little before the instant given and only checks
 * older ones). What needs the whole log (when recording began) comes from the store's LogFacts,
 * never from this window.
 */
import type { DayNum, Millis, Regimen } from '../model/types.js';
import { Clock, DAY } from '../time/time.js';
import { LOOKBACK_DAYS } from './missed.js';
import { asNeededLookback } from './doses.js';
import { supplyLogFrom } from './supply.js';

/** An instant, or one that depends on the file's head (its medications, its zone). */
export type LogFrom = Millis | ((regimen: Regimen) => Millis);


/** What a command asks of the log. */
export type LogQuery =
  | { command: 'today'; day?: DayNum } // one day's picture, with the advice beside its missed doses
  | { command: 'missed'; days?: number } // advice now; patterns over the last `days` days
  | { command: 'adherence'; fromDay: DayNum } // counts over days from `fromDay`
  | { command: 'history'; days: number } // the entries of the last `days` days
  | { command: 'refills' } // on hand: doses taken since each medication's last count or first fill
  | { command: 'record'; at?: Millis } // take/skip: crediting around now (or `--at`)
  | { command: 'head' }; // no entry needed (list, add, edit, stop, refill)

/**
 * The earliest instant whose entries `q` needs built, given the run's time (`now`, known before the
 * file's zone is: the store's two-day margin covers any zone). Every margin is here, with its reason.
 */
export function logWindow(q: LogQuery, now: Millis): LogFrom {
  switch (q.command) {
    // Missed-dose advice looks back over runs of missed doses (LOOKBACK_DAYS); a dose is credited
    // by entries up to a day after it.
    case 'today':
      // (Advice is given at `now`, even for another day's picture.)
      // As-needed limits look back AS_NEEDED_DAYS, or a longer minimum interval (core/doses.ts).
      return (r) => Math.min(q.day !== undefined ? q.day * DAY : now, now) - Math.max(LOOKBACK_DAYS * DAY, longestAsNeeded(r)) - 3 * DAY;
    case 'missed':
      return now - (Math.max(q.days ?? 0, LOOKBACK_DAYS) + 3) * DAY;
    // Crediting looks at most 35 days back (a missed monthly dose stays creditable until the next).
    case 'adherence':
      return (q.fromDay - 40) * DAY;
    case 'history':
      return now - (q.days + 2) * DAY;
    // Crediting a record looks at most 8 days back (a weekly dose); --at may reach further back.
    // An as-needed record is checked against the doses near it (asNeededLookback).
    case 'record':
      return (r) => Math.min(now, q.at ?? Infinity) - Math.max(8 * DAY, longestAsNeeded(r)) - 2 * DAY;
    case 'refills':
      return (r) => supplyLogFrom(r, now, new Clock(r.patient.timezone));
    case 'head':
      return Number.MAX_SAFE_INTEGER;
  }
}

/** The longest look-back of the regimen's as-needed medications (0 without any). */
function longestAsNeeded(r: Regimen): Millis {
  let ms = 0;
  for (const m of r.medications) if (m.phases.some((p) => p.asNeeded)) ms = Math.max(ms, asNeededLookback(m));
  return ms;
}
