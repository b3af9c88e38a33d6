/**
 * Checks against the patient's profile: allergies (patient.allergies) against ingredients and
 * classes, and, at 65 or over (patient.born), the American Geriatrics Society Beers Criteria items.
 */
import type { RawFinding } from './finding.js';
import { civilFromDay, parseDay } from '../../time/time.js';
import { drugsOf, selects, words, type AllergyGroup, type OlderAdultItem } from '../../data/drug-table.js';
import { label, type ReviewContext } from './context.js';
import { strengthsMg, unitsPerDay } from './dosing.js';

/** Whole years from a birth date (YYYY-MM-DD) to a day; undefined without a date. */
export function ageOn(born: string | undefined, day: number): number | undefined {
  const b = born === undefined ? undefined : parseDay(born);
  if (b === undefined) return undefined;
  const x = civilFromDay(b);
  const t = civilFromDay(day);
  return t.y - x.y - (t.m < x.m || (t.m === x.m && t.d < x.d) ? 1 : 0);
}

export function allergyChecks(c: ReviewContext, groups: readonly AllergyGroup[]): RawFinding[] {
  const out: RawFinding[] = [];
  const allergies = c.regimen.patient.allergies;
  for (const allergy of allergies) {
    const w = words(allergy).join(' ');
    if (!w) continue;
    const group = groups.find((g) => g.words.some((x) => words(x).join(' ') === w));
    // An allergy written as a drug: its ingredients (and, for a class-defining drug such as amoxicillin, only those).
    const named = group ? [] : drugsOf({ id: '', name: allergy }, c.k.index).ingredients;
    const classWord = group ? undefined : [...c.k.index.classes.entries()].find(([id, cl]) => words(id).join(' ') === w || words(cl.name).join(' ') === w)?.[0];
    for (const { med, drugs } of c.active) {
      let why: string | undefined;
      let source = '';
      if (group && group.classes.some((k) => drugs.classes.has(k))) {
        why = `${group.name}`;
        source = group.source;
      } else if (classWord && drugs.classes.has(classWord)) {
        why = c.k.index.classes.get(classWord)!.name;
        source = 'the allergy names a class of the drug table';
      } else {
        const hit = named.find((i) => drugs.ingredients.includes(i));
        if (hit) {
          why = hit;
          source = 'the allergy names an ingredient of the medication (drug table: RxNorm names, FDA labels)';
        }
      }
      if (!why) continue;
      out.push({ code: group?.code ?? 'allergy.ingredient', severity: 'error', at: ['medications', med.index], meds: [med.id], message: `${label(med)} (${drugs.ingredients.join(', ')}) belongs to ${why}, and the patient is allergic to ${JSON.stringify(allergy)}`, action: 'confirm the allergy and the reaction with the patient; ask the prescriber for an alternative before the next dose', source: group ? group.source : source });
    }
  }
  return out;
}

export function olderAdultChecks(c: ReviewContext, items: readonly OlderAdultItem[], ageAtLeast: number, source: string): RawFinding[] {
  const age = ageOn(c.regimen.patient.born, c.today);
  if (age === undefined || age < ageAtLeast) return [];
  const out: RawFinding[] = [];
  for (const item of items) {
    for (const { med, phase, drugs } of c.active) {
      if (!item.drugs.some((s) => selects(s, drugs))) continue;
      if (item.except?.some((s) => selects(s, drugs) && drugs.ingredients.length === 1)) continue;
      if (item.scheduledOnly && phase.asNeeded) continue;
      if (item.longerThanDays !== undefined && phase.from !== undefined && c.today - firstDay(med.phases) <= item.longerThanDays) continue;
      if (item.exemptAtOrBelowMgPerDay) {
        const mg = strengthsMg(med.strength, drugs.ingredients);
        const units = unitsPerDay(phase);
        const exempt = Object.entries(item.exemptAtOrBelowMgPerDay).some(([ing, max]) => mg?.has(ing) && units !== undefined && mg.get(ing)! * units <= max);
        if (exempt) continue;
      }
      const since = item.longerThanDays !== undefined && phase.from === undefined ? ' (if taken that long: the file does not say when it started)' : '';
      out.push({ code: item.code, severity: item.severity, at: ['medications', med.index], meds: [med.id], message: `${label(med)} at ${age}: ${item.reason}${since}`, action: item.action, source: item.source ?? source });
    }
  }
  return out;
}

const firstDay = (phases: { from?: number }[]) => Math.min(...phases.map((p) => p.from ?? -Infinity));
