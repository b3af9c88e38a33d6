/**
 * Proportion of Days Covered (PDC), the refill-based adherence measure of the
 * Pharmacy Quality Alliance (PQA) used by CMS Part D Star Ratings
 * (docs/adherence.md has the rules and their sources). Two numbers:
 *
 * - **PQA's PDC**, where the period qualifies as PQA's measure requires: at
 *   least two fills on different dates inside the period, and the index date
 *   (the first of them) at least 91 days before the period's end. The
 *   treatment period runs from the index date to the end. PQA: "The index date
 *   should occur at least 91 days before the end of the enrollment period";
 *   the eligible population "filled at least two prescriptions ... on two
 *   unique dates of service" (PQA technical specifications, 2015).
 * - **The proportion of days covered for the requested period**, always (when
 *   any fill is known by then): from the later of the period's start, the
 *   medication's first day in force and its first recorded fill, to the end.
 *
 * For both, the end is the earlier of the period's end and the medication's
 * last day in force (days after a stop are in no denominator), and coverage
 * comes from every fill, those before the period too: each fill covers
 * `daysSupply` days from its date; a fill of the same medication while earlier
 * supply remains starts the day after that supply ends (carry-over, PQA's rule
 * for overlapping fills); so supply carried into the period counts, and a gap
 * between its end and the next fill stays uncovered. Fills of different
 * medications are not shifted: a day covered by either counts once.
 *
 * Pure numbers: days are day numbers; no clock is needed once a fill's days
 * supply is known.
 */
import type { DayNum, Medication, Settings } from '../model/types.js';
import type { Clock } from '../time/time.js';
import { daysSupplyFor } from './supply.js';
import { findRuleMatch } from '../data/drugs.js';
import thresholds from '../data/adherence-thresholds.json' with { type: 'json' };

export interface FillSpan {
  med: string;
  date: DayNum;
  daysSupply: number;
}

/** PQA's minimum days from the index date to the end of the period (see above). */
export const PQA_MIN_INDEX_DAYS = 91;

/** Why PQA's measure does not apply to a period. */
export type PdcIneligible = 'no-fill' | 'one-fill-date' | 'index-too-late';

/** The proportion of days covered for the requested period (not PQA's PDC). */
export interface PeriodCoverage {
  from: DayNum;
  to: DayNum;
  days: number; // from..to inclusive
  coveredDays: number;
  proportion: number;
}

export interface PdcResult {
  pdc: number | null; // PQA's PDC; null where the period does not qualify (`ineligible` says why)
  coveredDays: number; // of PQA's treatment period (0 without one)
  periodDays: number; // index date .. end, inclusive (0 without one)
  indexDay?: DayNum; // the first fill inside the period
  ineligible?: PdcIneligible;
  period: PeriodCoverage | null; // null when no fill is dated on or before the end
}

/** The days a medication was in force, to bound the denominators (a stop ends them). */
export interface InForce {
  first?: DayNum;
  last?: DayNum;
}

/**
 * PQA's PDC and the period's proportion of days covered, from `fills` over
 * [fromDay, toDay] (rules above). Pass one medication's fills for that
 * medication; passing several medications' fills computes the PQA *class*
 * ("any drug of the class") variant: each medication's fills are carried over
 * separately, and a day is covered when any of them covers it. (A measure that
 * needs *all* of several drugs on a day, such as concomitant use, would
 * intersect the per-drug coverage instead; that is not this function.)
 */
export function pdc(fills: readonly FillSpan[], fromDay: DayNum, toDay: DayNum, inForce: InForce = {}): PdcResult {
  const end = inForce.last !== undefined ? Math.min(toDay, inForce.last) : toDay;
  const usable = fills.filter((f) => f.daysSupply > 0);
  let firstFill = Infinity, indexDay = Infinity;
  const dates = new Set<DayNum>();
  for (const f of usable) {
    firstFill = Math.min(firstFill, f.date);
    if (f.date >= fromDay && f.date <= end) {
      indexDay = Math.min(indexDay, f.date);
      dates.add(f.date);
    }
  }
  const none: PdcResult = { pdc: null, coveredDays: 0, periodDays: 0, ineligible: 'no-fill', period: null };
  if (end < fromDay || firstFill > end) return none;

  const covered = coverage(usable, fromDay, end);
  const count = (a: DayNum, b: DayNum) => {
    let n = 0;
    for (let d = a; d <= b; d++) n += covered[d - fromDay]!;
    return n;
  };
  const periodFrom = Math.max(fromDay, inForce.first ?? fromDay, firstFill);
  let period: PeriodCoverage | null = null;
  if (periodFrom <= end) {
    const days = end - periodFrom + 1;
    const coveredDays = count(periodFrom, end);
    period = { from: periodFrom, to: end, days, coveredDays, proportion: coveredDays / days };
  }
  if (dates.size === 0) return { ...none, period };
  const ineligible: PdcIneligible | undefined = dates.size < 2 ? 'one-fill-date' : end - indexDay < PQA_MIN_INDEX_DAYS ? 'index-too-late' : undefined;
  if (ineligible) return { pdc: null, coveredDays: 0, periodDays: 0, indexDay, ineligible, period };
  const periodDays = end - indexDay + 1;
  const coveredDays = count(indexDay, end);
  return { pdc: coveredDays / periodDays, coveredDays, periodDays, indexDay, period };
}

/**
 * Which days of [from, to] the fills cover (1 = covered, index 0 = from): every fill, each
 * medication's fills carried over in date order (input order among fills of one day).
 */
function coverage(fills: readonly FillSpan[], from: DayNum, to: DayNum): Uint8Array {
  const covered = new Uint8Array(to - from + 1);
  const byMed = new Map<string, FillSpan[]>();
  for (const f of fills) {
    let list = byMed.get(f.med);
    if (!list) byMed.set(f.med, (list = []));
    list.push(f);
  }
  for (const list of byMed.values()) {
    const sorted = list.map((f, i) => ({ f, i })).sort((a, b) => a.f.date - b.f.date || a.i - b.i);
    let nextFree = -Infinity; // the day after this medication's supply ends
    for (const { f } of sorted) {
      const start = Math.max(f.date, nextFree);
      if (start > to) break; // later fills start later still
      const last = start + Math.floor(f.daysSupply) - 1; // last covered day
      nextFree = last + 1;
      for (let d = Math.max(start, from); d <= Math.min(last, to); d++) covered[d - from] = 1;
    }
  }
  return covered;
}

/**
 * A medication's fills as spans: a fill without `daysSupply` gets
 * quantity / daily use of the phase in force on its date (supply.ts,
 * `daysSupplyFor`); a fill whose days supply cannot be known (an as-needed
 * phase without maxPerDay) is left out.
 */
export function fillSpans(med: Medication, clock: Clock): FillSpan[] {
  const out: FillSpan[] = [];
  for (const f of med.supply?.fills ?? []) {
    const ds = f.daysSupply ?? daysSupplyFor(med, f.quantity, clock, f.date);
    if (ds !== undefined && ds > 0) out.push({ med: med.id, date: f.date, daysSupply: ds });
  }
  return out;
}

/** One medication's PDC over [fromDay, toDay] from its recorded fills (`inForce`: see pdc). */
export function medicationPdc(med: Medication, fromDay: DayNum, toDay: DayNum, clock: Clock, inForce: InForce = {}): PdcResult {
  return pdc(fillSpans(med, clock), fromDay, toDay, inForce);
}

interface ThresholdClass {
  class: string;
  threshold: number;
  ingredients: string[];
}

const CLASSES: ThresholdClass[] = thresholds.classes;
const INGREDIENT_CLASS = new Map<string, ThresholdClass>();
for (const c of CLASSES) for (const i of c.ingredients) INGREDIENT_CLASS.set(i.toLowerCase(), c);

/** The class of the first listed ingredient (or a word of one) that has one. */
function classOfWords(texts: readonly string[]): ThresholdClass | undefined {
  const words = new Set<string>();
  for (const text of texts) {
    words.add(text.toLowerCase().trim());
    for (const w of text.toLowerCase().split(/[^a-z]+/)) if (w) words.add(w);
  }
  for (const w of words) {
    const c = INGREDIENT_CLASS.get(w);
    if (c) return c;
  }
  return undefined;
}

/**
 * The PDC class a medication belongs to, if any: by ingredient, or a word of its id or name; else
 * by the drug the bundled drug data recognises it as (a brand such as "Biktarvy" or "Triumeq",
 * data/drugs.ts), through that drug's ingredients.
 */
export function pdcClassOf(med: Pick<Medication, 'id' | 'name' | 'ingredients'>): string | undefined {
  // A pure function of the words: remembered, as a run over many files meets the same medications.
  const key = `${med.id}\u0000${med.name ?? ''}\u0000${(med.ingredients ?? []).join('\u0000')}`;
  if (classMemo.has(key)) return classMemo.get(key);
  const cls = classOfMed(med);
  if (classMemo.size < 4096) classMemo.set(key, cls);
  return cls;
}

const classMemo = new Map<string, string | undefined>();

function classOfMed(med: Pick<Medication, 'id' | 'name' | 'ingredients'>): string | undefined {
  const direct = classOfWords([...(med.ingredients ?? []), med.id, med.name ?? '']);
  if (direct) return direct.class;
  const match = findRuleMatch(med);
  if (!match || match.generic) return undefined;
  return classOfWords(match.rule.ingredients)?.class;
}

/**
 * The PDC at or above which a medication counts as adherent. An explicit
 * threshold (the command's option, else `Settings.pdcThreshold`) wins; else
 * 0.90 for antiretrovirals (PQA PDC-ARV), else 0.80 (PQA PDC).
 */
export function thresholdFor(
  med: Pick<Medication, 'id' | 'name' | 'ingredients'>,
  override?: number | Pick<Settings, 'pdcThreshold'>,
): number {
  const explicit = typeof override === 'number' ? override : override?.pdcThreshold;
  if (explicit !== undefined) return explicit;
  const cls = pdcClassOf(med);
  if (cls !== undefined) return CLASSES.find((c) => c.class === cls)!.threshold;
  return thresholds.default;
}

/** The default threshold (0.80) for dose-level "adherent" when there are no fills. */
export const DEFAULT_THRESHOLD: number = thresholds.default;
