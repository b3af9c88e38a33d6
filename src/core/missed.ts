/**
 * Missed-dose advice: for every missed dose that still matters now, one action
 * (take-now, take-next-morning, skip, contact-prescriber, follow-plan), the
 * rule that decided it and where that rule comes from (docs/missed-doses.md).
 *
 * Which rule decides, first match wins:
 *   1. the medication's own `missed:` instruction in the regimen file;
 *   2. the bundled rule for the drug (src/data/missed-rules.json), recognised by ingredient or brand;
 *   3. the file-wide default `settings.missed`;
 *   4. the general rule (UK SPS): up to 2 h late take it; otherwise take it unless
 *      half the interval to the next dose has passed (the halfway rule), then skip.
 *
 * Pure: the regimen, `now` and the patient's Clock are passed in.
 * Nothing here is medical advice; see DISCLAIMER.
 */
import type { DayNum, Medication, Millis, MissedInstruction, Phase, Regimen } from '../model/types.js';
import { Clock, DAY, HOUR, MINUTE, formatDay, weekday } from '../time/time.js';
import { assessMedication, windowOf, type DoseState, type Window } from './doses.js';
import { nextDoseAfter } from './schedule.js';
import { trackingStart as trackingStartOf } from './tracking.js';
import {
  DISCLAIMER,
  GENERAL_RULE,
  findRuleMatch,
  findRuleMatches,
  missedRules,
  sourceReference,
  type MissedRule,
  type RuleKind,
  type RuleParams,
  type RuleWhen,
} from '../data/drugs.js';

export { DISCLAIMER };

export type MissedAction = 'take-now' | 'take-next-morning' | 'skip' | 'contact-prescriber' | 'follow-plan';

export interface MissedRuleRef {
  source: 'regimen' | 'builtin' | 'general';
  id: string; // "warfarin", "rivaroxaban-15mg-twice-daily", "regimen:metformin", "regimen:settings", "general"
  reference: string; // where the rule comes from: a cited source, or the key in the regimen file
  kind: RuleKind | 'general' | 'strictest';
  summary: string;
}

export interface MissedAdvice {
  med: string;
  name: string;
  slot: string; // the missed dose's slot, local "YYYY-MM-DDTHH:MM"
  scheduledAt: Millis;
  lateMs: number; // now - scheduledAt
  action: MissedAction;
  takeAt?: Millis; // take-next-morning: when to take it
  takeBy?: Millis; // until when taking it is still right (take-now, take-next-morning)
  nextDoseAt?: Millis; // when the next dose is (moved later only by a minimum-gap rule)
  message: string; // one plain sentence or two, in the patient's local time
  caution: string; // the never-double sentence, or the cited exception to it
  warnings: string[]; // extra contraception, emergency contraception, waking hours, the user's own note...
  rule: MissedRuleRef;
  covers?: string[]; // other missed slots this advice also answers (two tablets at once)
}

export const NEVER_DOUBLE =
  'Never take a double dose to make up for a missed one unless your prescriber said so; check the leaflet or ask your pharmacist.';

/** How far back doses are assessed: consecutive misses, weekly and monthly doses. */
export const LOOKBACK_DAYS = 40;

/** Advice the user must act on (the CLI exits 1). */
export function needsAttention(a: Pick<MissedAdvice, 'action'>): boolean {
  return a.action === 'take-now' || a.action === 'take-next-morning' || a.action === 'contact-prescriber';
}

// ---------------------------------------------------------------------------
// Which rule decides

export interface Decider {
  kind: RuleKind | 'general' | 'strictest';
  params: RuleParams;
  ref: MissedRuleRef;
  notes: string[]; // the user's own advice text when it accompanies another instruction
  parts?: Decider[]; // strictest: the rules of a combination product's ingredients, the strictest answer wins
  group?: string; // strictest: the rules' group ("antiretroviral", "anticoagulant", "glp1")
}

export interface Facts {
  timesPerDay?: number;
  intervalDays?: number;
  doseMg?: number;
}

// A number ("2.5", "2,5", "1,000") and a mass unit, anywhere in the text: "Xarelto 2.5 mg", "2,5mg", "2.5 milligrams".
// A comma before exactly three digits is a thousands separator only after a leading 1-9: "0,350 mg" is a decimal comma.
const STRENGTH_RE = /(?<![\d.,])([1-9]\d{0,2}(?:,\d{3})+(?![\d,])|\d+(?:[.,]\d+)?)\s*(mg|milligrams?|mcg|micrograms?|\u00b5g|ug|g|grams?)(?![a-z])/gi;

const HAS_STRENGTH = new RegExp(STRENGTH_RE.source, 'i');

function toMg(num: string, unit: string): number {
  // "1,000" is a thousands separator; "2,5" a decimal comma.
  const n = /^[1-9]\d{0,2}(?:,\d{3})+$/.test(num) ? +num.replace(/,/g, '') : +num.replace(',', '.');
  const u = unit.toLowerCase();
  if (u === 'mg' || u.startsWith('milligram')) return n;
  if (u === 'g' || u.startsWith('gram')) return n * 1000;
  return n / 1000;
}

/**
 * Milligrams per unit from one text ("15 mg", "Xarelto 2,5 mg", "350 micrograms", "0.5 g");
 * undefined when it names no strength, several, or a concentration or combination
 * ("5 mg/5 mL", "50 mg/200 mg/25 mg"), which do not say how much one unit holds.
 */
export function strengthMg(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const found = [...text.matchAll(STRENGTH_RE)];
  if (found.length !== 1) return undefined;
  const m = found[0]!;
  const before = text.slice(0, m.index).trimEnd();
  const after = text.slice(m.index! + m[0].length).trimStart();
  if (before.endsWith('/') || after.startsWith('/')) return undefined;
  // A number right after another ("1 000 mg", "Noriday 28 350 micrograms"): a space as thousands separator or a
  // pack size; either way not one amount per unit that meds can be sure of.
  if (/\d[\s\u00a0\u202f]+$/.test(text.slice(0, m.index))) return undefined;
  return toMg(m[1]!, m[2]!);
}

/**
 * The strength per unit wherever the file gives it: `strength`, the `name`, the
 * `ingredients`. Undefined when none says, or when two places disagree: a rule
 * that depends on the strength must then take its safer branch.
 */
export function medStrengthMg(med: Pick<Medication, 'strength' | 'name' | 'ingredients'>): number | undefined {
  const values = new Set<number>();
  for (const t of [med.strength, med.name, ...(med.ingredients ?? [])]) {
    if (!t) continue;
    const v = strengthMg(t);
    if (v !== undefined) values.add(v);
    else if (HAS_STRENGTH.test(t)) return undefined; // a strength we cannot read as one amount per unit
  }
  return values.size === 1 ? [...values][0] : undefined;
}

/** Doses per day of a daily-type phase (every 12 h counts as 2); undefined for weekly, monthly or as-needed. */
export function timesPerDay(p: Phase | undefined): number | undefined {
  if (!p || p.asNeeded) return undefined;
  if (p.everyMs !== undefined) return DAY / p.everyMs;
  if (p.times.length === 0 || p.days || p.monthDays) return undefined;
  if (p.everyDays !== undefined && p.everyDays !== 1) return undefined;
  return p.times.length;
}

function whenHolds(w: RuleWhen, f: Facts): boolean {
  if (w.timesPerDay !== undefined && f.timesPerDay !== w.timesPerDay) return false;
  if (w.daily && !(f.timesPerDay !== undefined && f.timesPerDay >= 1)) return false;
  if (w.maxGapHours !== undefined && f.intervalDays !== undefined && f.intervalDays * 24 > w.maxGapHours) return false;
  if (w.intervalDays && (f.intervalDays === undefined || f.intervalDays < w.intervalDays[0] || f.intervalDays > w.intervalDays[1])) return false;
  if (w.doseMg !== undefined && (f.doseMg === undefined || Math.abs(f.doseMg - w.doseMg) > 1e-9)) return false;
  if (w.maxDoseMg !== undefined && f.doseMg !== undefined && f.doseMg > w.maxDoseMg) return false;
  return true;
}

function describeInstruction(mi: MissedInstruction): string {
  if (mi.action === 'skip') return 'Always skip a missed dose; take the next one at the usual time.';
  const parts: string[] = [];
  if (mi.takeWithinMs !== undefined) parts.push(`take it if no more than ${hoursText(mi.takeWithinMs)} late`);
  if (mi.sameDay) parts.push('take it if it is still the same calendar day');
  if (parts.length) return `${cap(parts.join(' and '))}; otherwise skip it.${mi.advice ? ` Note: ${mi.advice}` : ''}`;
  return `Contact your prescriber: ${mi.advice ?? ''}`;
}

function fromInstruction(mi: MissedInstruction | undefined, id: string, reference: string): Decider | undefined {
  if (!mi) return undefined;
  const params: RuleParams = {};
  let kind: RuleKind;
  if (mi.action === 'skip') kind = 'skip';
  else if (mi.takeWithinMs !== undefined) {
    kind = 'take-within';
    params.withinHours = mi.takeWithinMs / HOUR;
    params.sameDay = mi.sameDay === true;
  } else if (mi.sameDay) kind = 'same-day';
  else if (mi.advice) {
    kind = 'contact';
    params.advice = mi.advice;
  } else return undefined;
  const notes = mi.advice && kind !== 'contact' ? [mi.advice] : [];
  return { kind, params, notes, ref: { source: 'regimen', id, reference, kind, summary: describeInstruction(mi) } };
}

function generalDecider(): Decider {
  return {
    kind: 'general',
    params: GENERAL_RULE.params,
    notes: [],
    ref: { source: 'general', id: GENERAL_RULE.id, reference: sourceReference(GENERAL_RULE.source), kind: 'general', summary: GENERAL_RULE.summary },
  };
}

/** A bundled rule's answer for these facts: the first variant whose `when` holds, else the rule's own kind, else none. */
function ruleDecider(r: MissedRule, facts: Facts): Decider | undefined {
  const v = r.variants?.find((x) => whenHolds(x.when, facts));
  if (v) {
    const reference = sourceReference(v.source ?? r.source);
    return { kind: v.kind, params: v.params, notes: [], ref: { source: 'builtin', id: v.id, reference, kind: v.kind, summary: v.summary ?? r.summary } };
  }
  if (r.kind) return { kind: r.kind, params: r.params ?? {}, notes: [], ref: { source: 'builtin', id: r.id, reference: sourceReference(r.source), kind: r.kind, summary: r.summary } };
  return undefined;
}

/**
 * Rules of one group (antiretrovirals; anticoagulants and weekly GLP-1 RAs, where
 * a name naming two can only be a mistake or a note such as "switched from warfarin")
 * combine: a medication recognised by several of them gets every answer, and the
 * strictest decides (a product containing rilpivirine never gets more than
 * rilpivirine's 12 hours; "Pradaxa, not Coumadin" once daily never gets warfarin's take-now). The group's fallback rule decides only when no
 * rule with a label window applies to this schedule.
 */
function groupDecider(med: Medication, group: string, facts: Facts): Decider | undefined {
  const rules = findRuleMatches(med).map((m) => m.rule).filter((r) => r.group === group);
  const windowed = rules.filter((r) => !r.fallback).map((r) => ruleDecider(r, facts)).filter((d): d is Decider => d !== undefined);
  if (windowed.length === 0) {
    // The group's fallback, even when the product names none of its ingredients ("Biktarvy" twice daily).
    const fb = missedRules.rules.find((r) => r.group === group && r.fallback);
    return fb ? ruleDecider(fb, facts) : undefined;
  }
  if (windowed.length === 1) return windowed[0];
  const names = windowed.map((d) => d.ref.id).join(', ');
  return {
    kind: 'strictest',
    params: {},
    notes: [],
    parts: windowed,
    group,
    ref: { source: 'builtin', id: names, reference: windowed.map((d) => d.ref.reference).join('; '), kind: 'strictest', summary: `The strictest of: ${names}.` },
  };
}

/** The rule that decides for one missed dose (first match wins; see the file comment). */
export function resolveRule(regimen: Regimen, med: Medication, facts: Facts): Decider {
  const own = fromInstruction(med.missed, `regimen:${med.id}`, `regimen file: medications[${med.index}].missed (${med.id})`);
  if (own) return own;
  const match = findRuleMatch(med);
  if (match) {
    const d = match.rule.group && !match.generic ? groupDecider(med, match.rule.group, facts) : ruleDecider(match.rule, facts);
    if (d) return d;
  }
  const file = fromInstruction(regimen.settings.missed, 'regimen:settings', 'regimen file: settings.missed');
  if (file) return file;
  return generalDecider();
}

// ---------------------------------------------------------------------------
// Wording (patient's local time)

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function hoursText(ms: number): string {
  const h = ms / HOUR;
  if (h >= 48 && h % 24 === 0) return `${h / 24} days`;
  return `${Number.isInteger(h) ? h : +h.toFixed(2)} hour${h === 1 ? '' : 's'}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class Words {
  constructor(
    private readonly clock: Clock,
    private readonly today: DayNum,
  ) {}

  /** "18:00", "08:00 tomorrow", "06:30 on Sunday", "06:30 on 2026-04-05". */
  time(t: Millis): string {
    const day = this.clock.dayOf(t);
    const hm = this.clock.formatTime(t);
    const diff = day - this.today;
    if (diff === 0) return hm;
    if (diff === 1) return `${hm} tomorrow`;
    if (diff === -1) return `${hm} yesterday`;
    if (Math.abs(diff) < 7) return `${hm} on ${WEEKDAYS[weekday(day)]}`;
    return `${hm} on ${formatDay(day)}`;
  }

  /** "your 08:00 metformin", "yesterday's 21:00 metformin", "Sunday's 06:30 alendronate". */
  dose(t: Millis, name: string): string {
    const day = this.clock.dayOf(t);
    const hm = this.clock.formatTime(t);
    const diff = this.today - day;
    if (diff === 0) return `your ${hm} ${name}`;
    if (diff === 1) return `yesterday's ${hm} ${name}`;
    if (diff > 1 && diff < 7) return `${WEEKDAYS[weekday(day)]}'s ${hm} ${name}`;
    return `the ${name} dose due ${formatDay(day)} ${hm}`;
  }

  next(t: Millis | undefined, what = 'dose'): string {
    return t === undefined ? `there is no further ${what} scheduled` : `your next ${what} is at ${this.time(t)} as usual`;
  }
}

// ---------------------------------------------------------------------------
// Evaluating one missed dose

interface Ctx {
  regimen: Regimen;
  med: Medication;
  name: string;
  clock: Clock;
  now: Millis;
  today: DayNum;
  w: Window;
  doses: DoseState[]; // assessed, sorted
  i: number;
  d: DoseState;
  trackingStart: Millis; // doses before recording began (core/tracking.ts) are not counted in runs of misses
  words: Words;
}

type Outcome = Omit<MissedAdvice, 'med' | 'name' | 'slot' | 'scheduledAt' | 'lateMs' | 'rule' | 'caution' | 'warnings'> & {
  caution?: string;
  warnings?: string[];
  decidedBy?: Decider; // strictest: the part whose answer was chosen
};

const untaken = (x: DoseState) => x.status === 'missed' || x.status === 'skipped';
const answered = (x: DoseState) => x.status === 'taken' || x.status === 'skipped';
const minDef = (...xs: (Millis | undefined)[]) => Math.min(...xs.filter((x): x is Millis => x !== undefined));

/** Indices of the consecutive doses not taken (missed or skipped) ending at `i`, oldest first. */
function runEndingAt(ctx: Ctx, i: number): number[] {
  const out = [i];
  for (let j = i - 1; j >= 0; j--) {
    const x = ctx.doses[j]!;
    if (!untaken(x) || x.at < ctx.trackingStart) break;
    out.unshift(j);
  }
  return out;
}

/** The first scheduled dose strictly after `t`. */
function nextAfter(ctx: Ctx, t: Millis): Millis | undefined {
  for (const x of ctx.doses) if (x.at > t) return x.at;
  const last = ctx.doses[ctx.doses.length - 1];
  if (last && last.at <= t && last.nextAt !== undefined && last.nextAt > t) return last.nextAt;
  return nextDoseAfter(ctx.med, t, ctx.clock)?.at;
}

/** The dose `n` places after dose `i`. */
function nthNextAt(ctx: Ctx, i: number, n: number): Millis | undefined {
  let t: Millis | undefined = ctx.doses[i]!.at;
  for (let k = 0; k < n && t !== undefined; k++) t = k === 0 && ctx.doses[i]!.nextAt !== undefined ? ctx.doses[i]!.nextAt : nextAfter(ctx, t);
  return t;
}

/** The next dose still to be taken after dose `i` (not yet answered, window open or ahead). */
function nextPending(ctx: Ctx, i: number): Millis | undefined {
  for (let j = i + 1; j < ctx.doses.length; j++) {
    const x = ctx.doses[j]!;
    if (x.status === 'due' || x.status === 'upcoming') return x.at;
  }
  const last = ctx.doses[ctx.doses.length - 1]!;
  return nextAfter(ctx, Math.max(ctx.now, last.at));
}

/** By default a missed dose matters until its next dose comes, and not once a later dose was taken or skipped. */
function mattersByDefault(ctx: Ctx): boolean {
  const { d, now } = ctx;
  if (now >= (d.nextAt ?? d.at + DAY)) return false;
  for (let j = ctx.i + 1; j < ctx.doses.length; j++) if (answered(ctx.doses[j]!)) return false;
  return true;
}

/**
 * A combination product: every part's answer, and the strictest wins (a skip
 * beats any take-now; among take-now, the earliest takeBy).
 */
function strictest(ctx: Ctx, dec: Decider): Outcome | undefined {
  let best: { o: Outcome; part: Decider; score: number } | undefined;
  for (const part of dec.parts ?? []) {
    const o = evaluate(ctx, part);
    if (!o) continue;
    const score = o.action === 'take-now' ? (o.takeBy ?? Infinity) : -Infinity;
    if (!best || score < best.score) best = { o, part, score };
  }
  if (!best) return undefined;
  const others = (dec.parts ?? []).filter((x) => x !== best!.part).map((x) => x.ref.id);
  const ids = [best.part.ref.id, ...others].join(', ');
  const why =
    dec.group === 'antiretroviral'
      ? `This product contains more than one antiretroviral with its own label window (${ids}); meds applies the strictest, here ${best.part.ref.id}: ${best.part.ref.summary}`
      : `This medication's name or ingredients name more than one medicine with its own missed-dose rule (${ids}), so meds cannot tell which it is and applies the strictest, here ${best.part.ref.id}: ${best.part.ref.summary} Write one medicine per entry, or check the name.`;
  return { ...best.o, decidedBy: best.part, warnings: [...(best.o.warnings ?? []), why] };
}

function evaluate(ctx: Ctx, dec: Decider): Outcome | undefined {
  switch (dec.kind) {
    case 'strictest':
      return strictest(ctx, dec);
    case 'pill-combined':
      return pillCombined(ctx, dec.params);
    case 'pill-progestogen':
      return pillProgestogen(ctx, dec.params);
    case 'same-day':
      if (dec.params.catchUpSameDay) return sameDayCatchUp(ctx, dec.params);
  }
  if (!mattersByDefault(ctx)) return undefined;
  const { d, now, words, name, clock } = ctx;
  const p = dec.params;
  const late = now - d.at;
  const next = d.nextAt;
  const dose = words.dose(d.at, name);
  const take = (takeBy: Millis | undefined, extra = ''): Outcome => ({
    action: 'take-now',
    takeBy,
    nextDoseAt: next,
    message: `Take ${dose} now${extra}; ${words.next(next)}.`,
  });
  const skip = (why = ''): Outcome => ({
    action: 'skip',
    nextDoseAt: next,
    message: `Skip ${dose}${why}; ${next === undefined ? 'there is no further dose scheduled' : `take the next dose at ${words.time(next)} as usual`}.`,
  });

  if (p.contactAfterConsecutive !== undefined) {
    const run = runEndingAt(ctx, ctx.i);
    if (run.length >= p.contactAfterConsecutive) {
      const who = p.contactWho ?? 'your prescriber';
      return {
        action: 'contact-prescriber',
        nextDoseAt: next,
        message: `Contact ${who} now: ${run.length} ${name} doses in a row have been missed (since ${words.time(ctx.doses[run[0]!]!.at)}). Do not make up the missed doses; ask what to take next.`,
      };
    }
  }

  switch (dec.kind) {
    case 'general':
    case 'general-leaflet': {
      const grace = (p.graceHours ?? GENERAL_RULE.params.graceHours) * HOUR;
      const frac = p.skipAtFractionOfInterval ?? GENERAL_RULE.params.skipAtFractionOfInterval;
      if (next === undefined) return take(d.at + DAY);
      const half = (next - d.at) * frac;
      const takeBy = Math.min(d.at + Math.max(grace, half), next);
      if (late <= grace || late < half) return take(takeBy);
      return skip(`: it is nearly time for the next one`);
    }
    case 'take-within': {
      let within = p.withinHours !== undefined ? p.withinHours * HOUR : Infinity;
      if (p.withinFractionOfInterval !== undefined && next !== undefined) within = Math.min(within, (next - d.at) * p.withinFractionOfInterval);
      if (within === Infinity) within = 0;
      const dayEnd = clock.startOfDay(d.day + 1);
      const inTime = p.withinExclusive ? late < within : late <= within;
      const ok = inTime && (!p.sameDay || now < dayEnd);
      if (ok) return take(minDef(d.at + within - (p.withinExclusive ? MINUTE : 0), p.sameDay ? dayEnd : undefined, next));
      return skip(`: it is ${p.withinExclusive ? '' : 'more than '}${hoursText(within)}${p.withinExclusive ? ' or more' : ''} late${p.sameDay && inTime ? ' and no longer the same day' : ''}`);
    }
    case 'same-day': {
      const dayEnd = clock.startOfDay(d.day + 1);
      const gap = p.minBeforeNextHours !== undefined ? p.minBeforeNextHours * HOUR : undefined;
      if (now >= dayEnd) return skip(': it is no longer the day it was due');
      if (gap !== undefined && next !== undefined && now > next - gap) return skip(`: your next dose is less than ${hoursText(gap)} away`);
      // A dose due just after midnight makes "the same day" end minutes before the next dose: once that next dose
      // is inside its own on-time window, taking both would be a double dose, which every label forbids.
      const nextDue = next !== undefined ? next - ctx.w.earlyMs : undefined;
      if (nextDue !== undefined && now >= nextDue) return skip(': your next dose is already due; take only that one, never two together');
      return take(minDef(dayEnd, next, gap !== undefined && next !== undefined ? next - gap : undefined, nextDue !== undefined ? nextDue - MINUTE : undefined));
    }
    case 'before-next': {
      const gap = (p.minBeforeNextHours ?? 0) * HOUR;
      if (next === undefined) return take(undefined);
      // "Unless the next dose is due within 4 hours": exactly 4 hours before it is already too close.
      const cut = p.minBeforeNextExclusive ? next - gap - MINUTE : next - gap;
      if (now <= cut) return take(cut);
      return skip(`: your next dose is ${p.minBeforeNextExclusive ? '' : 'less than '}${hoursText(gap)}${p.minBeforeNextExclusive ? ' or less' : ''} away`);
    }
    case 'as-soon-as-remembered': {
      if (next === undefined) return take(d.at + DAY);
      const cut = next - ctx.w.earlyMs;
      if (now < cut) return take(cut);
      return skip(': your next dose is already due; take only that one');
    }
    case 'next-morning-weekly':
    case 'monthly-bisphosphonate': {
      const nextDay = next === undefined ? undefined : clock.dayOf(next);
      const tomorrow = ctx.today + 1;
      const ok =
        dec.kind === 'next-morning-weekly'
          ? nextDay === undefined || tomorrow < nextDay
          : nextDay === undefined || nextDay - ctx.today > (p.minDaysToNext ?? 7);
      if (!ok) {
        const why =
          dec.kind === 'next-morning-weekly'
            ? ': taking it tomorrow morning would mean two tablets on the same day'
            : `: your next dose is only ${plural(nextDay! - ctx.today, 'day')} away`;
        return { ...skip(why), warnings: ['Never take two tablets on the same day.'] };
      }
      const takeAt = clock.toInstant(tomorrow, d.minute);
      const back = next === undefined ? '' : `, then go back to your usual day (next dose at ${words.time(next)})`;
      return {
        action: 'take-next-morning',
        takeAt,
        takeBy: takeAt + ctx.w.lateMs,
        nextDoseAt: next,
        message: `Take ${dose} tomorrow morning at ${clock.formatTime(takeAt)} instead, the usual way${back}.`,
        warnings: ['Never take two tablets on the same day.'],
      };
    }
    case 'next-morning-daily':
      return {
        ...skip(''),
        message: `Leave out ${dose}: take the next tablet ${next === undefined ? 'the next morning' : `at ${words.time(next)}`} as usual, first thing in the morning before food, drink or other medicines.`,
        warnings: ['Never take two tablets on the same day, and never take it later in the day.'],
      };
    case 'take-within-days': {
      // Days are elapsed time; the label's least gap between two doses still holds when the week holds a DST change.
      const within = (p.takeWithinDays ?? 0) * DAY;
      const gap = p.minBeforeNextHours !== undefined ? p.minBeforeNextHours * HOUR : undefined;
      if (late > within) return skip(`: it is more than ${plural(p.takeWithinDays ?? 0, 'day')} late`);
      if (gap !== undefined && next !== undefined && now > next - gap) return skip(`: your next dose is less than ${hoursText(gap)} away`);
      return take(minDef(d.at + within, next, gap !== undefined && next !== undefined ? next - gap : undefined));
    }
    case 'contact-after-days': {
      const within = p.takeWithinDays ?? 2;
      const daysLate = ctx.today - d.day;
      if (daysLate <= within) return take(minDef(clock.startOfDay(d.day + within + 1), next), ' and keep your usual day');
      return {
        action: 'contact-prescriber',
        nextDoseAt: next,
        message: `Do not take ${dose} now: it is ${plural(daysLate, 'day')} late. Contact ${p.contactWho ?? 'your prescriber'} for what to do.`,
      };
    }
    case 'interval-min-gap':
      return minGap(ctx, p, dose, next);
    case 'follow-plan':
      return {
        action: 'follow-plan',
        nextDoseAt: next,
        message: `Follow ${p.plan ?? 'your own plan'} for ${dose}; meds has no safe automatic answer for it.`,
      };
    case 'skip':
      return skip();
    case 'contact':
      return {
        action: 'contact-prescriber',
        nextDoseAt: next,
        message: `About ${dose}: ${p.advice ?? 'contact your prescriber'}.`.replace(/\.\.$/, '.'),
      };
    default:
      return undefined;
  }
}

/**
 * Rivaroxaban 15 mg twice daily (label): take the missed dose on the same day to
 * reach 30 mg; two 15 mg tablets may be taken at once. The dose matters until the
 * end of its day (or until the next dose, if later); a later dose taken does not end it.
 */
function sameDayCatchUp(ctx: Ctx, p: RuleParams): Outcome | undefined {
  const { d, now, words, name, clock } = ctx;
  const dayEnd = clock.startOfDay(d.day + 1);
  if (now >= Math.max(d.nextAt ?? 0, dayEnd)) return undefined;
  const unit = p.unitMg ?? 15;
  const total = p.dailyTotalMg ?? 2 * unit;
  const dose = words.dose(d.at, name);
  if (now >= dayEnd) {
    return {
      action: 'skip',
      nextDoseAt: d.nextAt,
      message: `Skip ${dose}: it is no longer the day it was due; take the next dose at ${words.time(d.nextAt!)} as usual.`,
    };
  }
  const e = ctx.doses[ctx.i + 1];
  const sameDayNext = e && e.day === d.day ? e : undefined;
  const exception = `Never take a double dose to make up unless your prescriber said so or, as here, the label allows it (two ${unit} mg tablets at once, only to reach ${total} mg on the same day); check the leaflet or ask your pharmacist.`;
  if (sameDayNext && (sameDayNext.status === 'due' || sameDayNext.status === 'missed')) {
    const after = nextAfter(ctx, sameDayNext.at);
    return {
      action: 'take-now',
      takeBy: dayEnd,
      nextDoseAt: after,
      covers: [sameDayNext.slot],
      message: `Take two ${unit} mg tablets now, ${dose.replace(/^your /, 'the ')} and the ${clock.formatTime(sameDayNext.at)} dose together, so you get ${total} mg today; ${words.next(after)}, one tablet twice daily.`,
      caution: exception,
    };
  }
  if (sameDayNext && sameDayNext.status === 'taken') {
    const after = nextAfter(ctx, sameDayNext.at);
    return {
      action: 'take-now',
      takeBy: dayEnd,
      nextDoseAt: after,
      message: `Take ${dose} now, even though you took the ${clock.formatTime(sameDayNext.at)} dose, so you get ${total} mg today; ${words.next(after)}.`,
      caution: exception,
    };
  }
  const next = sameDayNext?.at ?? d.nextAt;
  return { action: 'take-now', takeBy: dayEnd, nextDoseAt: next, message: `Take ${dose} now; ${words.next(next)}.` };
}

/** The patient's waking hours from the routine (`wake` and `bed`), when both are given. */
function wakingHours(regimen: Regimen): { wake: number; bed: number } | undefined {
  const r = regimen.patient.routine ?? {};
  const wake = r.wake ?? r.waking ?? r.wakeup;
  const bed = r.bed ?? r.bedtime ?? r.sleep;
  return wake !== undefined && bed !== undefined && wake !== bed ? { wake, bed } : undefined;
}

/** The first waking moment at or after `t` (t itself when awake, or when waking hours are unknown). */
function awakeFrom(ctx: Ctx, t: Millis): Millis {
  const h = wakingHours(ctx.regimen);
  if (!h) return t;
  const { day, minute } = ctx.clock.toLocal(t);
  const awake = h.wake < h.bed ? minute >= h.wake && minute < h.bed : minute >= h.wake || minute < h.bed;
  if (awake) return t;
  return ctx.clock.toInstant(minute >= h.wake ? day + 1 : day, h.wake);
}

/**
 * Insulin degludec (label): inject the missed dose during waking hours when it is
 * discovered, then go back to the usual time, always at least `minGapHours` between
 * injections. When the usual next injection would come too soon, it moves to the
 * first waking moment at least the gap after this one; the one after is at the usual time.
 */
function minGap(ctx: Ctx, p: RuleParams, dose: string, next: Millis | undefined): Outcome {
  const { now, words, clock } = ctx;
  const gap = (p.minGapHours ?? 8) * HOUR;
  const hours = wakingHours(ctx.regimen);
  const warnings = hours ? [] : ['Inject it during waking hours (add wake and bed times to your routine and meds will say when).'];
  const injectAt = awakeFrom(ctx, now);
  if (next !== undefined && injectAt >= next) {
    // Asleep until after the usual time: the usual injection is the one to take.
    return { action: 'skip', nextDoseAt: next, message: `Skip ${dose}: inject the next dose at ${words.time(next)} as usual.`, warnings };
  }
  const when = injectAt > now ? `when you wake up at ${words.time(injectAt)}` : 'now';
  const action: MissedAction = injectAt > now ? 'take-next-morning' : 'take-now';
  const base = { action, ...(injectAt > now ? { takeAt: injectAt } : {}), warnings };
  if (next !== undefined && next - injectAt < gap) {
    const moved = awakeFrom(ctx, injectAt + gap);
    const after = nextAfter(ctx, next);
    return {
      ...base,
      takeBy: next,
      nextDoseAt: moved,
      message: `Inject ${dose} ${when}; keep at least ${hoursText(gap)} before the next injection, so take the next one at ${words.time(moved)} instead of ${words.time(next)}${after === undefined ? '' : `, then go back to your usual time (${clock.formatTime(after)})`}.`,
    };
  }
  return { ...base, takeBy: next, nextDoseAt: next, message: `Inject ${dose} ${when} (at least ${hoursText(gap)} before the next injection); ${words.next(next)}.` };
}

function lastMissedIndex(ctx: Ctx): number {
  for (let j = ctx.doses.length - 1; j >= 0; j--) if (ctx.doses[j]!.status === 'missed') return j;
  return -1;
}

/** Pill number in the pack (1-based) of dose `j`, when the schedule has a cycle. */
function packPosition(ctx: Ctx, j: number): { n: number; on: number; off: number } | undefined {
  const x = ctx.doses[j]!;
  const phase = ctx.med.phases.find((p) => p.index === x.phase);
  if (!phase?.cycle || phase.from === undefined) return undefined;
  const len = phase.cycle.on + phase.cycle.off;
  return { n: ((((x.day - phase.from) % len) + len) % len) + 1, on: phase.cycle.on, off: phase.cycle.off };
}

/**
 * Where in the pack the missed pills were: from EVERY missed pill, not only the
 * last (two missed across the pill-free break are a week-1 miss as well as a
 * week-3 one).
 */
function packWarnings(ctx: Ctx, missed: number[]): string[] {
  const pos = missed.map((j) => packPosition(ctx, j));
  if (pos.length && pos.every((x) => x !== undefined)) {
    const out: string[] = [];
    const ps = pos as { n: number; on: number; off: number }[];
    if (ps.some((x) => x.n <= 7))
      out.push(
        'Pills were missed in the first week of the pack: if you had unprotected sex in the pill-free break or the last 7 days, you may need emergency contraception; ask a pharmacist or doctor now.',
      );
    const late = ps.find((x) => x.on - x.n < 7);
    if (late) out.push(`Fewer than 7 pills are left in this pack: finish it and start the next pack the next day, without the ${plural(late.off, 'day')} break.`);
    return out;
  }
  return [
    'If the pills were missed in the first week of a pack and you had unprotected sex in the pill-free break or the last 7 days, you may need emergency contraception; ask a pharmacist or doctor.',
    'If fewer than 7 active pills are left in the pack, finish them and start the next pack without a break.',
  ];
}

const TWO_PILLS = 'Taking two pills in one day is part of the NHS missed-pill advice; otherwise never take a double dose unless your prescriber said so. Check the leaflet or ask your pharmacist.';

/**
 * Combined pill (NHS): a pill is missed when more than 24 h late. One advice, for
 * the most recent pill not taken: take it now (the last pill missed), leave every
 * earlier one, take the next at the usual time: never more than two pills in one
 * day. Two or more missed: 7 days of extra contraception, and the pack position
 * of every missed pill decides the week-1 and week-3 warnings. The advice matters
 * until the second pill after the most recent one comes.
 */
function pillCombined(ctx: Ctx, p: RuleParams): Outcome | undefined {
  const L = lastMissedIndex(ctx);
  if (L < 0 || ctx.i !== L) return undefined;
  const until = nthNextAt(ctx, L, 2);
  if (until !== undefined && ctx.now >= until) return undefined;
  const thr = (p.missedAfterHours ?? 24) * HOUR;
  const run = runEndingAt(ctx, L);
  const missed = run.filter((j) => ctx.now - ctx.doses[j]!.at > thr);
  const { words, clock } = ctx;
  const next = nextPending(ctx, L);
  const nextText = next === undefined ? '' : `; take the next one at ${words.time(next)} as usual, even if that means two pills in one day`;
  const days = p.extraContraceptionDays ?? 7;
  const warnings: string[] = [];
  if (missed.length >= (p.extraWhenMissed ?? 2)) warnings.push(`Use extra contraception, such as condoms, for the next ${days} days.`, ...packWarnings(ctx, missed));
  else warnings.push('You are still protected; no extra contraception is needed.');
  const earlier = run.length - 1;
  const leave = earlier > 0 ? `; leave out the ${plural(earlier, 'earlier pill')} you missed` : '';
  const pill = words.dose(ctx.d.at, 'pill');
  if (ctx.now - ctx.d.at <= thr) {
    return {
      action: 'take-now',
      takeBy: ctx.d.at + thr,
      nextDoseAt: next,
      message: `Take ${pill} now: it is less than 24 hours late${leave}${nextText}.`,
      caution: TWO_PILLS,
      warnings,
    };
  }
  return {
    action: 'take-now',
    takeBy: until,
    nextDoseAt: next,
    message: `Take the last pill you missed (${clock.formatTime(ctx.d.at)}, ${formatDay(ctx.d.day)}) now, even if that means two pills in one day${leave}${nextText}; carry on with the pack as usual.`,
    caution: TWO_PILLS,
    warnings,
  };
}

/**
 * Progestogen-only pill (NHS): within the pill's late threshold (3 h traditional,
 * 12 h desogestrel) take it now and you are protected; later, take one pill now
 * (only one), the next at the usual time, and use extra contraception for 48 hours.
 */
function pillProgestogen(ctx: Ctx, p: RuleParams): Outcome | undefined {
  const L = lastMissedIndex(ctx);
  if (L !== ctx.i) return undefined;
  const until = nthNextAt(ctx, L, 2);
  if (until !== undefined && ctx.now >= until) return undefined;
  const thr = (p.lateThresholdHours ?? 3) * HOUR;
  const run = runEndingAt(ctx, L);
  const { words } = ctx;
  const next = nextPending(ctx, L);
  const pill = words.dose(ctx.d.at, 'pill');
  if (run.length === 1 && ctx.now - ctx.d.at <= thr) {
    return {
      action: 'take-now',
      takeBy: ctx.d.at + thr,
      nextDoseAt: next,
      message: `Take ${pill} now: it is less than ${hoursText(thr)} late, so you are still protected; ${words.next(next, 'pill')}.`,
    };
  }
  const h = p.extraContraceptionHours ?? 48;
  const more = run.length > 1 ? ` (you have missed ${run.length}; take only one)` : '';
  return {
    action: 'take-now',
    takeBy: until,
    nextDoseAt: next,
    message: `Take one pill now${more}; take the next one at ${next === undefined ? 'the usual time' : words.time(next)} as usual, even if that means two pills in one day.`,
    caution: TWO_PILLS,
    warnings: [
      `Use extra contraception, such as condoms, for the next ${h / 24} days (${h} hours) after taking this pill, or do not have sex.`,
      'If you had unprotected sex since the pill was due, you may need emergency contraception; ask a pharmacist or doctor.',
    ],
  };
}

// ---------------------------------------------------------------------------
// Public API

function factsFor(med: Medication, doses: DoseState[], i: number): Facts {
  const d = doses[i]!;
  const prev = doses[i - 1];
  const interval = d.nextAt !== undefined ? d.nextAt - d.at : prev ? d.at - prev.at : undefined;
  const mg = medStrengthMg(med);
  return {
    timesPerDay: timesPerDay(med.phases.find((p) => p.index === d.phase)),
    intervalDays: interval === undefined ? undefined : interval / DAY,
    doseMg: mg === undefined ? undefined : mg * d.dose,
  };
}

/**
 * How late a dose may be before its rule stops treating it as on time (Infinity: the rule sets no limit inside the
 * on-time window; same-day rules are handled by `sameDayBound`).
 */
function ruleLimitMs(dec: Decider, doses: DoseState[], i: number): number {
  const d = doses[i]!;
  const p = dec.params;
  const interval = d.nextAt !== undefined ? d.nextAt - d.at : undefined;
  switch (dec.kind) {
    case 'strictest':
      return Math.min(...(dec.parts ?? []).map((x) => ruleLimitMs(x, doses, i)));
    case 'pill-progestogen':
      return (p.lateThresholdHours ?? 3) * HOUR;
    case 'pill-combined':
      return (p.missedAfterHours ?? 24) * HOUR;
    case 'take-within': {
      let within = p.withinHours !== undefined ? p.withinHours * HOUR : Infinity;
      if (p.withinFractionOfInterval !== undefined && interval !== undefined) within = Math.min(within, interval * p.withinFractionOfInterval);
      return p.withinExclusive ? within - 1 : within;
    }
    case 'before-next':
      return interval === undefined ? Infinity : interval - (p.minBeforeNextHours ?? 0) * HOUR;
    case 'general':
    case 'general-leaflet':
      // Skip when later than the grace and at least half the interval late.
      return interval === undefined
        ? Infinity
        : Math.max((p.graceHours ?? GENERAL_RULE.params.graceHours) * HOUR, interval * (p.skipAtFractionOfInterval ?? GENERAL_RULE.params.skipAtFractionOfInterval) - 1);
    default:
      return Infinity;
  }
}

/** Rules whose answer ends with the dose's calendar day (same-day, or take-within with `sameDay`). */
function sameDayBound(dec: Decider): boolean {
  if (dec.kind === 'same-day') return true;
  if (dec.kind === 'take-within' && dec.params.sameDay) return true;
  return dec.kind === 'strictest' && (dec.parts ?? []).some(sameDayBound);
}

/**
 * Was the medication stopped (`meds stop`) after the dose at `at` and by `now`? Then that dose gets no
 * advice: a stopped medicine is never to be taken now.
 */
function stoppedSince(med: Medication, at: Millis, now: Millis, clock: Clock): boolean {
  const s = med.stopped;
  if (!s) return false;
  const stop = clock.toInstant(s.day, s.minute);
  return stop <= now && at < stop;
}

/** Advice for every missed dose of one medication that still matters at `now`, oldest first. */
export function adviseMedication(regimen: Regimen, med: Medication, now: Millis, clock: Clock): MissedAdvice[] {
  const w = windowOf(regimen.settings);
  const today = clock.dayOf(now);
  const entries = regimen.log.filter((e) => e.med === med.id);
  const assessed = assessMedication(med, entries, today - LOOKBACK_DAYS, today, now, clock, w).doses;
  // A dose still inside the on-time window (settings.window.late) but later than its rule allows is missed for that
  // rule: a traditional progestogen-only pill 3.5 hours late under a 4-hour window needs the 48 hours of extra
  // contraception, not "due". The user's window never widens a label's limit.
  const doses = assessed.map((d, i) =>
    d.status === 'due' && d.at < now && now - d.at > ruleLimitMs(resolveRule(regimen, med, factsFor(med, assessed, i)), assessed, i)
      ? { ...d, status: 'missed' as const }
      : d,
  );
  const name = med.name ?? med.id;
  const words = new Words(clock, today);
  const trackingStart = trackingStartOf(regimen, med, clock);
  const out: MissedAdvice[] = [];
  for (let i = 0; i < doses.length; i++) {
    const d = doses[i]!;
    // A dose still inside its on-time window after midnight is, for a same-day rule, a dose of a day that is over:
    // the window never overrides the rule (warfarin at 23:00, remembered at 00:30: leave it out).
    const pastItsDay = d.status === 'due' && d.day < today;
    if ((d.status !== 'missed' && !pastItsDay) || stoppedSince(med, d.at, now, clock)) continue;
    const dec = resolveRule(regimen, med, factsFor(med, doses, i));
    if (pastItsDay && !sameDayBound(dec)) continue;
    const ctx: Ctx = { regimen, med, name, clock, now, today, w, doses, i, d, trackingStart, words };
    const o = evaluate(ctx, dec);
    if (!o) continue;
    const { decidedBy, ...rest } = o;
    const by = decidedBy ?? dec;
    out.push({
      med: med.id,
      name,
      slot: d.slot,
      scheduledAt: d.at,
      lateMs: now - d.at,
      ...rest,
      caution: o.caution ?? NEVER_DOUBLE,
      warnings: [...(o.warnings ?? []), ...(by.params.note ? [by.params.note] : []), ...dec.notes],
      rule: by.ref,
    });
  }
  const covered = new Set(out.flatMap((a) => a.covers ?? []));
  return out.filter((a) => !covered.has(a.slot));
}

/**
 * `meds missed [<med>]`: every missed dose that still matters now, with one action each.
 * A missed dose matters until the medication's next dose comes (or a later dose is
 * taken), except where a rule says otherwise (pills, rivaroxaban 15 mg twice daily).
 */
export function adviseMissed(regimen: Regimen, now: Millis, clock: Clock, opts: { med?: Medication } = {}): MissedAdvice[] {
  const meds = opts.med !== undefined ? [opts.med] : regimen.medications;
  return meds.flatMap((m) => adviseMedication(regimen, m, now, clock)).sort((a, b) => a.scheduledAt - b.scheduledAt || a.med.localeCompare(b.med));
}

/**
 * Advice for one missed dose (for `meds today`), or undefined when its moment has
 * passed: show it as missed, without advice. A dose answered by another dose's
 * advice (two tablets at once) returns that advice.
 */
export function adviceForDose(regimen: Regimen, med: Medication, dose: Pick<DoseState, 'slot'>, now: Millis, clock: Clock): MissedAdvice | undefined {
  return adviseMedication(regimen, med, now, clock).find((a) => a.slot === dose.slot || a.covers?.includes(dose.slot));
}

// ---------------------------------------------------------------------------
// Patterns

export type PartOfDay = 'morning' | 'midday' | 'evening' | 'night';

/** Parts of the day by the scheduled local time: morning 05:00-10:59, midday 11:00-16:59, evening 17:00-21:59, night 22:00-04:59. */
export function partOfDay(minute: number): PartOfDay {
  if (minute >= 300 && minute < 660) return 'morning';
  if (minute >= 660 && minute < 1020) return 'midday';
  if (minute >= 1020 && minute < 1320) return 'evening';
  return 'night';
}

export interface MissedPattern {
  med: string; // "*" for all medications together
  name: string;
  total: number; // doses whose time has passed (taken, skipped or missed)
  taken: number;
  skipped: number;
  missed: number;
  byPart: Record<PartOfDay, number>; // missed doses by part of the day
  byWeekday: number[]; // missed doses by weekday, 0 = Sunday
  clusters: string[]; // "8 of 10 missed doses were evening doses."
  sentence: string;
}

const PART_RANGE: Record<PartOfDay, string> = { morning: '05:00-10:59', midday: '11:00-16:59', evening: '17:00-21:59', night: '22:00-04:59' };

function pattern(med: string, name: string, doses: DoseState[]): MissedPattern {
  const past = doses.filter((d) => d.status === 'taken' || d.status === 'skipped' || d.status === 'missed');
  const missed = past.filter((d) => d.status === 'missed');
  const byPart: Record<PartOfDay, number> = { morning: 0, midday: 0, evening: 0, night: 0 };
  const byWeekday = [0, 0, 0, 0, 0, 0, 0];
  for (const d of missed) {
    byPart[partOfDay(d.minute)]++;
    byWeekday[weekday(d.day)]!++;
  }
  const clusters: string[] = [];
  const m = missed.length;
  if (m >= 3) {
    const parts = new Set(past.map((d) => partOfDay(d.minute)));
    const [topPart, topN] = (Object.entries(byPart) as [PartOfDay, number][]).reduce((a, b) => (b[1] > a[1] ? b : a));
    if (parts.size > 1 && topN / m >= 0.6) clusters.push(`${topN} of ${m} missed doses were ${topPart} doses (${PART_RANGE[topPart]}).`);
    const days = new Set(past.map((d) => weekday(d.day)));
    let wd = 0;
    for (let k = 1; k < 7; k++) if (byWeekday[k]! > byWeekday[wd]!) wd = k;
    const onDay = past.filter((d) => weekday(d.day) === wd).length;
    const wn = byWeekday[wd]!;
    if (days.size >= 3 && wn >= 3 && wn / m >= 0.4 && wn / onDay >= (2 * m) / past.length)
      clusters.push(`${wn} of ${m} missed doses were on ${WEEKDAYS[wd]}s.`);
  }
  let sentence: string;
  if (past.length === 0) sentence = `${name}: no scheduled doses in this period.`;
  else if (m === 0) sentence = `${name}: no missed doses (${plural(past.length, 'dose')}).`;
  else sentence = `${name}: missed ${m} of ${past.length} doses (${Math.round((100 * m) / past.length)}%).${clusters.length ? ' ' + clusters.join(' ') : ''}`;
  return {
    med,
    name,
    total: past.length,
    taken: past.filter((d) => d.status === 'taken').length,
    skipped: past.filter((d) => d.status === 'skipped').length,
    missed: m,
    byPart,
    byWeekday,
    clusters,
    sentence,
  };
}

/** `meds missed --days N`: how many doses of each medication were missed on local days [fromDay, toDay], and when they cluster. */
export function missedPatterns(
  regimen: Regimen,
  fromDay: DayNum,
  toDay: DayNum,
  now: Millis,
  clock: Clock,
): { meds: MissedPattern[]; overall: MissedPattern } {
  const w = windowOf(regimen.settings);
  const all: DoseState[] = [];
  const meds = regimen.medications.map((med) => {
    const { doses } = assessMedication(med, regimen.log.filter((e) => e.med === med.id), fromDay, toDay, now, clock, w);
    for (const d of doses) all.push(d); // (a spread of a long array overflows the call stack)
    return pattern(med.id, med.name ?? med.id, doses);
  });
  return { meds, overall: pattern('*', 'All medications', all) };
}
