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
import { Clock, DAY, HOUR, formatDay, weekday } from './time.js';
import { assessMedication, windowOf, type DoseState, type Window } from './doses.js';
import { nextDoseAfter } from './schedule.js';
import { findMed } from './find.js';
import { trackingStart as trackingStartOf } from './tracking.js';
import { DISCLAIMER, GENERAL_RULE, findRuleMatch, sourceReference, type RuleKind, type RuleParams, type RuleWhen } from '../data/drugs.js';

export { DISCLAIMER };

export type MissedAction = 'take-now' | 'take-next-morning' | 'skip' | 'contact-prescriber' | 'follow-plan';

export interface MissedRuleRef {
  source: 'regimen' | 'builtin' | 'general';
  id: string; // "warfarin", "rivaroxaban-15mg-twice-daily", "regimen:metformin", "regimen:settings", "general"
  reference: string; // where the rule comes from: a cited source, or the key in the regimen file
  kind: RuleKind | 'general';
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
  kind: RuleKind | 'general';
  params: RuleParams;
  ref: MissedRuleRef;
  notes: string[]; // the user's own advice text when it accompanies another instruction
}

export interface Facts {
  timesPerDay?: number;
  intervalDays?: number;
  doseMg?: number;
}

const STRENGTH_RE = /^\s*(\d+(?:\.\d+)?)\s*(mg|mcg|\u00b5g|ug|micrograms?|g)\b(?!\s*\/)/i;

/** Milligrams per unit from a strength such as "15 mg", "350 micrograms", "0.5 g"; undefined for "5 mg/5 mL". */
export function strengthMg(strength: string | undefined): number | undefined {
  if (!strength || strength.includes('/')) return undefined;
  const m = STRENGTH_RE.exec(strength);
  if (!m) return undefined;
  const n = +m[1]!;
  const u = m[2]!.toLowerCase();
  if (u === 'mg') return n;
  if (u === 'g') return n * 1000;
  return n / 1000;
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

/** The rule that decides for one missed dose (first match wins; see the file comment). */
export function resolveRule(regimen: Regimen, med: Medication, facts: Facts): Decider {
  const own = fromInstruction(med.missed, `regimen:${med.id}`, `regimen file: medications[${med.index}].missed (${med.id})`);
  if (own) return own;
  const match = findRuleMatch(med);
  if (match) {
    const r = match.rule;
    const reference = sourceReference(r.source);
    const v = r.variants?.find((x) => whenHolds(x.when, facts));
    if (v) return { kind: v.kind, params: v.params, notes: [], ref: { source: 'builtin', id: v.id, reference, kind: v.kind, summary: v.summary ?? r.summary } };
    if (r.kind) return { kind: r.kind, params: r.params ?? {}, notes: [], ref: { source: 'builtin', id: r.id, reference, kind: r.kind, summary: r.summary } };
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

function evaluate(ctx: Ctx, dec: Decider): Outcome | undefined {
  switch (dec.kind) {
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
      const within = (p.withinHours ?? 0) * HOUR;
      const dayEnd = clock.startOfDay(d.day + 1);
      const ok = late <= within && (!p.sameDay || now < dayEnd);
      if (ok) return take(minDef(d.at + within, p.sameDay ? dayEnd : undefined, next));
      return skip(`: it is more than ${hoursText(within)} late${p.sameDay && late <= within ? ' and no longer the same day' : ''}`);
    }
    case 'same-day': {
      const dayEnd = clock.startOfDay(d.day + 1);
      const gap = p.minBeforeNextHours !== undefined ? p.minBeforeNextHours * HOUR : undefined;
      if (now >= dayEnd) return skip(': it is no longer the day it was due');
      if (gap !== undefined && next !== undefined && now > next - gap) return skip(`: your next dose is less than ${hoursText(gap)} away`);
      return take(minDef(dayEnd, next, gap !== undefined && next !== undefined ? next - gap : undefined));
    }
    case 'before-next': {
      const gap = (p.minBeforeNextHours ?? 0) * HOUR;
      if (next === undefined) return take(undefined);
      if (now <= next - gap) return take(next - gap);
      return skip(`: your next dose is less than ${hoursText(gap)} away`);
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
    case 'interval-min-gap': {
      const gap = (p.minGapHours ?? 8) * HOUR;
      const warnings = ['Inject it during waking hours.'];
      if (next !== undefined && next - now < gap) {
        const moved = now + gap;
        return {
          action: 'take-now',
          takeBy: next,
          nextDoseAt: moved,
          message: `Inject ${dose} now; keep at least ${hoursText(gap)} before the next injection, so take the next one no earlier than ${words.time(moved)} instead of ${words.time(next)}, then go back to your usual time.`,
          warnings,
        };
      }
      return { ...take(next, ` (at least ${hoursText(gap)} before the next injection)`), warnings };
    }
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

function lastMissedIndex(ctx: Ctx): number {
  for (let j = ctx.doses.length - 1; j >= 0; j--) if (ctx.doses[j]!.status === 'missed') return j;
  return -1;
}

function packWarnings(ctx: Ctx, j: number): string[] {
  const x = ctx.doses[j]!;
  const phase = ctx.med.phases.find((p) => p.index === x.phase);
  if (phase?.cycle && phase.from !== undefined) {
    const len = phase.cycle.on + phase.cycle.off;
    const n = ((((x.day - phase.from) % len) + len) % len) + 1; // pill number in the pack
    const out: string[] = [];
    if (n <= 7)
      out.push(
        'The pills were missed in the first week of the pack: if you had unprotected sex in the pill-free break or the last 7 days, you may need emergency contraception; ask a pharmacist or doctor now.',
      );
    if (phase.cycle.on - n < 7)
      out.push(`Fewer than 7 pills are left in this pack: finish it and start the next pack the next day, without the ${plural(phase.cycle.off, 'day')} break.`);
    return out;
  }
  return [
    'If the pills were missed in the first week of a pack and you had unprotected sex in the last 7 days, you may need emergency contraception; ask a pharmacist or doctor.',
    'If fewer than 7 active pills are left in the pack, finish them and start the next pack without a break.',
  ];
}

const TWO_PILLS = 'Taking two pills in one day is part of the NHS missed-pill advice; otherwise never take a double dose unless your prescriber said so. Check the leaflet or ask your pharmacist.';

/**
 * Combined pill (NHS): a pill is missed when more than 24 h late. Advice goes to the
 * latest pill not taken (take it now) and, when that one is only late, also to the
 * last pill that is truly missed (take it now too, even if two in one day). Earlier
 * missed pills are left out. Two or more missed: 7 days of extra contraception.
 * These pills matter until the second pill after the latest one comes.
 */
function pillCombined(ctx: Ctx, p: RuleParams): Outcome | undefined {
  const L = lastMissedIndex(ctx);
  if (L < 0) return undefined;
  const until = nthNextAt(ctx, L, 2);
  if (until !== undefined && ctx.now >= until) return undefined;
  const thr = (p.missedAfterHours ?? 24) * HOUR;
  const run = runEndingAt(ctx, L);
  const missed = run.filter((j) => ctx.now - ctx.doses[j]!.at > thr);
  const P = missed[missed.length - 1];
  if (ctx.i !== L && ctx.i !== P) return undefined;
  const { words, clock } = ctx;
  const next = nextPending(ctx, L);
  const nextText = next === undefined ? '' : `; take the next one at ${words.time(next)} as usual, even if that means two pills in one day`;
  const days = p.extraContraceptionDays ?? 7;
  const warnings: string[] = [];
  if (missed.length >= (p.extraWhenMissed ?? 2)) {
    warnings.push(`Use extra contraception, such as condoms, for the next ${days} days.`, ...packWarnings(ctx, P!));
  } else warnings.push('You are still protected; no extra contraception is needed.');
  const pill = words.dose(ctx.d.at, 'pill');
  if (ctx.i === L && ctx.now - ctx.d.at <= thr) {
    const also = P !== undefined ? '; also take the last pill you missed, see below' : '';
    return { action: 'take-now', takeBy: ctx.d.at + thr, nextDoseAt: next, message: `Take ${pill} now: it is less than 24 hours late${also}${nextText}.`, caution: TWO_PILLS, warnings };
  }
  const earlier = missed.length - 1;
  const leave = earlier > 0 ? `, and leave out the ${plural(earlier, 'earlier missed pill')}` : '';
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
  const mg = strengthMg(med.strength);
  return {
    timesPerDay: timesPerDay(med.phases.find((p) => p.index === d.phase)),
    intervalDays: interval === undefined ? undefined : interval / DAY,
    doseMg: mg === undefined ? undefined : mg * d.dose,
  };
}


/** Advice for every missed dose of one medication that still matters at `now`, oldest first. */
export function adviseMedication(regimen: Regimen, med: Medication, now: Millis, clock: Clock): MissedAdvice[] {
  const w = windowOf(regimen.settings);
  const today = clock.dayOf(now);
  const entries = regimen.log.filter((e) => e.med === med.id);
  const { doses } = assessMedication(med, entries, today - LOOKBACK_DAYS, today, now, clock, w);
  const name = med.name ?? med.id;
  const words = new Words(clock, today);
  const trackingStart = trackingStartOf(regimen, med, clock);
  const out: MissedAdvice[] = [];
  for (let i = 0; i < doses.length; i++) {
    const d = doses[i]!;
    if (d.status !== 'missed') continue;
    const dec = resolveRule(regimen, med, factsFor(med, doses, i));
    const ctx: Ctx = { regimen, med, name, clock, now, today, w, doses, i, d, trackingStart, words };
    const o = evaluate(ctx, dec);
    if (!o) continue;
    out.push({
      med: med.id,
      name,
      slot: d.slot,
      scheduledAt: d.at,
      lateMs: now - d.at,
      ...o,
      caution: o.caution ?? NEVER_DOUBLE,
      warnings: [...(o.warnings ?? []), ...dec.notes],
      rule: dec.ref,
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
export function adviseMissed(regimen: Regimen, now: Millis, clock: Clock, opts: { med?: string } = {}): MissedAdvice[] {
  const meds = opts.med !== undefined ? [findMed(regimen, opts.med)] : regimen.medications;
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
    all.push(...doses);
    return pattern(med.id, med.name ?? med.id, doses);
  });
  return { meds, overall: pattern('*', 'All medications', all) };
}
