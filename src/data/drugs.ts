/**
 * Index over the bundled missed-dose rules (missed-rules.json): which rule, if
 * any, covers a medication. A medication is recognised by ingredient or brand
 * name, found in its `ingredients`, its `id` or the words of its `name`
 * (case-insensitive, whole words: "apixaban", "Eliquis (apixaban)" and
 * "Eliquis" all find the apixaban rule; strength and form words beside the name,
 * such as "ELIQUIS 5mg film-coated tablets", do not get in the way). One scan of
 * the rules per medication answers both questions the engine asks: the first
 * rule that names it, and every rule that names it (a combination product). Every
 * rule carries its source. The data is not a complete drug database (see `disclaimer`).
 */
import data from './missed-rules.json' with { type: 'json' };

/** The rule kinds the engine in core/missed.ts implements. */
export const RULE_KINDS = [
  'general-leaflet', // the halfway rule, cited to the drug's own leaflet
  'take-within', // take if no more than `withinHours` late, else skip
  'same-day', // take if still the scheduled calendar day, else skip
  'before-next', // take if the next dose is at least `minBeforeNextHours` away, else skip
  'as-soon-as-remembered', // take until the next dose is due, then skip
  'next-morning-weekly', // weekly bisphosphonate: the morning after, never two in one day
  'monthly-bisphosphonate', // monthly: next morning if the next dose is more than `minDaysToNext` days away
  'next-morning-daily', // daily bisphosphonate: leave it out, the next morning's tablet as usual, never two in a day
  'take-within-days', // weekly injection: take within `takeWithinDays` days (elapsed) after it was due, else skip
  'contact-after-days', // take within `takeWithinDays` calendar days, later contact the prescriber
  'pill-combined', // NHS combined-pill rules
  'pill-progestogen', // NHS progestogen-only-pill rules (late threshold per pill)
  'interval-min-gap', // take now, keep at least `minGapHours` before the next dose
  'follow-plan', // no safe automatic answer
  'skip', // always skip, take the next at the usual time
  'contact', // always contact the prescriber (regimen `missed: { advice }`)
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface RuleParams {
  withinHours?: number;
  withinFractionOfInterval?: number; // take-within: also no later than this fraction of the interval to the next dose
  withinExclusive?: boolean; // take-within: exactly `withinHours` late is already too late ("18 hours or more: do not take")
  sameDay?: boolean; // take-within: also require the same calendar day
  minBeforeNextHours?: number;
  minBeforeNextExclusive?: boolean; // before-next: exactly `minBeforeNextHours` before the next dose is already too close
  contactAfterConsecutive?: number; // this many or more missed in a row: contact
  contactWho?: string;
  catchUpSameDay?: boolean; // same-day: the label allows catching up the daily total (rivaroxaban 15 mg BID)
  dailyTotalMg?: number;
  unitMg?: number;
  minDaysToNext?: number;
  takeWithinDays?: number;
  missedAfterHours?: number; // pill-combined: a pill is "missed" when more than this late
  extraContraceptionDays?: number;
  extraWhenMissed?: number; // pill-combined: extra contraception from this many missed pills
  lateThresholdHours?: number; // pill-progestogen
  extraContraceptionHours?: number;
  minGapHours?: number;
  plan?: string; // follow-plan: whose plan
  advice?: string; // contact: the user's own text
  graceHours?: number;
  skipAtFractionOfInterval?: number;
  note?: string; // said with the advice: why this branch was chosen
}

/** Conditions on the schedule or strength; every given one must hold. */
export interface RuleWhen {
  timesPerDay?: number; // doses per day of a daily schedule (every 12 h counts as 2)
  daily?: boolean; // true: any schedule of one or more doses every day (every 12 h, 3 times a day...), nothing sparser
  maxGapHours?: number; // the missed dose's next dose is at most this many hours later (a label window written for daily dosing does not answer the dose before a break)
  intervalDays?: [number, number]; // elapsed days from the missed dose to the next one, inclusive range
  doseMg?: number; // strength x units per dose
  maxDoseMg?: number; // holds when the strength is unknown
}

export interface RuleSource {
  title: string;
  publisher: string;
  url?: string;
  note?: string;
}

export interface RuleVariant {
  id: string;
  when: RuleWhen;
  kind: RuleKind;
  params: RuleParams;
  summary?: string;
  source?: RuleSource; // when the variant has its own source (otherwise the rule's)
}

export interface MissedRule {
  id: string;
  ingredients: string[];
  brands: string[];
  words?: string[]; // generic words (e.g. "insulin"): used only when no ingredient or brand matched
  excludeWith?: string[]; // the rule does not apply when the medication also names one of these
  group?: string; // rules of one group combine: a product matching several gets the strictest (antiretrovirals)
  fallback?: boolean; // in a group: used only when no other rule of the group decides
  kind?: RuleKind; // used when no variant matches; without it, an unmatched rule does not apply
  params?: RuleParams;
  variants?: RuleVariant[];
  summary: string;
  source: RuleSource;
}

export interface GeneralRule {
  id: string;
  summary: string;
  params: { graceHours: number; skipAtFractionOfInterval: number };
  source: RuleSource;
}

export interface MissedRulesFile {
  schemaVersion: 1;
  disclaimer: string;
  general: GeneralRule;
  rules: MissedRule[];
}

export const missedRules = data as unknown as MissedRulesFile;
export const DISCLAIMER = missedRules.disclaimer;
export const GENERAL_RULE = missedRules.general;

/** "Publisher: Title (url)" for output and JSON. */
export function sourceReference(s: RuleSource): string {
  return `${s.publisher}: ${s.title}${s.url ? ` (${s.url})` : ''}`;
}

/** Lower case, every run of non-letters/digits one space, padded: " eliquis apixaban ". */
function normalize(text: string): string {
  return ` ${text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

// The bundled terms, normalized once.
const normalizedTerms = new Map<string, string>();
function term(t: string): string {
  let n = normalizedTerms.get(t);
  if (n === undefined) normalizedTerms.set(t, (n = normalize(t)));
  return n;
}
const has = (haystack: string, t: string) => haystack.includes(term(t));

export interface MedNames {
  id: string;
  name?: string;
  ingredients?: string[];
}

export interface RuleMatch {
  rule: MissedRule;
  term: string; // the ingredient, brand or word that matched
  generic: boolean; // matched only through a generic word
}

/**
 * The bundled rule for a medication. When several rules match (a combination
 * product), an ingredient or brand match beats a generic word, then the rule
 * listed first in the data file wins (the file lists the cautious rule first).
 */
const matches = new WeakMap<MedNames, RuleMatch | null>();

/** The bundled rule for a medication, by ingredient, brand or generic word (remembered per medication object). */
export function findRuleMatch(med: MedNames): RuleMatch | undefined {
  let m = matches.get(med);
  if (m === undefined) matches.set(med, (m = matchRule(med) ?? null));
  return m ?? undefined;
}

function medText(med: MedNames): string {
  return [med.id, med.name ?? '', ...(med.ingredients ?? [])].map(normalize).join('|');
}

function matchRule(med: MedNames): RuleMatch | undefined {
  const named = findRuleMatches(med)[0];
  if (named) return named;
  const text = medText(med);
  for (const rule of missedRules.rules) {
    if (rule.excludeWith?.some((t) => has(text, t))) continue;
    const w = rule.words?.find((t) => has(text, t));
    if (w) return { rule, term: w, generic: true };
  }
  return undefined;
}

/**
 * Every bundled rule that names the medication by ingredient or brand, in file
 * order (a combination product names several), remembered per medication object.
 * Generic words are not used here.
 */
const allMatches = new WeakMap<MedNames, RuleMatch[]>();

export function findRuleMatches(med: MedNames): RuleMatch[] {
  let m = allMatches.get(med);
  if (m === undefined) allMatches.set(med, (m = matchAll(med)));
  return m;
}

function matchAll(med: MedNames): RuleMatch[] {
  const text = medText(med);
  const out: RuleMatch[] = [];
  for (const rule of missedRules.rules) {
    if (rule.excludeWith?.some((t) => has(text, t))) continue;
    const t = [...rule.ingredients, ...rule.brands].find((x) => has(text, x));
    if (t) out.push({ rule, term: t, generic: false });
  }
  return out;
}

export function findRule(med: MedNames): MissedRule | undefined {
  return findRuleMatch(med)?.rule;
}

