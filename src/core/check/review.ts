/**
 * The clinical review of one regimen (`meds check PATH`): every pure check in turn. Pure: the
 * regimen, the file's parsed head (for what normalization drops, such as whether a dose was
 * written), the instant and the clock are passed in.
 */
import type { Millis, Regimen } from '../../model/types.js';
import type { Clock } from '../time.js';
import type { RawFinding } from './finding.js';
import { fileChecks } from './file-checks.js';

/** Days of log the adherence checks look back over. */
export const REVIEW_DAYS = 90;

/** What the checks know: the bundled drug data and the pharmacist's own rules, indexed. */
export interface Knowledge {
  /** Codes the checks must not report (--ignore), or undefined; codes to report only (--only). */
  readonly placeholder?: never;
}

export function reviewRegimen(regimen: Regimen, head: Readonly<Record<string, unknown>> | null, now: Millis, clock: Clock, _k: Knowledge): RawFinding[] {
  return [...fileChecks(regimen, head, now)];
}
