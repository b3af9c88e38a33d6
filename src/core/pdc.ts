/**
 * Proportion of Days Covered (PDC), the refill-based adherence measure of the
 * Pharmacy Quality Alliance (PQA) used by CMS Part D Star Ratings
 * (domain.md §5; docs/adherence.md):
 *
 * - the period starts at the first fill inside [fromDay, toDay] (the index date)
 *   and ends at toDay; fills dated before fromDay neither set the index nor
 *   cover days (PQA counts only claims in the measurement period);
 * - each fill covers `daysSupply` days from its date;
 * - a fill of the same medication while earlier supply remains starts the day
 *   after that supply ends (carry-over); fills of different medications are
 *   not shifted: a day covered by either counts once;
 * - days past toDay are not counted;
 * - PDC = covered days / days from the index date to toDay (inclusive).
 *
 * Pure numbers: days are day numbers; no clock is needed once a fill's days
 * supply is known.
 */
import type { DayNum, Medication, Settings } from '../model/types.js';
import type { Clock } from './time.js';
import { daysSupplyFor } from './supply.js';
import thresholds from '../data/adherence-thresholds.json' with { type: 'json' };

export interface FillSpan {
  med: string;
  date: DayNum;
  daysSupply: number;
}

export interface PdcResult {
  pdc: number | null; // null when no fill falls inside the period
  coveredDays: number;
  periodDays: number; // index date .. toDay, inclusive (0 without fills)
  indexDay?: DayNum; // the first fill inside the period
}

/**
 * PDC of `fills` over [fromDay, toDay] (PQA rule above).
 *
 * Pass one medication's fills for that medication's PDC. Passing the fills of
 * several medications computes the PQA *class* ("any drug of the class")
 * variant: each medication's fills are carried over separately, and a day is
 * covered when any of them covers it. (A measure that needs *all* of several
 * drugs on a day, such as concomitant-use measures, would intersect the
 * per-drug coverage instead; that is not this function.)
 */
export function pdc(fills: readonly FillSpan[], fromDay: DayNum, toDay: DayNum): PdcResult {
  const inPeriod = fills.filter((f) => f.date >= fromDay && f.date <= toDay && f.daysSupply > 0);
  if (inPeriod.length === 0 || toDay < fromDay) return { pdc: null, coveredDays: 0, periodDays: 0 };
  let indexDay = Infinity;
  for (const f of inPeriod) indexDay = Math.min(indexDay, f.date);
  const periodDays = toDay - indexDay + 1;
  const covered = new Uint8Array(periodDays);

  // Group by medication, keeping the input order among fills of the same day.
  const byMed = new Map<string, FillSpan[]>();
  for (const f of inPeriod) {
    let list = byMed.get(f.med);
    if (!list) byMed.set(f.med, (list = []));
    list.push(f);
  }
  for (const list of byMed.values()) {
    const sorted = list.map((f, i) => ({ f, i })).sort((a, b) => a.f.date - b.f.date || a.i - b.i);
    let nextFree = -Infinity; // the day after this medication's supply ends
    for (const { f } of sorted) {
      const start = Math.max(f.date, nextFree);
      const end = start + Math.floor(f.daysSupply) - 1; // last covered day
      nextFree = end + 1;
      for (let d = Math.max(start, indexDay); d <= Math.min(end, toDay); d++) covered[d - indexDay] = 1;
      if (start > toDay) break; // later fills start later still
    }
  }
  let coveredDays = 0;
  for (let i = 0; i < periodDays; i++) coveredDays += covered[i]!;
  return { pdc: coveredDays / periodDays, coveredDays, periodDays, indexDay };
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

/** One medication's PDC over [fromDay, toDay] from its recorded fills. */
export function medicationPdc(med: Medication, fromDay: DayNum, toDay: DayNum, clock: Clock): PdcResult {
  return pdc(fillSpans(med, clock), fromDay, toDay);
}

interface ThresholdClass {
  class: string;
  threshold: number;
  ingredients: string[];
}

const CLASSES: ThresholdClass[] = thresholds.classes;
const INGREDIENT_CLASS = new Map<string, ThresholdClass>();
for (const c of CLASSES) for (const i of c.ingredients) INGREDIENT_CLASS.set(i.toLowerCase(), c);

/** The PDC class a medication belongs to (by ingredient, else by a word of its id or name), if any. */
export function pdcClassOf(med: Pick<Medication, 'id' | 'name' | 'ingredients'>): string | undefined {
  const words = new Set<string>();
  for (const i of med.ingredients ?? []) {
    words.add(i.toLowerCase().trim());
    for (const w of i.toLowerCase().split(/[^a-z]+/)) if (w) words.add(w);
  }
  for (const text of [med.id, med.name ?? '']) for (const w of text.toLowerCase().split(/[^a-z]+/)) if (w) words.add(w);
  for (const w of words) {
    const c = INGREDIENT_CLASS.get(w);
    if (c) return c.class;
  }
  return undefined;
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
