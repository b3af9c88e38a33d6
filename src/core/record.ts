/**
 * Deciding what a `take` or `skip` records: which scheduled dose it answers,
 * or that it answers none (an extra dose: a possible double dose), and the
 * warnings an as-needed dose deserves. Nothing is ever refused here: the
 * record is the truth of what happened; warnings say what it means.
 */
import { usageError } from '../errors.js';
import type { LogStatus, Medication, Millis, Regimen } from '../model/types.js';
import { assessMedication, asNeededState, chooseDose, entriesByMed, windowOf, type AsNeededState, type DoseState } from './doses.js';
import { isAsNeeded, phaseOn } from './schedule.js';
import { adviceForDose, adviseMedication, type MissedAdvice } from './missed.js';
import { Clock, DAY, formatDuration, parseHM, parseLocalDateTime, slotKey } from '../time/time.js';

export type RecordPlan =
  | { kind: 'scheduled'; status: LogStatus; dose: DoseState; onTime: boolean; offsetMs: number; replacesSkip: boolean; warnings: string[] }
  | { kind: 'extra'; status: 'taken'; warnings: string[]; lastTaken?: DoseState }
  | { kind: 'as-needed'; status: LogStatus; warnings: string[]; before: AsNeededState };

/** Resolve `--for` ("08:00", "breakfast" or "2026-03-08T08:00") to a slot key, given the day of the record. */
export function resolveSlot(regimen: Regimen, med: Medication, text: string, at: Millis, clock: Clock): string {
  const full = parseLocalDateTime(text);
  if (full) return slotKey(full.day, full.minute);
  const minute = parseHM(text) ?? regimen.patient.routine[text];
  if (minute === undefined) throw usageError('bad-for', `--for ${JSON.stringify(text)} is not a time "HH:MM", a routine name or a date-time YYYY-MM-DDTHH:MM`);
  // The nearest day (yesterday, today, tomorrow) on which that time is scheduled.
  const day = clock.dayOf(at);
  const w = windowOf(regimen.settings);
  const doses = assessMedication(med, [], day - 1, day + 1, at, clock, w).doses.filter((d) => d.minute === minute);
  if (!doses.length) return slotKey(day, minute); // reported as "not scheduled" by the caller
  doses.sort((a, b) => Math.abs(a.at - at) - Math.abs(b.at - at));
  return doses[0]!.slot;
}

export function planRecord(regimen: Regimen, med: Medication, status: LogStatus, at: Millis, clock: Clock, forText?: string): RecordPlan {
  const w = windowOf(regimen.settings);
  const entries = entriesByMed(regimen.log).get(med.id) ?? [];
  const day = clock.dayOf(at);
  if (isAsNeeded(med, day) && forText === undefined) {
    const before = asNeededState(med, entries, at, clock);
    const warnings: string[] = [];
    if (status === 'taken') {
      // Records may be made after the fact (--at): compare with doses on both sides.
      const taken = entries.filter((e) => e.status === 'taken').map((e) => e.at);
      if (before.minIntervalMs !== undefined) {
        const closest = taken.reduce<number | undefined>((best, t) => (best === undefined || Math.abs(t - at) < Math.abs(best - at) ? t : best), undefined);
        if (closest !== undefined && Math.abs(at - closest) < before.minIntervalMs) {
          warnings.push(`only ${formatDuration(Math.abs(at - closest))} from the ${med.id} dose at ${clock.formatTime(closest)}; the minimum interval is ${formatDuration(before.minIntervalMs)}`);
        }
      }
      if (before.maxPerDay !== undefined) {
        // The most doses in any 24 hours that contain this one.
        const near = taken.filter((t) => Math.abs(t - at) < DAY).sort((a, b) => a - b);
        let most = 1;
        // Windows [start, start + 24 h) that contain `at`: starting 24 h before it, at an earlier dose, or at it.
        for (const start of [at - DAY + 1, ...near.filter((t) => t <= at), at]) {
          const n = 1 + near.filter((t) => t >= start && t < start + DAY).length;
          if (n > most) most = n;
        }
        if (most > before.maxPerDay) warnings.push(`this makes ${most} doses of ${med.id} within 24 hours; the maximum is ${before.maxPerDay}`);
      }
    }
    return { kind: 'as-needed', status, warnings, before };
  }
  const doses = assessMedication(med, entries, day - 8, day + 1, at, clock, w).doses;
  if (forText !== undefined) {
    const slot = resolveSlot(regimen, med, forText, at, clock);
    const d = doses.find((x) => x.slot === slot);
    if (!d) {
      const near = doses.filter((x) => Math.abs(x.day - day) <= 1).map((x) => x.slot.replace('T', ' '));
      throw usageError('not-scheduled', `${med.id} has no dose scheduled at ${slot.replace('T', ' ')}`, near.length ? `scheduled near then: ${near.join(', ')}` : `${med.id} has no scheduled doses near then`);
    }
    if (d.status === 'taken' && status === 'taken') {
      return { kind: 'extra', status: 'taken', lastTaken: d, warnings: [doubleDoseWarning(med, d, clock)] };
    }
    if (d.status === 'taken' && status === 'skipped') {
      throw usageError('already-taken', `the ${clock.formatTime(d.at)} dose of ${med.id} was already recorded as taken at ${clock.formatTime(d.takenAt!)}`, 'use `meds undo` if that record was a mistake');
    }
    return scheduled(status, d, at, w.earlyMs, w.lateMs);
  }
  const pending = doses.filter((d) => d.status !== 'taken' && d.status !== 'skipped');
  // A skip answers the missed dose that still waits for a decision (its advice is pending) before the
  // next dose: at 07:05 `skip` is about the missed 00:00 dose, not the 08:00 one.
  let d = status === 'skipped' ? missedAwaitingDecision(regimen, med, pending, at, clock) : undefined;
  d ??= chooseDose(pending, at, w);
  let tooLate: { dose: DoseState; advice?: MissedAdvice } | undefined;
  let lateNote: string | undefined;
  if (d && status === 'taken' && at > d.at + w.lateMs) {
    // A late take answers a missed dose only while its missed-dose rule still says to take it.
    const advice = adviceForDose(regimen, med, d, at, clock);
    if (!lateTakeAllowed(advice, at)) {
      tooLate = { dose: d, advice };
      d = undefined;
    } else if (at - d.at >= DAY && advice) {
      lateNote = `credited to the missed ${d.slot.replace('T', ' ')} dose of ${med.id}, ${formatDuration(at - d.at)} late, as its missed-dose rule (${advice.rule.id}) says: ${advice.message}`;
    }
  }
  // A take for a dose that was skipped: the user changed their mind; the take answers it.
  if (!d && !tooLate && status === 'taken') d = chooseDose(doses.filter((x) => x.status === 'skipped'), at, w);
  if (!d && status === 'skipped') d = pending.find((x) => x.at > at && x.at - at < DAY); // skipping the next dose ahead of time
  if (d) {
    const plan = scheduled(status, d, at, w.earlyMs, w.lateMs);
    if (lateNote) plan.warnings.push(lateNote);
    return plan;
  }
  if (status === 'skipped') throw usageError('nothing-to-skip', `no pending dose of ${med.id} to skip near ${clock.formatInstant(at)}`, 'name one with --for HH:MM');
  const stop = stoppedBefore(med, at, clock);
  if (stop) return { kind: 'extra', status: 'taken', warnings: [stop] };
  if (tooLate) return { kind: 'extra', status: 'taken', warnings: [tooLateWarning(med, tooLate.dose, tooLate.advice, at, clock)] };
  // Only the most recent dose at or before this take can make it a double dose.
  const last = [...doses].reverse().find((x) => x.at <= at + w.earlyMs);
  const lastTaken = last?.status === 'taken' ? last : undefined;
  return { kind: 'extra', status: 'taken', lastTaken, warnings: [lastTaken ? doubleDoseWarning(med, lastTaken, clock) : `no dose of ${med.id} is pending at ${clock.formatTime(at)}: recorded as an extra dose, beyond the schedule`] };
}

/** The latest missed dose (at `at`) that the missed-dose advice still answers, if any. */
function missedAwaitingDecision(regimen: Regimen, med: Medication, pending: DoseState[], at: Millis, clock: Clock): DoseState | undefined {
  const w = windowOf(regimen.settings);
  if (!pending.some((d) => d.at + w.lateMs < at)) return undefined;
  const advised = new Set(adviseMedication(regimen, med, at, clock).flatMap((a) => [a.slot, ...(a.covers ?? [])]));
  return [...pending].reverse().find((d) => d.at + w.lateMs < at && advised.has(d.slot));
}

/** Does the advice for a missed dose, at `at`, still say to take it? */
function lateTakeAllowed(advice: MissedAdvice | undefined, at: Millis): boolean {
  if (!advice || advice.action === 'skip') return false;
  return advice.takeBy === undefined || at <= advice.takeBy;
}

function tooLateWarning(med: Medication, d: DoseState, advice: MissedAdvice | undefined, at: Millis, clock: Clock): string {
  const why = advice
    ? `its missed-dose rule (${advice.rule.id}) says: ${advice.message}`
    : 'its missed-dose advice no longer applies';
  return `NOT A SCHEDULED DOSE: no dose of ${med.id} is pending at ${clock.formatTime(at)}; the ${d.slot.replace('T', ' ')} dose is ${formatDuration(at - d.at)} late, and ${why} Recorded as an extra dose, not as that dose taken late. If this was a mistake, run \`meds undo\`; \`meds missed\` says what to do now.`;
}

/**
 * When a take falls after the medication was stopped (and before any restart), the warning that says
 * so; else undefined.
 */
function stoppedBefore(med: Medication, at: Millis, clock: Clock): string | undefined {
  const s = med.stopped;
  if (!s || at < clock.toInstant(s.day, s.minute)) return undefined;
  const day = clock.dayOf(at);
  if (med.phases.some((p) => p.from !== undefined && p.from > s.day && p.from <= day)) return undefined; // restarted
  return `${med.id} was STOPPED on ${s.text.replace('T', ' ')}: no dose of it is scheduled. Recorded as an extra dose. If this was a mistake, run \`meds undo\`; if it was restarted, give it a schedule again: \`meds edit ${med.id} --times HH:MM --from YYYY-MM-DD\`.`;
}

function doubleDoseWarning(med: Medication, d: DoseState, clock: Clock): string {
  return `POSSIBLE DOUBLE DOSE: the ${clock.formatTime(d.at)} dose of ${med.id} was already taken at ${clock.formatTime(d.takenAt!)}; recorded as an extra dose. If this was a mistake, run \`meds undo\`; if you did take it twice, check the leaflet or ask a pharmacist.`;
}

function scheduled(status: LogStatus, d: DoseState, at: Millis, earlyMs: number, lateMs: number): RecordPlan {
  const onTime = at >= d.at - earlyMs && at <= d.at + lateMs;
  return { kind: 'scheduled', status, dose: d, onTime, offsetMs: at - d.at, replacesSkip: d.status === 'skipped', warnings: [] };
}

/** The log entry a plan writes. */
export interface NewEntry {
  at: string; // ISO with the local offset
  med: string;
  for?: string;
  status: LogStatus;
  reason?: string;
  dose?: number;
  extra?: boolean;
}

/**
 * The units a take used, as its log line keeps them: the dose given (`--dose`), else the scheduled dose
 * it answers, else the dose of the phase in force. Written on the line when taken, so a later change of
 * the dose (`meds edit --dose`) never changes what a past take used.
 */
export function unitsTaken(plan: RecordPlan, med: Medication, at: Millis, clock: Clock, dose?: number): number | undefined {
  if (plan.status !== 'taken') return dose;
  if (dose !== undefined) return dose;
  if (plan.kind === 'scheduled') return plan.dose.dose;
  return phaseOn(med, clock.dayOf(at))?.dose ?? med.phases[med.phases.length - 1]?.dose ?? 1;
}

export function entryFor(plan: RecordPlan, med: Medication, at: Millis, clock: Clock, reason?: string, dose?: number): NewEntry {
  return {
    at: clock.formatInstant(at),
    med: med.id,
    for: plan.kind === 'scheduled' ? plan.dose.slot : undefined,
    status: plan.status,
    reason: plan.status === 'skipped' ? reason : undefined,
    dose: unitsTaken(plan, med, at, clock, dose),
    extra: plan.kind === 'extra' ? true : undefined,
  };
}
