/**
 * The drug table (drug-table.json) and the rules of `meds check` (check-rules.json), indexed, and
 * the matching of a medication in a regimen to its ingredients and classes: by `ingredients` where
 * given, else by the words of its id and name (ingredient, brand, combination brand or another
 * name), case-insensitively, whatever strength and form the name also carries ("Tylenol 500mg
 * tablet"). A pharmacist's rules file (--rules) adds drugs and classes to the same index.
 *
 * The table is meant to be the one drug table of meds: the missed-dose rules could find their
 * drug by `drugsOf(med)` (an ingredient) instead of matching names of their own.
 */
import table from './drug-table.json' with { type: 'json' };
import rules from './check-rules.json' with { type: 'json' };

export interface Drug {
  ingredient: string;
  brands: string[];
  synonyms?: string[];
  classes: string[];
  maxDailyMg?: { mg: number; rule: string; source: string };
  sources?: { name?: string; label?: string };
}

export interface DrugClass {
  name: string;
  epc?: string;
  definition?: string;
}

export interface Combination {
  brand: string;
  ingredients: string[];
  source?: string;
}

export interface DrugTable {
  classes: Record<string, DrugClass>;
  drugs: Drug[];
  combinations: Combination[];
}

/** The bundled table, as shipped. */
export const DRUG_TABLE = table as unknown as DrugTable & { selectionSource: string; namesSource: string; labelSource: string };

export interface InteractionRule {
  code: string;
  severity: 'error' | 'warning' | 'info';
  a: string[];
  b: string[];
  message: string;
  action: string;
  source: string;
}
export interface SeparationRule {
  code: string;
  severity: 'error' | 'warning' | 'info';
  first: string[];
  second: string[];
  firstBeforeMin: number;
  firstAfterMin: number;
  message: string;
  action: string;
  source: string;
}
export interface TakeFirstRule {
  code: string;
  severity: 'error' | 'warning' | 'info';
  drugs: string[];
  beforeMin: number;
  message: string;
  action: string;
  source: string;
}
export interface DuplicationRule {
  code: string;
  severity: 'error' | 'warning' | 'info';
  classes: string[];
  message: string;
  action: string;
  source: string;
}
export interface AllergyGroup {
  code: string;
  words: string[];
  classes: string[];
  name: string;
  source: string;
}
export interface OlderAdultItem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  drugs: string[];
  except?: string[];
  scheduledOnly?: boolean;
  longerThanDays?: number;
  exemptAtOrBelowMgPerDay?: Record<string, number>;
  reason: string;
  action: string;
  source?: string;
}
export interface CheckRules {
  interactions: InteractionRule[];
  separations: SeparationRule[];
  takeFirst: TakeFirstRule[];
  duplications: DuplicationRule[];
  allergies: AllergyGroup[];
  olderAdults: { ageAtLeast: number; source: string; items: OlderAdultItem[] };
  highRiskMissed: { code: string; severity: 'error' | 'warning' | 'info'; days: number; classes: string[]; source: string };
}

export const CHECK_RULES = rules as unknown as CheckRules;

/** Words of a name: lower case, letters and digits only ("St. John's wort" → st john s wort). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Words of a name that say strength, form or salt, never which drug: they are passed over when matching. */
const NOISE = new Set(
  (
    'mg g mcg ug microgram micrograms milligram milligrams ml iu unit units tab tabs tablet tablets cap caps capsule capsules ' +
    'er xr sr xl cr dr la ec odt ir hfa oral solution suspension syrup injection inhaler patch cream gel chewable ' +
    'sodium potassium hydrochloride hcl hydrobromide sulfate succinate tartrate maleate besylate mesylate citrate fumarate ' +
    'acetate phosphate bromide chloride dihydrate monohydrate trihydrate calcium magnesium'
  ).split(' '),
);
/** A number with a unit glued to it ("500mg", "2,5mg", "0.4"): not a word of a drug's name. */
const NUMERIC = /^\d/;

/** What a name of the index stands for: ingredients (one, or a combination's). */
interface Entry {
  ingredients: string[];
}

export class DrugIndex {
  readonly drugs = new Map<string, Drug>();
  readonly classes = new Map<string, DrugClass>();
  /** Joined words of a name → what it stands for; the longest name is tried first. */
  private readonly names = new Map<string, Entry>();
  private maxWords = 1;

  constructor(t: DrugTable) {
    this.add(t);
  }

  add(t: Partial<DrugTable>): void {
    for (const [id, c] of Object.entries(t.classes ?? {})) this.classes.set(id, c);
    for (const d of t.drugs ?? []) {
      const key = d.ingredient.toLowerCase();
      const prev = this.drugs.get(key);
      // A drug added again (a rules file) adds its brands and classes, and its maximum replaces the table's.
      const merged: Drug = prev
        ? { ...prev, brands: [...prev.brands, ...d.brands], synonyms: [...(prev.synonyms ?? []), ...(d.synonyms ?? [])], classes: [...new Set([...prev.classes, ...d.classes])], maxDailyMg: d.maxDailyMg ?? prev.maxDailyMg }
        : { ...d, ingredient: key };
      this.drugs.set(key, merged);
      for (const n of [d.ingredient, ...d.brands, ...(d.synonyms ?? [])]) this.name(n, [key]);
    }
    for (const c of t.combinations ?? []) this.name(c.brand, c.ingredients.map((i) => i.toLowerCase()));
  }

  private name(text: string, ingredients: string[]): void {
    const w = words(text);
    if (!w.length) return;
    this.maxWords = Math.max(this.maxWords, w.length);
    this.names.set(w.join(' '), { ingredients });
  }

  /**
   * The ingredients a piece of text names, in order of appearance: at each word the longest name
   * that starts there (so "Tylenol PM" is the combination, not Tylenol); strength, form and salt
   * words between names are passed over.
   */
  ingredientsIn(text: string): string[] {
    const w = words(text).filter((x) => !NUMERIC.test(x));
    const out: string[] = [];
    for (let i = 0; i < w.length; ) {
      let hit: Entry | undefined;
      let n = Math.min(this.maxWords, w.length - i);
      for (; n > 0; n--) {
        hit = this.names.get(w.slice(i, i + n).join(' '));
        if (hit) break;
      }
      if (hit) {
        for (const ing of hit.ingredients) if (!out.includes(ing)) out.push(ing);
        i += n;
        // A salt or form after a name belongs to it ("atorvastatin calcium" is not calcium).
        while (i < w.length && NOISE.has(w[i]!) && !this.startsName(w, i)) i++;
      } else i++;
    }
    return out;
  }

  /** Whether a name of the index starts at word i (a salt word such as calcium may begin one: calcium carbonate). */
  private startsName(w: string[], i: number): boolean {
    for (let n = Math.min(this.maxWords, w.length - i); n > 1; n--) if (this.names.has(w.slice(i, i + n).join(' '))) return true;
    return false;
  }

  classesOf(ingredient: string): string[] {
    return this.drugs.get(ingredient)?.classes ?? [];
  }
}

/** What the checks know of one medication. */
export interface MedDrugs {
  /** Ingredients, in the order written (the order of a combination's strengths). */
  ingredients: string[];
  classes: Set<string>;
}

export interface MedNames {
  id: string;
  name?: string;
  ingredients?: string[];
}

/** A medication's ingredients and classes: from `ingredients` where given, else from its name and id. */
export function drugsOf(med: MedNames, index: DrugIndex): MedDrugs {
  let ingredients: string[];
  if (med.ingredients?.length) {
    ingredients = [];
    for (const text of med.ingredients) {
      const found = index.ingredientsIn(text);
      // (An ingredient the table does not know still counts, by its own name: two medications naming it are the same ingredient.)
      for (const x of found.length ? found : [words(text).join(' ')]) if (x && !ingredients.includes(x)) ingredients.push(x);
    }
  } else {
    ingredients = index.ingredientsIn(med.name ?? '');
    for (const x of index.ingredientsIn(med.id.replace(/[-_.]/g, ' '))) if (!ingredients.includes(x)) ingredients.push(x);
  }
  const classes = new Set<string>();
  for (const i of ingredients) for (const c of index.classesOf(i)) classes.add(c);
  return { ingredients, classes };
}

/** Whether a selector ("warfarin", "class:nsaid") names one of these drugs. */
export function selects(selector: string, d: MedDrugs): boolean {
  if (selector.startsWith('class:')) return d.classes.has(selector.slice(6));
  return d.ingredients.includes(selector.toLowerCase());
}

let bundled: DrugIndex | undefined;
/** The bundled table's index (built once per process). */
export function bundledIndex(): DrugIndex {
  return (bundled ??= new DrugIndex(DRUG_TABLE));
}
