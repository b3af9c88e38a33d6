import { describe, expect, it } from 'vitest';
import type { Medication, Phase } from '../../src/model/types.js';
import { Clock, parseDay, parseHM } from '../../src/core/time.js';
import { fillSpans, medicationPdc, pdc, pdcClassOf, thresholdFor, type FillSpan } from '../../src/core/pdc.js';

const clock = new Clock('America/New_York');
const day = (s: string) => parseDay(s)!;
const fill = (med: string, date: string, daysSupply: number): FillSpan => ({ med, date: day(date), daysSupply });
const APR1 = day('2026-04-01');
const APR30 = day('2026-04-30');

function med(id: string, p: Partial<Phase>, more: Partial<Medication> = {}): Medication {
  return { id, unit: 'tablet', index: 0, phases: [{ index: 0, dose: 1, asNeeded: false, times: [{ minute: parseHM('09:00')!, label: '09:00' }], ...p }], ...more };
}

describe('pdc (PQA proportion of days covered)', () => {
  it('is null without a fill in the period', () => {
    expect(pdc([], APR1, APR30)).toEqual({ pdc: null, coveredDays: 0, periodDays: 0 });
    expect(pdc([fill('a', '2026-05-01', 30)], APR1, APR30).pdc).toBeNull();
  });

  it('non-overlapping fills: 04-01 x10 and 04-21 x10 cover 20 of 30 days', () => {
    expect(pdc([fill('a', '2026-04-01', 10), fill('a', '2026-04-21', 10)], APR1, APR30)).toEqual({
      pdc: 20 / 30,
      coveredDays: 20,
      periodDays: 30,
      indexDay: APR1,
    });
  });

  it('overlapping fills of the same medication: the second starts the day after the first ends', () => {
    // 04-01 x10 covers 04-01..04-10; 04-08 x10 is shifted to 04-11..04-20: 20 days, not the 17 of a plain union.
    expect(pdc([fill('a', '2026-04-01', 10), fill('a', '2026-04-08', 10)], APR1, APR30).coveredDays).toBe(20);
    // Order of the input does not matter.
    expect(pdc([fill('a', '2026-04-08', 10), fill('a', '2026-04-01', 10)], APR1, APR30).coveredDays).toBe(20);
  });

  it('two fills of the same medication on one day are laid end to end', () => {
    expect(pdc([fill('a', '2026-04-01', 10), fill('a', '2026-04-01', 10)], APR1, APR30).coveredDays).toBe(20);
  });

  it('fills of two different medications on one day are not shifted: a day covered by both counts once', () => {
    const r = pdc([fill('a', '2026-04-01', 10), fill('b', '2026-04-01', 10)], APR1, APR30);
    expect(r).toMatchObject({ coveredDays: 10, periodDays: 30 });
    expect(r.pdc).toBeCloseTo(1 / 3, 12);
    // Different medications on neighbouring days: 04-01..04-10 and 04-05..04-14 give 14 days.
    expect(pdc([fill('a', '2026-04-01', 10), fill('b', '2026-04-05', 10)], APR1, APR30).coveredDays).toBe(14);
  });

  it('a fill before the period is not the index date and covers nothing', () => {
    // 03-25 x30 (before the period) and 04-10 x30: the period starts at 04-10 and runs 21 days, all covered.
    const r = pdc([fill('a', '2026-03-25', 30), fill('a', '2026-04-10', 30)], APR1, APR30);
    expect(r).toEqual({ pdc: 1, coveredDays: 21, periodDays: 21, indexDay: day('2026-04-10') });
  });

  it('days beyond the period end are not counted', () => {
    // 04-21 x30 covers into May; only 04-21..04-30 count: 10 of 10.
    expect(pdc([fill('a', '2026-04-21', 30)], APR1, APR30)).toEqual({ pdc: 1, coveredDays: 10, periodDays: 10, indexDay: day('2026-04-21') });
    // A shifted fill pushed past the end adds nothing.
    expect(pdc([fill('a', '2026-04-21', 10), fill('a', '2026-04-25', 10)], APR1, APR30).coveredDays).toBe(10);
  });

  it('matches the shape of PQA worked example (90-day fills, one shifted past an early refill)', () => {
    // Measurement year 2018: 03-25 x90 → 03-25..06-22; 07-05 x90 → 07-05..10-02; 09-25 x90 shifted → 10-03..12-31.
    // Index 03-25; 282 days to 12-31; 270 covered.
    const r = pdc([fill('x', '2018-03-25', 90), fill('x', '2018-07-05', 90), fill('x', '2018-09-25', 90)], day('2018-01-01'), day('2018-12-31'));
    expect(r).toMatchObject({ coveredDays: 270, periodDays: 282, indexDay: day('2018-03-25') });
    expect(r.pdc).toBeCloseTo(270 / 282, 12);
  });

  it('a one-day period with a fill that day is fully covered', () => {
    expect(pdc([fill('a', '2026-04-30', 1)], APR1, APR30)).toEqual({ pdc: 1, coveredDays: 1, periodDays: 1, indexDay: APR30 });
  });
});

describe('a medication PDC from its recorded fills', () => {
  it('takes days supply from the fill, else from quantity / daily use', () => {
    // Twice daily: 20 tablets on 04-01 are 10 days; 30 days supply recorded on 04-15 covers 04-15..04-30 (16 days).
    const m = med('metformin', { times: [{ minute: 480, label: '08:00' }, { minute: 1200, label: '20:00' }] }, {
      supply: { fills: [{ date: APR1, quantity: 20 }, { date: day('2026-04-15'), quantity: 60, daysSupply: 30 }] },
    });
    expect(fillSpans(m, clock)).toEqual([
      { med: 'metformin', date: APR1, daysSupply: 10 },
      { med: 'metformin', date: day('2026-04-15'), daysSupply: 30 },
    ]);
    expect(medicationPdc(m, APR1, APR30, clock)).toMatchObject({ coveredDays: 26, periodDays: 30 });
  });
});

describe('thresholdFor', () => {
  it('is 0.80 by default (PQA)', () => {
    expect(thresholdFor({ id: 'atorvastatin' })).toBe(0.8);
  });
  it('is 0.90 for an antiretroviral, by ingredient, id or a word of the name', () => {
    expect(thresholdFor({ id: 'hiv', ingredients: ['Dolutegravir'] })).toBe(0.9);
    expect(thresholdFor({ id: 'tenofovir' })).toBe(0.9);
    expect(thresholdFor({ id: 'biktarvy', name: 'Biktarvy (bictegravir/emtricitabine/tenofovir alafenamide)' })).toBe(0.9);
    expect(pdcClassOf({ id: 'x', ingredients: ['tenofovir alafenamide'] })).toBe('antiretroviral');
    expect(pdcClassOf({ id: 'metformin' })).toBeUndefined();
  });
  it('an explicit threshold (option or Settings.pdcThreshold) wins', () => {
    expect(thresholdFor({ id: 'hiv', ingredients: ['dolutegravir'] }, 0.95)).toBe(0.95);
    expect(thresholdFor({ id: 'statin' }, { pdcThreshold: 0.85 })).toBe(0.85);
    expect(thresholdFor({ id: 'statin' }, {})).toBe(0.8);
  });
});
