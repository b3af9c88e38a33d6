/** Helpers for the missed-dose tests: a fixed zone per test, regimens built directly. */
import { expect } from 'vitest';
import type { LogEntry, Medication, MissedInstruction, Phase, Regimen, Settings } from '../../src/model/types.js';
import { Clock, HOUR, parseDay, parseHM } from '../../src/time/time.js';
import { adviseMissed, type MissedAdvice } from '../../src/core/missed.js';
import { findMed } from '../../src/cli/find.js';


export const NY = new Clock('America/New_York');
export const LON = new Clock('Europe/London');

export interface MedSpec {
  id: string;
  name?: string;
  strength?: string;
  ingredients?: string[];
  times?: string[];
  everyHours?: number;
  from?: string; // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"
  days?: number[];
  monthDays?: number[];
  cycle?: { on: number; off: number };
  dose?: number;
  missed?: MissedInstruction;
}

let medIndex = 0;
export function med(o: MedSpec): Medication {
  const from = o.from ?? '2026-01-01';
  const phase: Phase = {
    index: 0,
    from: parseDay(from.slice(0, 10)),
    fromMinute: from.length > 10 ? parseHM(from.slice(11)) : undefined,
    dose: o.dose ?? 1,
    asNeeded: false,
    times: (o.times ?? []).map((t) => ({ minute: parseHM(t)!, label: t })),
    days: o.days,
    monthDays: o.monthDays,
    cycle: o.cycle,
    everyMs: o.everyHours !== undefined ? o.everyHours * HOUR : undefined,
  };
  return { id: o.id, name: o.name, strength: o.strength, ingredients: o.ingredients, unit: 'tablet', phases: [phase], missed: o.missed, index: medIndex++ };
}

export function regimen(clock: Clock, meds: Medication[], log: LogEntry[] = [], settings: Partial<Settings> = {}): Regimen {
  return {
    version: 1,
    patient: { timezone: clock.zoneName, allergies: [], conditions: [], routine: {} },
    settings: { earlyMs: HOUR, lateMs: 2 * HOUR, ...settings },
    medications: meds,
    log: log.map((e, index) => ({ ...e, index })),
  };
}

/** A taken (or skipped) log entry at a local time, answering a slot. */
export function entry(clock: Clock, medId: string, at: string, forSlot: string, status: 'taken' | 'skipped' = 'taken'): LogEntry {
  return { at: clock.parse(at)!, atText: at, med: medId, for: forSlot, status, index: 0 };
}

export const at = (clock: Clock, local: string) => clock.parse(local)!;

export function advise(r: Regimen, clock: Clock, now: number, medId?: string): MissedAdvice[] {
  return adviseMissed(r, now, clock, medId === undefined ? {} : { med: findMed(r, medId) });
}

/** The single advice for a medication (fails when there is not exactly one). */
export function only(r: Regimen, clock: Clock, now: number, medId: string): MissedAdvice {
  const list = advise(r, clock, now, medId);
  expect(list, `advice for ${medId}`).toHaveLength(1);
  return list[0]!;
}

