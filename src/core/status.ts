/**
 * Where a medication stands at a moment: `active`, `not-started`, `ended` (its schedule ran out: an
 * `until`, a `count`) or `stopped` (`meds stop`). Pure: the clock and `now` are passed in.
 */
import type { DayNum, Medication, Millis } from '../model/types.js';
import { isAsNeeded, lastScheduledDay, nextDoseAfter, phaseOn, prevDoseBefore } from './schedule.js';
import type { Clock } from '../time/time.js';

export type MedStatus = 'active' | 'ended' | 'stopped' | 'not-started';

export interface MedStanding {
  status: MedStatus;
  startsOn?: DayNum; // not-started: its first day
  lastDay?: DayNum; // ended, stopped: the last day a dose was scheduled (stopped: the stop's day, or the day before a midnight stop)
  stoppedAt?: string; // stopped: as written in the file (`stopped`)
}

/** The medication's standing at `now`. */
export function medStanding(med: Medication, now: Millis, clock: Clock): MedStanding {
  const today = clock.dayOf(now);
  const s = med.stopped;
  const restarts = s ? med.phases.some((p) => p.from !== undefined && p.from > s.day) : false;
  if (s && !restarts && clock.toInstant(s.day, s.minute) <= now) {
    return { status: 'stopped', lastDay: s.minute === 0 ? s.day - 1 : s.day, stoppedAt: s.text };
  }
  const later = med.phases.filter((p) => p.from !== undefined && p.from > today);
  if (!phaseOn(med, today) && later.length === med.phases.length) return { status: 'not-started', startsOn: Math.min(...later.map((p) => p.from!)) };
  if (isAsNeeded(med, today) || later.length) return { status: 'active' };
  // No later phase: ended once no scheduled dose remains after now (an `until` passed, a `count` used up).
  if (!phaseOn(med, today) || nextDoseAfter(med, now, clock) === undefined) {
    const prev = prevDoseBefore(med, now + 1, clock);
    const last = prev ? clock.dayOf(prev.at) : lastScheduledDay(med);
    return { status: 'ended', lastDay: last !== undefined && last !== -Infinity ? Math.min(last, today) : undefined };
  }
  return { status: 'active' };
}

/** Ended and stopped medications need no refill, and no dose is due. */
export const isFinished = (s: MedStanding) => s.status === 'ended' || s.status === 'stopped';
