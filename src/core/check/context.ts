/**
 * What every clinical check of one regimen works from: the regimen, the day, each medication's
 * ingredients and classes (matched once), and which medications are in force today.
 */
import type { DayNum, Medication, Millis, Phase, Regimen } from '../../model/types.js';
import type { Clock } from '../../time/time.js';
import { MINUTE } from '../../time/time.js';
import { phaseOn } from '../schedule.js';
import { drugsOf, type CheckRules, type DrugIndex, type MedDrugs } from '../../data/drug-table.js';
import type { UserRules } from './user-rules.js';

/** What the checks know: the drug index (bundled table plus --rules drugs), the rules, the user's own. */
export interface Knowledge {
  index: DrugIndex;
  rules: CheckRules;
  user?: UserRules;
}

export interface ReviewContext {
  regimen: Regimen;
  now: Millis;
  today: DayNum;
  clock: Clock;
  k: Knowledge;
  /** The medications in force today (a phase covers today), with their drugs. */
  active: { med: Medication; phase: Phase; drugs: MedDrugs }[];
}

export function reviewContext(regimen: Regimen, now: Millis, clock: Clock, k: Knowledge): ReviewContext {
  const today = clock.dayOf(now);
  const active: ReviewContext['active'] = [];
  for (const med of regimen.medications) {
    const phase = phaseOn(med, today);
    if (phase) active.push({ med, phase, drugs: drugsOf(med, k.index) });
  }
  return { regimen, now, today, clock, k, active };
}

/** The times of day (minutes) a phase gives doses at, when it repeats daily: clock times, or every N hours that divide a day. */
export function timesOfDay(p: Phase): number[] | undefined {
  if (p.asNeeded) return undefined;
  if (p.everyMs !== undefined) {
    const every = p.everyMs / MINUTE;
    if (!(every > 0) || 1440 % every !== 0 || p.fromMinute === undefined) return undefined;
    const out: number[] = [];
    for (let m = p.fromMinute % every; m < 1440; m += every) out.push(m);
    return out;
  }
  return p.times.length ? p.times.map((t) => t.minute) : undefined;
}

/** Whether two phases can fall on the same day: only weekday lists can tell they never do. */
export function shareDays(a: Phase, b: Phase): boolean {
  if (!a.days || !b.days) return true;
  return a.days.some((d) => b.days!.includes(d));
}

export const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A message template filled: {a} {b} medications, {ta} {tb} times, {meds} all. */
export function fill(template: string, v: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, k: string) => v[k] ?? all);
}

/** A medication as messages name it: its id, and its name when that says more. */
export function label(m: Medication): string {
  return m.name && m.name.toLowerCase() !== m.id.toLowerCase() ? `${m.id} (${m.name})` : m.id;
}
