/**
 * Dosing checks: the daily total of an ingredient above its established maximum (counting every
 * product that contains it), the same ingredient in two medications, and two medications of a
 * class where that is a known duplication.
 */
import type { Medication, Phase } from '../../model/types.js';
import type { RawFinding } from './finding.js';
import { fill, label, type ReviewContext } from './context.js';

/** Milligrams per unit of one amount: "500 mg", "0.5 g", "88 mcg", "2,5mg". */
function amountMg(n: string, unit: string): number | undefined {
  // "1,000" is a thousand; "2,5" is two and a half, as Europeans write it.
  const v = Number(/^\d{1,3}(,\d{3})+$/.test(n) ? n.replace(/,/g, '') : n.replace(',', '.'));
  if (!Number.isFinite(v)) return undefined;
  const u = unit.toLowerCase();
  if (u === 'mg') return v;
  if (u === 'g') return v * 1000;
  if (u === 'mcg' || u === 'µg' || u === 'ug' || u.startsWith('microgram')) return v / 1000;
  return undefined;
}

const AMOUNT = /(\d{1,3}(?:,\d{3})+(?![\d.,])|\d+(?:[.,]\d+)?)\s*(mg|g|mcg|µg|ug|micrograms?)?/gi;

/**
 * Milligrams of each ingredient in one unit, from `strength`: "500 mg" for one ingredient; "5/325 mg",
 * "5 mg/325 mg" or "5-325 mg" for a combination, in the order of its ingredients. Undefined when the
 * strength cannot be read that way (a liquid's "160 mg/5 mL", a count that does not match).
 */
export function strengthsMg(strength: string | undefined, ingredients: readonly string[]): Map<string, number> | undefined {
  if (!strength || !ingredients.length || /\/\s*[\d.,]*\s*(ml|l|tab|dose|actuation|spray|hr|h|day)\b/i.test(strength)) return undefined;
  const found: { n: string; unit?: string }[] = [];
  for (const m of strength.matchAll(AMOUNT)) found.push({ n: m[1]!, unit: m[2] });
  if (found.length !== ingredients.length) return undefined;
  // A unit written once at the end ("5/325 mg") is every amount's.
  const last = found[found.length - 1]!.unit;
  if (!last) return undefined;
  const out = new Map<string, number>();
  for (let i = 0; i < found.length; i++) {
    const mg = amountMg(found[i]!.n, found[i]!.unit ?? last);
    if (mg === undefined) return undefined;
    out.set(ingredients[i]!, mg);
  }
  return out;
}

/** The most units a phase gives on one day it doses: its times' doses, every N hours' doses, as-needed's maxPerDay. */
export function unitsPerDay(p: Phase): number | undefined {
  if (p.asNeeded) return p.maxPerDay !== undefined ? p.maxPerDay * p.dose : undefined;
  if (p.everyMs !== undefined) return Math.ceil(86_400_000 / p.everyMs) * p.dose;
  let n = 0;
  for (const t of p.times) n += t.dose ?? p.dose;
  return n;
}

export function dosingChecks(c: ReviewContext): RawFinding[] {
  const out: RawFinding[] = [];
  const { index } = c.k;

  // Daily total of each ingredient: scheduled, and with the as-needed medications at their maxPerDay.
  const totals = new Map<string, { scheduled: number; withPrn: number; meds: Medication[]; parts: string[] }>();
  for (const { med, phase, drugs } of c.active) {
    const mg = strengthsMg(med.strength, drugs.ingredients);
    const units = unitsPerDay(phase);
    if (!mg || units === undefined) continue;
    for (const [ing, perUnit] of mg) {
      const t = totals.get(ing) ?? { scheduled: 0, withPrn: 0, meds: [], parts: [] };
      const day = perUnit * units;
      if (!phase.asNeeded) t.scheduled += day;
      t.withPrn += day;
      t.meds.push(med);
      t.parts.push(`${med.id} ${round(day)} mg${phase.asNeeded ? ' at most, as needed' : ''}`);
      totals.set(ing, t);
    }
  }
  for (const [ing, t] of totals) {
    const max = index.drugs.get(ing)?.maxDailyMg;
    if (!max) continue;
    const first = t.meds[0]!;
    if (t.scheduled > max.mg + 1e-9) {
      out.push({ code: 'dose.max-daily', severity: 'error', at: ['medications', first.index], meds: t.meds.map((m) => m.id), message: `${ing}: ${round(t.scheduled)} mg a day scheduled (${t.parts.join(', ')}), above the maximum of ${max.mg} mg a day`, action: `check the doses with the prescriber; keep ${ing} from every product at or below ${max.mg} mg a day`, source: `${max.rule}: ${max.source}` });
    } else if (t.withPrn > max.mg + 1e-9) {
      out.push({ code: 'dose.max-daily-as-needed', severity: 'warning', at: ['medications', first.index], meds: t.meds.map((m) => m.id), message: `${ing}: up to ${round(t.withPrn)} mg a day when the as-needed doses are taken as often as allowed (${t.parts.join(', ')}), above the maximum of ${max.mg} mg a day`, action: `lower the as-needed maxPerDay, or tell the patient how much ${ing} the regular doses already give`, source: `${max.rule}: ${max.source}` });
    }
  }

  // The same ingredient in two medications (a brand and its generic entered twice, or a combination product).
  const byIngredient = new Map<string, Medication[]>();
  for (const { med, drugs } of c.active) for (const ing of drugs.ingredients) byIngredient.set(ing, [...(byIngredient.get(ing) ?? []), med]);
  for (const [ing, meds] of byIngredient) {
    if (meds.length < 2) continue;
    out.push({ code: 'dose.same-ingredient', severity: 'warning', at: ['medications', meds[1]!.index], meds: meds.map((m) => m.id), message: `${meds.map(label).join(' and ')} all contain ${ing}`, action: 'check that both are intended (a brand and its generic entered twice is a double dose); count their total against the maximum', source: 'therapeutic duplication: one ingredient in two regimen lines; ingredients from the drug table (RxNorm names, FDA labels)' });
  }

  // Two medications of a duplication class (with different ingredients: the same one is reported above).
  for (const rule of c.k.rules.duplications) {
    const [c1, c2] = rule.classes.length === 1 ? [rule.classes[0]!, rule.classes[0]!] : [rule.classes[0]!, rule.classes[1]!];
    const seen = new Set<string>();
    for (const a of c.active) {
      if (!a.drugs.classes.has(c1)) continue;
      for (const b of c.active) {
        if (a === b || !b.drugs.classes.has(c2)) continue;
        if (a.drugs.ingredients.some((i) => b.drugs.ingredients.includes(i))) continue;
        const key = [a.med.index, b.med.index].sort().join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ code: rule.code, severity: rule.severity, at: ['medications', Math.max(a.med.index, b.med.index)], meds: [a.med.id, b.med.id], message: fill(rule.message, { meds: `${label(a.med)} and ${label(b.med)}` }), action: rule.action, source: rule.source });
      }
    }
  }
  return out;
}

const round = (x: number) => Math.round(x * 100) / 100;
