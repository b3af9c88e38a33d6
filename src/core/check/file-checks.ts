/**
 * The file's own checks beyond validation: what makes the clinical checks blind (a medication with
 * no strength, or no dose written), and log entries dated in the future.
 */
import type { Millis, Regimen } from '../../model/types.js';
import type { RawFinding } from './finding.js';

const FORMAT = 'meds file format (docs/format.md)';

export function fileChecks(regimen: Regimen, head: Readonly<Record<string, unknown>> | null, now: Millis): RawFinding[] {
  const out: RawFinding[] = [];
  const rawMeds = Array.isArray(head?.medications) ? (head!.medications as unknown[]) : [];
  for (const m of regimen.medications) {
    const raw = rawMeds[m.index] as Record<string, unknown> | undefined;
    if (m.strength === undefined) {
      out.push({ code: 'file.no-strength', severity: 'info', at: ['medications', m.index], meds: [m.id], message: `${m.id} has no strength, so its daily total cannot be checked against a maximum dose`, action: 'add the strength from the label, e.g. strength: 500 mg', source: FORMAT });
    }
    if (raw && !doseWritten(raw)) {
      out.push({ code: 'file.no-dose', severity: 'info', at: ['medications', m.index], meds: [m.id], message: `${m.id} has no dose written, so meds assumes 1 ${m.unit} per dose`, action: 'write the dose from the prescription, e.g. dose: 1', source: FORMAT });
    }
  }
  for (const e of regimen.log) {
    if (e.at > now) out.push({ code: 'file.future-entry', severity: 'warning', at: ['log', e.index], meds: [e.med], message: `a log entry of ${e.med} is dated ${e.atText}, after now`, action: 'correct the date of the entry (a future dose cannot have been taken)', source: FORMAT });
  }
  return out;
}

/** A dose on the medication, on a phase, or on a time of day. */
function doseWritten(m: Record<string, unknown>): boolean {
  if (m.dose !== undefined) return true;
  const phases = Array.isArray(m.schedule) ? m.schedule : [m.schedule];
  for (const p of phases) {
    if (!p || typeof p !== 'object') continue;
    const ph = p as Record<string, unknown>;
    if (ph.dose !== undefined) return true;
    if (Array.isArray(ph.times) && ph.times.some((t) => t && typeof t === 'object' && (t as Record<string, unknown>).dose !== undefined)) return true;
  }
  return false;
}
