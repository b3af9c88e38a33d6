/**
 * Interaction checks: pairs of medications in force together (the ONC high-priority list and label
 * pairs, check-rules.json), and separation rules against the scheduled times of day.
 */
import type { RawFinding } from './finding.js';
import { selects, type InteractionRule, type SeparationRule, type TakeFirstRule } from '../../data/drug-table.js';
import { fill, hm, label, shareDays, timesOfDay, type ReviewContext } from './context.js';

export function interactionChecks(c: ReviewContext, rules: readonly InteractionRule[]): RawFinding[] {
  const out: RawFinding[] = [];
  const reported = new Set<string>(); // a pair of medications, once: under the first rule that matches it
  for (const rule of rules) {
    for (const a of c.active) {
      if (!rule.a.some((s) => selects(s, a.drugs))) continue;
      for (const b of c.active) {
        if (a === b || !rule.b.some((s) => selects(s, b.drugs))) continue;
        // (One combination product is not an interaction with itself; two products sharing the ingredient are reported as such.)
        if (a.drugs.ingredients.some((i) => b.drugs.ingredients.includes(i))) continue;
        const key = [a.med.index, b.med.index].sort((x, y) => x - y).join(',');
        if (reported.has(key)) continue;
        reported.add(key);
        out.push({ code: rule.code, severity: rule.severity, at: ['medications', Math.max(a.med.index, b.med.index)], meds: [a.med.id, b.med.id], message: fill(rule.message, { a: label(a.med), b: label(b.med) }), action: rule.action, source: rule.source });
      }
    }
  }
  return out;
}

/** Minutes from a to b going forward round the clock (0 when equal). */
const after = (a: number, b: number) => (((b - a) % 1440) + 1440) % 1440;

export function separationChecks(c: ReviewContext, rules: readonly SeparationRule[], first: readonly TakeFirstRule[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of rules) {
    for (const a of c.active) {
      if (!rule.first.some((s) => selects(s, a.drugs))) continue;
      const ta = timesOfDay(a.phase);
      if (!ta) continue;
      for (const b of c.active) {
        if (a === b || !rule.second.some((s) => selects(s, b.drugs)) || !shareDays(a.phase, b.phase)) continue;
        const tb = timesOfDay(b.phase);
        if (!tb) continue;
        // Every dose of the first must be far enough before the next dose of the second, and after the previous one.
        const clash = pairs(ta, tb).find(([x, y]) => after(x, y) < rule.firstBeforeMin || after(y, x) < rule.firstAfterMin);
        if (!clash) continue;
        out.push({ code: rule.code, severity: rule.severity, at: ['medications', a.med.index], meds: [a.med.id, b.med.id], message: fill(rule.message, { a: label(a.med), b: label(b.med), ta: hm(clash[0]), tb: hm(clash[1]) }), action: rule.action, source: rule.source });
      }
    }
  }
  // Drugs taken first thing, before food, drink and other medicines (bisphosphonates).
  const meals = Object.entries(c.regimen.patient.routine).filter(([k]) => /breakfast|lunch|dinner|supper|meal|food|eat/i.test(k));
  for (const rule of first) {
    for (const a of c.active) {
      if (!rule.drugs.some((s) => selects(s, a.drugs))) continue;
      const ta = timesOfDay(a.phase);
      if (!ta) continue;
      let clash: { what: string; at: number; a: number; med?: string } | undefined;
      for (const x of ta) {
        for (const b of c.active) {
          if (b === a || !shareDays(a.phase, b.phase)) continue;
          const y = (timesOfDay(b.phase) ?? []).find((y) => after(x, y) < rule.beforeMin);
          if (y !== undefined) clash ??= { what: label(b.med), at: y, a: x, med: b.med.id };
        }
        for (const [name, y] of meals) if (after(x, y) < rule.beforeMin) clash ??= { what: name, at: y, a: x };
      }
      if (!clash) continue;
      out.push({ code: rule.code, severity: rule.severity, at: ['medications', a.med.index], meds: clash.med ? [a.med.id, clash.med] : [a.med.id], message: fill(rule.message, { a: label(a.med), b: clash.what, ta: hm(clash.a), tb: hm(clash.at) }), action: rule.action, source: rule.source });
    }
  }
  return out;
}

function pairs(a: number[], b: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of a) for (const y of b) out.push([x, y]);
  return out;
}
