/**
 * Index over weekly-drugs.json: medicines taken once a week whose daily use is a known, sometimes
 * fatal, error (weekly methotrexate, alendronate 70 mg, ...). A medication is recognised by an
 * ingredient or brand (whole words, case-insensitive, in its id, name or ingredients) and, where
 * the same ingredient also comes as a daily product, by the strength it gives in milligrams
 * (strength, name or ingredients: "70 mg", "70mg", "2,5 mg"). Every entry carries its sources.
 * The list is not complete (see its $comment).
 */
import data from './weekly-drugs.json' with { type: 'json' };

export interface WeeklySource {
  publisher: string;
  title: string;
  url: string;
}

export interface WeeklyDrug {
  id: string;
  name: string;
  ingredients: string[];
  brands: string[];
  weeklyStrengthsMg?: number[];
  weeklyBrands?: string[];
  dailyStrengthsMg?: number[];
  dailyBrands?: string[];
  unknownStrength?: 'warn';
  check: string;
  sources: WeeklySource[];
}

export const WEEKLY_DRUGS: readonly WeeklyDrug[] = (data as { drugs: WeeklyDrug[] }).drugs;

/** Lower case, every run of non-letters/digits one space, padded: " fosamax 70 mg ". */
const normalize = (text: string) => ` ${text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()} `;

/** The milligram amounts written in `texts` ("70 mg", "2,5mg", "0.25 milligrams"). */
export function strengthsMg(texts: readonly string[]): number[] {
  const out: number[] = [];
  for (const t of texts) for (const m of t.matchAll(/(\d+(?:[.,]\d+)?)\s*(?:mg|milligrams?)(?![a-z])/gi)) out.push(Number(m[1]!.replace(',', '.')));
  return out;
}

export interface MedText {
  id: string;
  name?: string;
  strength?: string;
  ingredients?: string[];
}

/**
 * The weekly medicine this medication is, if any: an ingredient or brand matches and, where the
 * entry lists weekly strengths, a weekly brand or strength is given (a daily brand or strength
 * never matches; no strength at all matches only where the entry says `unknownStrength: warn`).
 */
export function weeklyDrugOf(med: MedText): WeeklyDrug | undefined {
  const words = [med.id, med.name ?? '', ...(med.ingredients ?? [])];
  const text = words.map(normalize).join('|');
  const has = (t: string) => text.includes(normalize(t));
  for (const drug of WEEKLY_DRUGS) {
    if (!drug.ingredients.some(has) && !drug.brands.some(has)) continue;
    if (drug.dailyBrands?.some(has)) continue;
    if (!drug.weeklyStrengthsMg) return drug;
    if (drug.weeklyBrands?.some(has)) return drug;
    const mg = strengthsMg([med.strength ?? '', ...words]);
    if (mg.some((x) => drug.weeklyStrengthsMg!.includes(x))) return drug;
    if (mg.length === 0 && drug.unknownStrength === 'warn') return drug;
  }
  return undefined;
}
