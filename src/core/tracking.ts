/**
 * When recording began, per medication, and which part of the log each read command needs.
 *
 * A schedule's anchor (`from`: a pill pack's or a course's start) is not when the patient began
 * recording its doses: a 21/7 pill added mid-pack has `from` at the pack start, and the pills before
 * set-up were never meant to be in the log. Doses scheduled before a medication's first tracked day
 * are therefore never missed, never counted in adherence and never given advice, unless the log
 * answers them (core/doses.ts assessMedication, core/adherence.ts).
 *
 * The first tracked day comes from the whole log (LogFacts, which the store gives for every file,
 * whatever part of the log it built): never from a log cut to a command's window, so a file gives
 * the same answers whichever way it was read.
 */
import type { DayNum, LogEntry, LogFacts, Medication, Millis, Regimen } from '../model/types.js';
import type { Clock } from '../time/time.js';

/** The facts of a log that is whole (every entry built, in file order). */
export function logFactsOf(log: readonly LogEntry[]): LogFacts {
  const firstAtByMed = new Map<string, Millis>();
  for (const e of log) if (!firstAtByMed.has(e.med)) firstAtByMed.set(e.med, e.at);
  return { count: log.length, firstAt: log[0]?.at, firstAtByMed };
}

/**
 * The first local day whose doses count for `med`: its `trackedSince` when written; else the day of
 * the earlier of its own first entry and the file's first entry. The file's first entry, not only
 * the medication's own: a medication listed with the others when recording began but never logged
 * since has had every dose missed, and saying so is the safer answer (counting from its own first
 * entry would hide a run of missed doses before it). Undefined when neither is known: every dose
 * counts.
 */
export function trackedFromOf(med: Pick<Medication, 'id' | 'trackedSince'>, facts: LogFacts, clock: Clock): DayNum | undefined {
  if (med.trackedSince !== undefined) return med.trackedSince;
  const t = Math.min(facts.firstAtByMed.get(med.id) ?? Infinity, facts.firstAt ?? Infinity);
  return t === Infinity ? undefined : clock.dayOf(t);
}

/** The whole log's facts: the store's, else those of regimen.log (then the whole log). */
export function factsOf(regimen: Pick<Regimen, 'log' | 'logFacts'>): LogFacts {
  return regimen.logFacts ?? logFactsOf(regimen.log);
}

/** Set every medication's `trackedFrom` from the whole log's facts (the store does, for every file it reads). */
export function resolveTracking(regimen: Regimen, clock: Clock): void {
  const facts = factsOf(regimen);
  for (const m of regimen.medications) m.trackedFrom = trackedFromOf(m, facts, clock);
}

/**
 * The instant from which missed doses run together (core/missed.ts: two or more missed in a row).
 * When nothing says when recording began (no `trackedSince`, an empty log), no earlier dose joins a
 * run: each missed dose is still advised on and counted, but a file whose patient has recorded
 * nothing yet is not told of weeks of doses missed in a row.
 */
export function trackingStart(regimen: Pick<Regimen, 'log' | 'logFacts'>, med: Pick<Medication, 'id' | 'trackedSince'>, clock: Clock): Millis {
  const day = trackedFromOf(med, factsOf(regimen), clock);
  return day === undefined ? Infinity : clock.startOfDay(day);
}

/** Is a dose of local day `day` before `med`'s recording began? */
export function beforeTracking(med: Pick<Medication, 'trackedFrom'>, day: DayNum): boolean {
  return med.trackedFrom !== undefined && day < med.trackedFrom;
}
