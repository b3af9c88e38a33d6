import { describe, expect, it } from 'vitest';
import type { LogEntry, Medication, Phase, Supply } from '../../src/model/types.js';
import { HOUR } from '../../src/time/time.js';
import {
  daysSupplyFor,
  needsAttention,
  onHandAt,
  phaseDailyUse,
  planFill,
  supplyStatus,
  supplyLogFrom,
  supplyStatuses,
  unitsOfEntry,
  type SupplyStatus,
} from '../../src/core/supply.js';
import { parseRegimen } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { Clock } from '../../src/time/time.js';
import { MedsError } from '../../src/errors.js';
import { clock, day, phase, regimen, t } from '../helpers/build.js';

// ---- a small local builder: fixed zone, plain objects (test/helpers/build.ts) ---------
function med(id: string, phases: Phase[], supply?: Partial<Supply>): Medication {
  return { id, unit: 'tablet', index: 0, phases: phases.map((p, i) => ({ ...p, index: i })), ...(supply ? { supply: { fills: [], ...supply } } : {}) };
}
function entry(medId: string, at: string, more: Partial<LogEntry> = {}): LogEntry {
  return { at: t(at), atText: at, med: medId, status: 'taken', index: 0, ...more };
}
const daily = (from = '2026-01-01') => phase({ from: day(from), times: ['09:00'] });
const twice = (from = '2026-01-01') => phase({ from: day(from), times: ['08:00', '20:00'] });
const status = (m: Medication, now: string, log: LogEntry[] = []) => supplyStatus(regimen([m], log), m, t(now), clock);

describe('unitsOfEntry', () => {
  const taper = med('abx', [phase({ from: day('2026-11-01'), until: day('2026-11-01'), times: ['01:00'], dose: 1 }), phase({ from: day('2026-11-02'), times: ['08:00'], dose: 4 })]);
  it('a take without its own dose used its slot\'s scheduled dose', () => {
    expect(unitsOfEntry(taper, entry('abx', '2026-11-02T00:30', { for: '2026-11-01T01:00' }), clock)).toBe(1);
    expect(unitsOfEntry(taper, entry('abx', '2026-11-02T00:30', { for: '2026-11-01T01:00', dose: 2 }), clock)).toBe(2);
  });
  it('a slot with an offset is not looked up: the phase in force when it was taken decides', () => {
    expect(unitsOfEntry(taper, entry('abx', '2026-11-02T00:30', { for: '2026-11-01T01:00-05:00' }), clock)).toBe(4);
  });
});

describe('daily use and days supply', () => {
  const D = day('2026-04-01');
  it.each([
    ['twice daily', [twice()], 60, 30],
    ['once daily, 2 tablets at that time', [phase({ from: D, times: [{ minute: 540, label: '09:00', dose: 2 }] })], 30, 15],
    ['weekly (Sundays)', [phase({ from: D, days: [0], times: ['06:30'] })], 4, 28],
    ['Mon, Wed, Fri', [phase({ from: D, days: [1, 3, 5], times: ['09:00'] })], 12, 28],
    ['every other day', [phase({ from: D, everyDays: 2, times: ['07:00'] })], 15, 30],
    ['21 on, 7 off', [phase({ from: D, cycle: { on: 21, off: 7 }, times: ['21:00'] })], 28, 37], // 28 / (21/28) = 37.3
    ['every 8 hours', [phase({ from: D, fromMinute: 360, everyMs: 8 * HOUR })], 21, 7],
    ['monthly on the 1st', [phase({ from: D, monthDays: [1], times: ['09:00'] })], 3, 91], // 3 / (12/365.2425) = 91.3
    ['monthly on the 31st (the last day of shorter months)', [phase({ from: D, monthDays: [31], times: ['09:00'] })], 3, 91],
    ['the 30th and 31st (one dose in a shorter month)', [phase({ from: D, monthDays: [30, 31], times: ['09:00'] })], 12, 230], // 12 / (7600/146097) = 230.7
    ['as needed: maxPerDay 4 of 2 tablets', [phase({ asNeeded: true, dose: 2, maxPerDay: 4 })], 40, 5],
  ] as const)('%s: %i units last %i days', (_name, phases, quantity, expected) => {
    expect(daysSupplyFor(med('x', [...phases]), quantity, clock, D)).toBe(expected);
  });

  it('has no days supply for as-needed without maxPerDay', () => {
    expect(daysSupplyFor(med('x', [phase({ asNeeded: true })]), 30, clock, D)).toBeUndefined();
    expect(phaseDailyUse(phase({ asNeeded: true }))).toBeUndefined();
  });

  it('uses the phase in force on the fill date', () => {
    const m = med('x', [phase({ from: D, until: day('2026-04-10'), times: ['09:00'] }), phase({ from: day('2026-04-11'), times: ['08:00', '20:00'] })]);
    expect(daysSupplyFor(m, 30, clock, day('2026-04-05'))).toBe(30);
    expect(daysSupplyFor(m, 30, clock, day('2026-04-15'))).toBe(15);
  });

  it('averages weekly and every-other-day schedules over the long run', () => {
    expect(phaseDailyUse(phase({ days: [0], times: ['06:30'] }))).toBeCloseTo(1 / 7, 12);
    expect(phaseDailyUse(phase({ everyDays: 2, times: ['06:30'], dose: 2 }))).toBe(1);
  });
});

describe('planFill', () => {
  const D = day('2026-04-01');
  it('defaults to the usual quantity, computes days supply and uses a refill', () => {
    const m = med('metformin', [twice()], { quantity: 60, refillsLeft: 3 });
    expect(planFill(m, { date: D }, clock)).toEqual({ fill: { date: D, quantity: 60, daysSupply: 30 }, refillsLeft: 2 });
  });
  it('keeps a given quantity and days supply', () => {
    const m = med('metformin', [twice()], { quantity: 60, refillsLeft: 3 });
    expect(planFill(m, { date: D, quantity: 30, daysSupply: 20 }, clock).fill).toEqual({ date: D, quantity: 30, daysSupply: 20 });
  });
  it('leaves refillsLeft alone when the file does not track it', () => {
    expect(planFill(med('m', [daily()], { quantity: 30 }), { date: D }, clock)).toEqual({ fill: { date: D, quantity: 30, daysSupply: 30 } });
  });
  it('warns when no refills were left', () => {
    const r = planFill(med('m', [daily()], { quantity: 30, refillsLeft: 0 }), { date: D }, clock);
    expect(r.refillsLeft).toBe(0);
    expect(r.warning).toMatch(/new prescription/);
  });
  it('throws a usage error (exit 2) with no quantity and no usual fill', () => {
    const m = med('m', [daily()]);
    expect(() => planFill(m, { date: D }, clock)).toThrow(MedsError);
    try {
      planFill(m, { date: D }, clock);
    } catch (e) {
      expect(e).toMatchObject({ code: 'no-quantity', exitCode: 2 });
      expect((e as MedsError).hint).toContain('--quantity');
    }
  });
  it('rejects a days supply that is not a positive whole number', () => {
    expect(() => planFill(med('m', [daily()], { quantity: 30 }), { date: D, daysSupply: 0 }, clock)).toThrow(/whole number/);
  });
});

describe('on hand', () => {
  it('count + fills after the count day − units taken from the count day', () => {
    // 09:00 dose 1, 21:00 dose 2. Counted 30 on 04-01; the 04-01 fill is taken as counted, the 04-03 fill is added.
    const m = med('m', [phase({ from: day('2026-01-01'), times: ['09:00', { minute: 21 * 60, label: '21:00', dose: 2 }] })], {
      onHand: 30,
      countedAt: day('2026-04-01'),
      fills: [{ date: day('2026-04-01'), quantity: 30 }, { date: day('2026-04-03'), quantity: 30 }, { date: day('2026-04-10'), quantity: 30 }],
    });
    const log = [
      entry('m', '2026-03-31T21:00', { for: '2026-03-31T21:00' }), // before the count: ignored
      entry('m', '2026-04-01T09:00', { for: '2026-04-01T09:00' }), // 1
      entry('m', '2026-04-01T21:05', { for: '2026-04-01T21:00' }), // 2 (the slot's dose)
      entry('m', '2026-04-02T09:00', { dose: 0.5 }), // 0.5 (its own dose)
      entry('m', '2026-04-03T09:00', { for: '2026-04-03T09:00', status: 'skipped' }), // not taken
    ];
    // 30 + 30 (04-03; 04-10 is in the future) − 3.5
    expect(onHandAt(m, log, t('2026-04-03T12:00'), clock)).toBe(56.5);
  });

  it('without a count: the fills since the first one, minus takes since', () => {
    const m = med('m', [daily()], { fills: [{ date: day('2026-04-01'), quantity: 30 }] });
    const log = ['01', '02', '03'].map((d) => entry('m', `2026-04-${d}T09:00`, { for: `2026-04-${d}T09:00` }));
    expect(onHandAt(m, log, t('2026-04-03T12:00'), clock)).toBe(27);
  });

  it('is unknown without a count or a fill', () => {
    expect(onHandAt(med('m', [daily()], {}), [], t('2026-04-03T12:00'), clock)).toBeUndefined();
    expect(onHandAt(med('m', [daily()]), [], t('2026-04-03T12:00'), clock)).toBeUndefined();
  });
});

describe('run-out and refill dates', () => {
  it('once daily across the April/May month end', () => {
    // 10 on hand on 04-25 at 07:00: today's 09:00 dose and 04-26..05-04 use them; 05-05 cannot be taken.
    const s = status(med('m', [daily()], { onHand: 10, countedAt: day('2026-04-25'), refillsLeft: 2 }), '2026-04-25T07:00');
    expect(s).toMatchObject({ onHand: 10, dailyUse: 1, runsOutOn: day('2026-05-05'), refillBy: day('2026-04-28'), leadDays: 7, status: 'refill-soon' });
  });

  it('twice daily across the end of February (2026, not leap), lead 3 days', () => {
    // 9 on hand on 02-25 at 07:00: 02-25..02-28 use 8, 03-01 08:00 the last; 03-01 20:00 cannot be taken.
    const s = status(med('m', [twice()], { onHand: 9, countedAt: day('2026-02-25'), leadDays: 3, refillsLeft: 1 }), '2026-02-25T07:00');
    expect(s).toMatchObject({ dailyUse: 2, runsOutOn: day('2026-03-01'), refillBy: day('2026-02-26'), status: 'refill-soon' });
  });

  it('twice daily across the end of February in a leap year', () => {
    const s = status(med('m', [twice('2028-01-01')], { onHand: 9, countedAt: day('2028-02-25'), leadDays: 3, refillsLeft: 1 }), '2028-02-25T07:00');
    expect(s.runsOutOn).toBe(day('2028-02-29'));
  });

  it('does not count a dose already taken today again, nor one already missed', () => {
    // 08:00 taken (on hand 9 − 1 = 8); at 12:00 only 20:00 is left today (7), 04-26..04-28 use 6, 04-29 08:00 the last: 04-29 20:00 cannot be taken.
    const m = med('m', [twice()], { onHand: 9, countedAt: day('2026-04-25'), refillsLeft: 1 });
    const taken = status(m, '2026-04-25T12:00', [entry('m', '2026-04-25T08:00', { for: '2026-04-25T08:00' })]);
    expect(taken).toMatchObject({ onHand: 8, runsOutOn: day('2026-04-29') });
    // 08:00 missed (its window closed at 10:00): still 9 on hand; 20:00 today + 04-26..04-29 use all 9; 04-30 08:00 cannot.
    const missed = status(m, '2026-04-25T12:00');
    expect(missed).toMatchObject({ onHand: 9, runsOutOn: day('2026-04-30') });
  });

  it('every other day', () => {
    // Doses 04-01, 04-03, ...; 3 on hand on 04-02: 04-03, 04-05, 04-07; 04-09 cannot be taken.
    const m = med('m', [phase({ from: day('2026-04-01'), everyDays: 2, times: ['07:00'] })], { onHand: 3, countedAt: day('2026-04-02'), refillsLeft: 5 });
    const s = status(m, '2026-04-02T12:00');
    expect(s).toMatchObject({ dailyUse: 0.5, runsOutOn: day('2026-04-09'), refillBy: day('2026-04-02'), status: 'refill-now' });
  });

  it('as-needed: projects recent use; the maximum daily use is the bound beside it', () => {
    // 2 tablets a dose, at most 4 doses a day, since 04-01. Counted 50 on 04-01; two doses taken today: 46 on hand.
    // Recent use: 4 units over 1 day. Today is used up (46), 04-02.. use 4 a day: 04-13 starts with 2 (a whole
    // dose), 04-14 with 0: out on 04-14. At the maximum: today 2 more doses (42 left), 04-02..04-06 use 8 a day
    // (2 left), 04-07's second dose cannot be taken.
    const m = med('ibuprofen', [phase({ from: day('2026-04-01'), asNeeded: true, dose: 2, maxPerDay: 4, minIntervalMs: 6 * HOUR })], { onHand: 50, countedAt: day('2026-04-01'), refillsLeft: 2 });
    const log = [entry('ibuprofen', '2026-04-01T10:00'), entry('ibuprofen', '2026-04-01T16:00')];
    const s = status(m, '2026-04-01T18:00', log);
    expect(s).toMatchObject({ onHand: 46, dailyUse: 8, recentDailyUse: 4, runsOutOn: day('2026-04-14'), runsOutAtMaxOn: day('2026-04-07'), refillBy: day('2026-04-07'), status: 'refill-soon' });
  });

  it('as-needed not taken for weeks: never refill-now, however small the maximum makes the supply look', () => {
    // 24 tablets, at most 8 a day (3 days at the maximum); none taken in the last 30 days.
    const m = med('ibuprofen', [phase({ asNeeded: true, dose: 2, maxPerDay: 4 })], { onHand: 24, countedAt: day('2026-03-01'), leadDays: 1, refillsLeft: 1 });
    const s = status(m, '2026-04-28T07:00', [entry('ibuprofen', '2026-03-20T10:00')]);
    expect(s).toMatchObject({ onHand: 22, recentDailyUse: 0, runsOutAtMaxOn: day('2026-04-30'), status: 'ok' });
    expect(s.runsOutOn).toBeUndefined();
    expect(s.refillBy).toBeUndefined();
  });

  it('as-needed: recent use over the last 30 days, a fraction of a dose a day', () => {
    // 6 doses of 2 in the last 30 days: 0.4 a day. 10 on hand: a whole dose is there until 04-28 + 21 days.
    const m = med('ibuprofen', [phase({ asNeeded: true, dose: 2, maxPerDay: 4 })], { onHand: 22, countedAt: day('2026-04-01'), leadDays: 1, refillsLeft: 1 });
    const log = ['04-02', '04-05', '04-09', '04-15', '04-20', '04-27'].map((d) => entry('ibuprofen', `2026-${d}T10:00`));
    const s = status(m, '2026-04-28T07:00', log);
    expect(s.recentDailyUse).toBeCloseTo(0.4);
    // 10 on hand, 0.4 a day from today: day k (0 = today) starts with 10 - 0.4k; below 2 from k = 21 (05-19).
    expect(s).toMatchObject({ onHand: 10, runsOutOn: day('2026-05-19'), status: 'ok' });
  });
});

describe('supply status', () => {
  const now = '2026-04-25T07:00';
  const counted = (onHand: number, more: Partial<Supply> = {}) => ({ onHand, countedAt: day('2026-04-25'), refillsLeft: 2, ...more });
  it.each<[string, Medication, SupplyStatus['status'], Partial<SupplyStatus>?]>([
    // 100: today's dose + 99 more days (through 08-02); runsOutOn = 04-25 + 100 days = 08-03, refillBy 07-27.
    ['ok: plenty on hand', med('m', [daily()], counted(100)), 'ok', { runsOutOn: day('2026-08-03'), refillBy: day('2026-07-27') }],
    ['refill-soon: refillBy in 3 days', med('m', [daily()], counted(10)), 'refill-soon'],
    ['refill-now: refillBy 04-23 passed', med('m', [daily()], counted(5)), 'refill-now', { runsOutOn: day('2026-04-30'), refillBy: day('2026-04-23') }],
    ['out: nothing for today 09:00', med('m', [daily()], counted(0)), 'out', { runsOutOn: day('2026-04-25') }],
    ['out: the 20:00 dose today cannot be taken', med('m', [twice()], counted(1)), 'out', { runsOutOn: day('2026-04-25') }],
    ['no-refills: none left before it runs out', med('m', [daily()], counted(100, { refillsLeft: 0 })), 'no-refills'],
    ['expired: the prescription ended yesterday', med('m', [daily()], counted(100, { expires: day('2026-04-24') })), 'expired', { expires: day('2026-04-24') }],
    ['ok: the expiry day itself is still valid', med('m', [daily()], counted(100, { expires: day('2026-04-25') })), 'ok'],
    ['ok: the course ends before the supply', med('m', [phase({ from: day('2026-04-01'), until: day('2026-04-30'), times: ['09:00'] })], counted(100)), 'ok', { runsOutOn: undefined }],
    ['unknown: no supply recorded', med('m', [daily()]), 'unknown', { onHand: undefined }],
    ['out: as-needed without a limit and nothing on hand', med('m', [phase({ asNeeded: true })], counted(0)), 'out'],
  ])('%s', (_name, m, expected, more) => {
    const s = status(m, now);
    expect(s.status).toBe(expected);
    for (const [k, v] of Object.entries(more ?? {})) expect(s[k as keyof SupplyStatus], k).toBe(v);
  });

  it('out wins over expired and no-refills', () => {
    expect(status(med('m', [daily()], counted(0, { refillsLeft: 0, expires: day('2026-01-01') })), now).status).toBe('out');
  });


  it('lists medications with a supply or still in force, and says when any needs attention', () => {
    const reg = regimen([
      med('a', [daily()], counted(100)),
      med('b', [daily()], counted(5)),
      med('stopped', [phase({ from: day('2026-01-01'), until: day('2026-02-01'), times: ['09:00'] })]),
      med('c', [daily()]),
    ]);
    const all = supplyStatuses(reg, t(now), clock);
    expect(all.map((s) => [s.med, s.status])).toEqual([
      ['a', 'ok'],
      ['b', 'refill-now'],
      ['c', 'unknown'],
    ]);
    expect(needsAttention(all)).toBe(true);
    expect(needsAttention(all.filter((s) => s.med !== 'b'))).toBe(false);
  });
});

describe('supplyLogFrom', () => {
  // `meds refills` builds only the entries from supplyLogFrom on (load.ts logFrom); the statuses
  // must be those of the whole log. A generated two-year file (bench/generate.mjs) with counts,
  // fills and as-needed use, read at several moments.
  it('statuses from the entries since it are those from the whole log, and far fewer entries are built', async () => {
    const { generateRegimen } = await import('../../bench/generate.mjs');
    const text = generateRegimen({ years: 2 });
    const full = parseRegimen(text, 'r.yaml', { full: true }).regimen;
    const c = new Clock(full.patient.timezone);
    for (const at of ['2026-11-20T09:00', '2026-11-19T23:30', '2026-10-13T07:00', '2026-06-01T12:00']) {
      const now = c.parse(at)!;
      const cut = parseRegimen(text, 'r.yaml', { logFrom: (r) => supplyLogFrom(r, now, c) });
      expect(cut.logComplete, at).toBe(false);
      expect(cut.regimen.log.length, at).toBeLessThan(full.log.length / 3);
      expect(supplyStatuses(cut.regimen, now, c), at).toEqual(supplyStatuses(full, now, c));
    }
  });
});
