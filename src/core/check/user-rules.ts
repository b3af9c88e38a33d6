/**
 * A pharmacist's own rules (`meds check --rules FILE`, docs/checks.md, schema/check-rules.schema.json),
 * as the checks use them: drugs, brands and classes join the drug index; interaction pairs,
 * separation rules and maximum doses are checked as the bundled ones are; conditions (age at least,
 * a condition present, a medication present) give the rule's own finding.
 */
import type { Combination, Drug, DrugClass, InteractionRule, SeparationRule } from '../../data/drug-table.js';
import { selects, words } from '../../data/drug-table.js';
import type { RawFinding, Severity } from './finding.js';
import { label, type ReviewContext } from './context.js';
import { ageOn } from './patient.js';

export interface ConditionRule {
  code: string;
  severity: Severity;
  message: string;
  action: string;
  source: string;
  when: { ageAtLeast?: number; condition?: string; medication?: string };
}

export interface UserRules {
  file: string;
  drugs: Drug[];
  classes: Record<string, DrugClass>;
  combinations: Combination[];
  interactions: InteractionRule[];
  separations: SeparationRule[];
  conditions: ConditionRule[];
}

export function conditionChecks(c: ReviewContext, rules: readonly ConditionRule[]): RawFinding[] {
  const out: RawFinding[] = [];
  const conditions = c.regimen.patient.conditions.map((x) => words(x).join(' '));
  for (const r of rules) {
    const w = r.when;
    if (w.ageAtLeast !== undefined) {
      const age = ageOn(c.regimen.patient.born, c.today);
      if (age === undefined || age < w.ageAtLeast) continue;
    }
    if (w.condition !== undefined && !conditions.includes(words(w.condition).join(' '))) continue;
    let meds = c.active;
    if (w.medication !== undefined) {
      const sel = w.medication.startsWith('class:') ? w.medication : w.medication.toLowerCase();
      meds = c.active.filter((a) => selects(sel, a.drugs) || a.med.id.toLowerCase() === sel);
      if (!meds.length) continue;
      for (const a of meds) out.push({ code: r.code, severity: r.severity, at: ['medications', a.med.index], meds: [a.med.id], message: `${label(a.med)}: ${r.message}`, action: r.action, source: r.source });
      continue;
    }
    out.push({ code: r.code, severity: r.severity, at: ['patient'], meds: [], message: r.message, action: r.action, source: r.source });
  }
  return out;
}
