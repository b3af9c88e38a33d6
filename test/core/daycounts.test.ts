/**
 * creditByDay (adherence's counts from the schedule's pattern) against crediting every dose
 * (credit + countCredited): on random schedules, logs, periods and moments, in zones with
 * daylight-saving changes, it gives the same per-day counts, extras and as-needed doses, or
 * declines (undefined) and leaves the medication to credit().
 */
import { describe, expect, it } from 'vitest';
import { regimen } from '../helpers/regimen.js';
import { columnsOf, credit, rowsByMed, windowOf } from '../../src/core/doses.js';
import { countCredited, creditByDay, newCounts } from '../../src/core/daycounts.js';
import { expandDays } from '../../src/core/schedule.js';
import { Clock, DAY, HOUR, MINUTE, formatDay, parseDay, slotKey } from '../../src/core/time.js';
import type { LogEntry, Regimen } from '../../src/model/types.js';
import { prng } from '../helpers/random.js';

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC', 'Asia/Kolkata'];
// Near the 2026 changes of both hemispheres; 02:30 falls in New York's spring-forward gap.
const BASES = [parseDay('2026-02-20')!, parseDay('2026-09-25')!, parseDay('2026-10-20')!];
const TIMES = ['"00:30"', '"02:30"', '"06:00"', '"08:00"', '"12:15"', '"18:00"', '"21:00"', '"23:45"', 'breakfast', 'bed'];
const pick = <T,>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** One phase as YAML flow text, starting on day `from` (or unbounded before when undefined). */
function phase(rnd: () => number, from: number | undefined): string {
  const kind = rnd();
  const fromText = from === undefined ? undefined : rnd() < 0.3 ? `${formatDay(from)}T${pick(rnd, ['07:00', '13:00', '20:00'])}` : formatDay(from);
  const f: string[] = [];
  if (kind < 0.08) f.push('asNeeded: true');
  else if (kind < 0.25) {
    // Every N hours or minutes: short ones put doses in the repeated hour of a fall-back change.
    // (15.5min and 2.3h put doses off whole minutes, or off whole milliseconds: 2.3 h is 8,279,999.999… ms.)
    f.push(`every: ${pick(rnd, ['30min', '45min', '1h', '8h', '12h', '36h', '15.5min', '2.3h', '90.5min'])}`);
    if (rnd() < 0.3) f.push(`count: ${1 + Math.floor(rnd() * 60)}`);
  }
  else {
    const times = new Set<string>();
    const count = 1 + Math.floor(rnd() * 3);
    while (times.size < count) times.add(pick(rnd, TIMES));
    f.push(`times: [${[...times].join(', ')}]`);
    const filter = rnd();
    if (filter < 0.15) f.push(`days: [${pick(rnd, ['mon', 'sat, sun', 'tue, thu, fri'])}]`);
    else if (filter < 0.25) f.push(`monthDays: [${pick(rnd, ['1', '1, 15', '28, 30, 31'])}]`);
    else if (filter < 0.35) f.push(`every: ${2 + Math.floor(rnd() * 3)}d`);
    else if (filter < 0.45) f.push(`cycle: { on: ${1 + Math.floor(rnd() * 5)}, off: ${Math.floor(rnd() * 3)} }`);
    else if (filter < 0.5) f.push(`count: ${1 + Math.floor(rnd() * 20)}`);
  }
  const needsFrom = f.some((x) => /^(every|cycle|count)/.test(x));
  const start = from ?? (needsFrom ? BASES[0]! - 10 : undefined);
  if (fromText ?? start !== undefined) f.push(`from: ${fromText ?? formatDay(start!)}`);
  if (rnd() < 0.15 && start !== undefined) f.push(`until: ${formatDay(start + 5 + Math.floor(rnd() * 40))}`);
  return `{ ${f.join(', ')} }`;
}

function schedule(rnd: () => number, base: number): string {
  if (rnd() < 0.7) return phase(rnd, rnd() < 0.5 ? undefined : base - Math.floor(rnd() * 20));
  const starts = [base - 15, base + Math.floor(rnd() * 15), base + 15 + Math.floor(rnd() * 15)].slice(0, 2 + Math.floor(rnd() * 2));
  return `[${starts.map((s, i) => phase(rnd, i === 0 && rnd() < 0.5 ? undefined : s)).join(', ')}]`;
}

function entry(over: Partial<LogEntry> & { at: number }, index: number): LogEntry {
  return { atText: '', med: 'm', status: 'taken', index, ...over };
}

/** Entries mostly answering real doses (by their slot), and every kind credit handles otherwise. */
function randomLog(rnd: () => number, r: Regimen, clock: Clock, fromDay: number, toDay: number): LogEntry[] {
  const med = r.medications[0]!;
  const doses = expandDays(med, fromDay - 4, toDay + 10, clock);
  const log: LogEntry[] = [];
  const total = Math.floor(rnd() * Math.min(120, doses.length * 1.3 + 5));
  // In some logs only: entries naming no dose of the schedule (as-needed, or credited by their time).
  const odd = rnd() < 0.25 ? 1 : 0.87;
  for (let i = 0; i < total; i++) {
    const kind = rnd() * odd;
    const d = doses.length ? pick(rnd, doses) : undefined;
    const near = (d?.at ?? (fromDay + rnd() * (toDay - fromDay + 1)) * DAY) + Math.round((rnd() * 8 - 3) * HOUR / MINUTE) * MINUTE;
    const status = rnd() < 0.8 ? 'taken' : 'skipped';
    if (kind < 0.7 && d) log.push(entry({ at: near, for: d.slot, status }, i));
    else if (kind < 0.8 && log.length) log.push({ ...pick(rnd, log), index: i, status }); // answered again: a second take, a skip after a take
    else if (kind < 0.87) log.push(entry({ at: near, extra: true, for: d && rnd() < 0.5 ? d.slot : undefined }, i)); // an extra naming a dose, or none
    else if (kind < 0.93) log.push(entry({ at: near, status }, i)); // no slot: as-needed, or credited by its time
    else if (kind < 0.97) log.push(entry({ at: near, for: slotKey(Math.floor(near / DAY), 7), status }, i)); // a slot the schedule may not have
    else log.push(entry({ at: near, for: slotKey(fromDay - 30 - Math.floor(rnd() * 30), 480), status }, i)); // a dose long before
  }
  return log;
}

describe('creditByDay gives the counts of crediting every dose', () => {
  it('on 1,500 random schedules, logs, periods and moments (or declines, and credit() counts them)', { timeout: 60_000 }, () => {
    const rnd = prng(20261127);
    let compared = 0, declined = 0, invalid = 0, withMissed = 0, withPending = 0, withExtras = 0;
    for (let run = 0; run < 1500; run++) {
      const base = pick(rnd, BASES);
      const zone = pick(rnd, ZONES);
      let r: Regimen;
      try {
        r = regimen(`medications:\n  - { id: m, schedule: ${schedule(rnd, base)} }\n`, zone);
      } catch {
        invalid++; // a combination the schema refuses (e.g. `until` before `from`)
        continue;
      }
      const clock = new Clock(zone);
      const fromDay = base + Math.floor(rnd() * 30);
      const toDay = fromDay + Math.floor(rnd() * 45);
      const now = (fromDay - 1) * DAY + Math.floor(rnd() * (toDay - fromDay + 5) * 96) * 15 * MINUTE;
      const entries = randomLog(rnd, r, clock, fromDay, toDay);
      const med = r.medications[0]!;
      const log = columnsOf(entries, r.medications);
      const rows = rowsByMed(log, 1)[0]!;
      const w = windowOf(r.settings);
      const fast = creditByDay(med, log, rows, fromDay, toDay, now, clock, w, clock.steadyOffsets(fromDay - 2, toDay + 8));
      if (!fast) {
        declined++;
        continue;
      }
      const state = credit(med, log, rows, fromDay, toDay, now, clock, w);
      const want = newCounts(toDay - fromDay + 1);
      countCredited(state, fromDay, want);
      const ctx = `run ${run}: ${zone} ${formatDay(fromDay)}..${formatDay(toDay)} ${JSON.stringify(med.phases)}`;
      expect(fast.counts, ctx).toEqual(want);
      expect(fast.extras, ctx).toEqual(state.extras);
      expect(fast.asNeeded, ctx).toEqual(state.asNeeded);
      compared++;
      if (want.missed.some((x) => x > 0)) withMissed++;
      if (want.pending.some((x) => x > 0)) withPending++;
      if (state.extras.length) withExtras++;
    }
    // Not vacuous: most cases compared, with every kind of count; the others declined.
    expect(compared).toBeGreaterThan(700);
    expect(declined).toBeGreaterThan(50);
    expect(Math.min(withMissed, withPending, withExtras)).toBeGreaterThan(50);
    expect(invalid).toBeLessThan(300);
  });

  it('a phase of hundreds of times a day: an entry names its time, whatever its index (review finding: indexes above 127 wrapped)', () => {
    // A file may hold at most 96 times a day (model/limits.ts); the engine is given 300 directly.
    const r = regimen(`medications:\n  - { id: m, schedule: { times: ["00:00"] } }\n`, 'UTC');
    const med = r.medications[0]!;
    med.phases[0]!.times = Array.from({ length: 300 }, (_, k) => ({ minute: k * 4, label: `${String(Math.floor((k * 4) / 60)).padStart(2, '0')}:${String((k * 4) % 60).padStart(2, '0')}` }));
    const clock = new Clock('UTC');
    const day = parseDay('2026-03-01')!;
    const take = (k: number, i: number, extra?: boolean) => entry({ at: (day * 1440 + k * 4) * MINUTE, for: slotKey(day, k * 4), extra }, i);
    const entries = [take(0, 0), take(127, 1, true), take(256, 2)];
    const log = columnsOf(entries, r.medications);
    const rows = rowsByMed(log, 1)[0]!;
    const w = windowOf(r.settings);
    const fast = creditByDay(med, log, rows, day, day, (day + 3) * DAY, clock, w, clock.steadyOffsets(day - 2, day + 8))!;
    expect(Array.from(fast.counts.taken)).toEqual([3]);
    expect(Array.from(fast.counts.missed)).toEqual([297]);
    expect(fast.extras).toEqual([]);
    const state = credit(med, log, rows, day, day, (day + 3) * DAY, clock, w);
    const want = newCounts(1);
    countCredited(state, day, want);
    expect(fast.counts).toEqual(want);
  });

  it('an `every: 30min` phase across both 2026 changes in New York: every dose found by its slot, the repeated hour\'s second pass too', () => {
    const clock = new Clock('America/New_York');
    const r = regimen('medications:\n  - { id: m, schedule: { every: 30min, from: 2026-01-01T00:00 } }\n');
    const med = r.medications[0]!;
    const w = windowOf(r.settings);
    for (const change of ['2026-03-08', '2026-11-01']) {
      const day = parseDay(change)!;
      const doses = expandDays(med, day - 1, day + 1, clock);
      expect(doses.some((d) => d.slot.length > 16) || change === '2026-03-08').toBe(true); // the fall-back day has fold slots
      // Every dose taken 10 minutes late, one of them twice (an extra), one skipped.
      const entries = doses.map((d, i) => entry({ at: d.at + 10 * MINUTE, for: d.slot, status: i === 7 ? 'skipped' : 'taken' }, i));
      entries.push(entry({ at: doses[5]!.at, for: doses[5]!.slot }, entries.length));
      const log = columnsOf(entries, r.medications);
      const rows = rowsByMed(log, 1)[0]!;
      const now = (day + 2) * DAY;
      const fast = creditByDay(med, log, rows, day - 1, day + 1, now, clock, w, clock.steadyOffsets(day - 3, day + 9));
      expect(fast, change).toBeDefined();
      const state = credit(med, log, rows, day - 1, day + 1, now, clock, w);
      const want = newCounts(3);
      countCredited(state, day - 1, want);
      expect(fast!.counts, change).toEqual(want);
      expect(fast!.extras, change).toEqual([entries.length - 1]);
      expect(Array.from(want.missed), change).toEqual([0, 0, 0]);
    }
  });

  it('an `every: 5h` phase across the day Pacific/Apia skipped (2011-12-30): every dose found by its slot', () => {
    const clock = new Clock('Pacific/Apia');
    const r = regimen('medications:\n  - { id: m, schedule: { every: 5h, from: 2011-12-01T00:00 } }\n', 'Pacific/Apia');
    const med = r.medications[0]!;
    const w = windowOf(r.settings);
    const day = parseDay('2011-12-30')!;
    const doses = expandDays(med, day - 2, day + 2, clock);
    const entries = doses.map((d, i) => entry({ at: d.at + 5 * MINUTE, for: d.slot, extra: i % 2 === 0 }, i));
    const log = columnsOf(entries, r.medications);
    const rows = rowsByMed(log, 1)[0]!;
    const now = (day + 4) * DAY;
    const fast = creditByDay(med, log, rows, day - 2, day + 2, now, clock, w, clock.steadyOffsets(day - 4, day + 10));
    expect(fast).toBeDefined();
    const state = credit(med, log, rows, day - 2, day + 2, now, clock, w);
    const want = newCounts(5);
    countCredited(state, day - 2, want);
    expect(fast!.counts).toEqual(want);
    expect(fast!.extras).toEqual([]);
    expect(Array.from(want.taken).reduce((a, b) => a + b, 0)).toBe(doses.length);
  });

  it('declines a daily phase with `count`, and an entry it would have to credit by its time; counts an `every: Nh` phase', () => {
    const clock = new Clock('America/New_York');
    const day = parseDay('2026-03-01')!;
    const w = { earlyMs: HOUR, lateMs: 2 * HOUR };
    const run = (schedule: string, entries: LogEntry[]) => {
      const r = regimen(`medications:\n  - { id: m, schedule: ${schedule} }\n`);
      const log = columnsOf(entries, r.medications);
      return creditByDay(r.medications[0]!, log, rowsByMed(log, 1)[0]!, day, day + 6, (day + 7) * DAY, clock, w, clock.steadyOffsets(day - 2, day + 14));
    };
    const at = clock.toInstant(day + 1, 8 * 60);
    const every = run('{ every: 8h, from: 2026-02-01T06:00 }', [entry({ at: clock.toInstant(day + 1, 14 * 60), for: slotKey(day + 1, 14 * 60) }, 0)]);
    expect(every && Array.from(every.counts.taken)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    // 06:00, 14:00 and 22:00 each day; at `now` (03-07 19:00 in New York) the last 22:00 is still to come.
    expect(every && Array.from(every.counts.missed)).toEqual([3, 2, 3, 3, 3, 3, 2]);
    expect(every && Array.from(every.counts.pending)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(run('{ times: ["08:00"], count: 5, from: 2026-02-27 }', [])).toBeUndefined();
    expect(run('{ times: ["08:00"] }', [entry({ at }, 0)])).toBeUndefined(); // no slot named
    const counted = run('{ times: ["08:00"] }', [entry({ at, for: slotKey(day + 1, 480) }, 0)]);
    expect(counted && Array.from(counted.counts.taken)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(counted && Array.from(counted.counts.missed)).toEqual([1, 0, 1, 1, 1, 1, 1]);
  });

  it('an `every: Nh` entry whose slot is no dose of the phase on a steady day (the dose after its count, a fold slot where no hour repeats, a minute between doses) is left to credit()', () => {
    const clock = new Clock('America/New_York');
    const day = parseDay('2026-05-04')!; // far from either change: every day steady
    const w = { earlyMs: HOUR, lateMs: 2 * HOUR };
    const now = (day + 7) * DAY;
    const run = (schedule: string, e: LogEntry) => {
      const r = regimen(`medications:\n  - { id: m, schedule: ${schedule} }\n`);
      const log = columnsOf([e], r.medications);
      const rows = rowsByMed(log, 1)[0]!;
      const fast = creditByDay(r.medications[0]!, log, rows, day, day + 6, now, clock, w, clock.steadyOffsets(day - 2, day + 14));
      const state = credit(r.medications[0]!, log, rows, day, day + 6, now, clock, w);
      const want = newCounts(7);
      countCredited(state, day, want);
      return { fast, want };
    };
    // 06:00, 14:00, 22:00 from 05-04: the 3rd dose is 05-04 22:00, the 4th (05-05 06:00) is past the count.
    const counted = '{ every: 8h, count: 3, from: 2026-05-04T06:00 }';
    const named = (minute: number, d = day) => entry({ at: clock.toInstant(d, minute), for: slotKey(d, minute) }, 0);
    expect(run(counted, named(22 * 60)).fast?.counts).toEqual(run(counted, named(22 * 60)).want); // the last dose is one
    expect(run(counted, named(6 * 60, day + 1)).fast).toBeUndefined();
    // A `for:` with an offset is a fold's second pass: on a steady day it names no dose, though 14:00 is one.
    const fold = entry({ at: clock.toInstant(day + 1, 13 * 60 + 40), for: `${slotKey(day + 1, 14 * 60)}-04:00` }, 0);
    const every = '{ every: 8h, from: 2026-05-01T06:00 }';
    expect(run(every, fold).fast).toBeUndefined();
    expect(run(every, named(10 * 60, day + 1)).fast).toBeUndefined();
    for (const e of [named(6 * 60, day + 1), fold, named(10 * 60, day + 1)]) {
      const { fast, want } = run(every, e);
      if (fast) expect(fast.counts).toEqual(want);
    }
  });

  it('an `every` whose doses fall off whole minutes (1.5min, 2.3h) credits the doses entries name, as credit() does (review finding: an extra and an early skip naming such a dose were lost)', () => {
    const clock = new Clock('America/New_York');
    const day = parseDay('2026-05-04')!;
    const w = { earlyMs: HOUR, lateMs: 2 * HOUR };
    const now = (day + 1) * DAY + 16 * HOUR;
    for (const [every, slot] of [['2.3h', 8 * 60 + 18], ['1.5min', 6 * 60 + 1]] as const) {
      // (A file may not say `every: 1.5min`, more than 96 a day: the engine is given it directly.)
      const r = regimen(`medications:\n  - { id: m, schedule: { every: 2.3h, from: 2026-05-04T06:00 } }\n`);
      r.medications[0]!.phases[0]!.everyMs = every === '2.3h' ? 2.3 * HOUR : 1.5 * MINUTE;
      // A take of a dose also marked extra, and a skip recorded a week ahead for another dose.
      const entries = [
        entry({ at: clock.toInstant(day, slot + 2), for: slotKey(day, slot), extra: true }, 0),
        entry({ at: (day - 7) * DAY + 12 * HOUR, for: slotKey(day, every === '2.3h' ? 10 * 60 + 36 : 6 * 60 + 3), status: 'skipped' }, 1),
      ];
      const log = columnsOf(entries, r.medications);
      const rows = rowsByMed(log, 1)[0]!;
      const fast = creditByDay(r.medications[0]!, log, rows, day, day, now, clock, w, clock.steadyOffsets(day - 2, day + 8));
      const state = credit(r.medications[0]!, log, rows, day, day, now, clock, w);
      const want = newCounts(1);
      countCredited(state, day, want);
      expect([Array.from(want.taken), Array.from(want.skipped)], every).toEqual([[1], [1]]);
      expect(fast?.counts, every).toEqual(want);
      expect(fast?.extras, every).toEqual(state.extras);
    }
  });
});
