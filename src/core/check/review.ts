/**
 * The clinical review of one regimen (`meds check PATH`): every pure check in turn. Pure: the
 * regimen, the file's parsed head (for what normalization drops, such as whether a dose was
 * written), the instant and the clock are passed in.
 */
import type { Millis, Regimen } from '../../model/types.js';
import type { Clock } from '../../time/time.js';
import type { RawFinding } from './finding.js';
import { fileChecks } from './file-checks.js';
import { reviewContext, type Knowledge } from './context.js';
import { dosingChecks } from './dosing.js';
import { interactionChecks, separationChecks } from './interactions.js';
import { allergyChecks, olderAdultChecks } from './patient.js';
import { adherenceChecks } from './adherence.js';
import { conditionChecks } from './user-rules.js';

export type { Knowledge };

/** Days of log the adherence checks look back over. */
export const REVIEW_DAYS = 90;

export function reviewRegimen(regimen: Regimen, head: Readonly<Record<string, unknown>> | null, now: Millis, clock: Clock, k: Knowledge): RawFinding[] {
  const c = reviewContext(regimen, now, clock, k);
  const { rules, user } = k;
  return [
    ...fileChecks(regimen, head, now),
    ...dosingChecks(c),
    ...interactionChecks(c, user ? [...rules.interactions, ...user.interactions] : rules.interactions),
    ...separationChecks(c, user ? [...rules.separations, ...user.separations] : rules.separations, rules.takeFirst),
    ...allergyChecks(c, rules.allergies),
    ...olderAdultChecks(c, rules.olderAdults.items, rules.olderAdults.ageAtLeast, rules.olderAdults.source),
    ...adherenceChecks(c, REVIEW_DAYS),
    ...(user ? conditionChecks(c, user.conditions) : []),
  ];
}
