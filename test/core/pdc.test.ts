import { describe, expect, it } from 'vitest';
import type { Medication, Phase } from '../../src/model/types.js';
import { Clock, formatDay as formatDayOf, parseDay, parseHM } from '../../src/time/time.js';
import { fillSpans, medicationPdc, pdc, pdcClassOf, thresholdFor, type FillSpan } from '../../src/core/pdc.js';

const clock = new Clock('America/New_York');
const day = (s: string) => parseDay(s)!;
const fill = (med: string, date: string, daysSupply: number): FillSpan => ({ med, date: day(date), daysSupply });
const APR1 = day('2026-04-01');
const APR30 = day('2026-04-30');

function med(id: string, p: Partial<Phase>, more: Partial<Medication> = {}): Medication {
  return { id, unit: 'tablet', index: 0, phases: [{ index: 0, dose: 1, asNeeded: false, times: [{ minute: parseHM('09:00')!, label: '09:00' }], ...p }], ...more };
}

const Y18 = day('2018-01-01');
const Y18END = day('2018-12-31');

describe('pdc: coverage (carry-over, several medications, the period end)', () => {
  // A year with the first fill on 01-01 and a second one later qualifies for PQA's measure, so
  // `pdc` and `period` count the same days here.
  const year = (fills: FillSpan[]) => pdc(fills, Y18, Y18END);

  it('overlapping fills of the same medication: the second starts the day after the first ends', () => {
    // 01-01 x10 covers 01-01..01-10; 01-08 x10 is shifted to 01-11..01-20: 20 days, not the 17 of a plain union.
    expect(year([fill('a', '2018-01-01', 10), fill('a', '2018-01-08', 10)]).coveredDays).toBe(20);
    expect(year([fill('a', '2018-01-08', 10), fill('a', '2018-01-01', 10)]).coveredDays).toBe(20); // input order does not matter
  });

  it('two fills of the same medication on one day are laid end to end', () => {
    expect(year([fill('a', '2018-01-01', 10), fill('a', '2018-01-01', 10), fill('a', '2018-06-01', 10)]).coveredDays).toBe(30);
  });

  it('fills of two different medications are not shifted: a day covered by both counts once', () => {
    expect(year([fill('a', '2018-01-01', 10), fill('b', '2018-01-05', 10)]).coveredDays).toBe(14);
  });

  it('days beyond the end are not counted, and a fill shifted past it adds nothing', () => {
    expect(year([fill('a', '2018-01-01', 10), fill('a', '2018-12-25', 30)]).coveredDays).toBe(17);
    expect(year([fill('a', '2018-01-01', 10), fill('a', '2018-12-25', 10), fill('a', '2018-12-26', 10)]).coveredDays).toBe(17);
  });
});

describe("pdc: PQA's worked examples (PQA, pdc-dr.js, measurement year 2018)", () => {
  it('03-25, 07-05 and 09-25, 90 days each: the third shifted to 10-03..12-31; 270 of 282 days', () => {
    const r = pdc([fill('x', '2018-03-25', 90), fill('x', '2018-07-05', 90), fill('x', '2018-09-25', 90)], Y18, Y18END);
    expect(r).toMatchObject({ coveredDays: 270, periodDays: 282, indexDay: day('2018-03-25') });
    expect(r.ineligible).toBeUndefined();
    expect(r.pdc).toBeCloseTo(270 / 282, 12);
  });

  it('01-01, 03-25 (shifted to 04-01), 07-05, 10-15, 90 days each: 348 of 365 days', () => {
    const r = pdc([fill('x', '2018-01-01', 90), fill('x', '2018-03-25', 90), fill('x', '2018-07-05', 90), fill('x', '2018-10-15', 90)], Y18, Y18END);
    expect(r).toMatchObject({ coveredDays: 180 + 90 + 78, periodDays: 365 });
  });

  it('class variant: metformin 01-01 then glipizide 04-01, 90 days each: 180 of 365 days', () => {
    const r = pdc([fill('metformin', '2018-01-01', 90), fill('glipizide', '2018-04-01', 90)], Y18, Y18END);
    expect(r).toMatchObject({ coveredDays: 180, periodDays: 365 });
  });

  it('two drugs filled the same day are one date of service: not PQA-eligible, the period proportion instead', () => {
    const r = pdc([fill('metformin', '2018-01-01', 90), fill('glipizide', '2018-01-01', 90)], Y18, Y18END);
    expect(r).toMatchObject({ pdc: null, ineligible: 'one-fill-date', period: { from: Y18, to: Y18END, days: 365, coveredDays: 90 } });
  });
});

describe('pdc: when PQA\'s measure applies, and the period proportion otherwise', () => {
  it('is nothing at all without a fill by the end', () => {
    expect(pdc([], APR1, APR30)).toEqual({ pdc: null, coveredDays: 0, periodDays: 0, ineligible: 'no-fill', period: null });
    expect(pdc([fill('a', '2026-05-01', 30)], APR1, APR30)).toMatchObject({ pdc: null, period: null });
  });

  it('needs the index date at least 91 days before the end (PQA): 91 qualifies, 90 does not', () => {
    const end = day('2018-12-31');
    const at = (d: number) => pdc([fill('a', formatDayOf(end - d), 30), fill('a', formatDayOf(end - d + 30), 30)], Y18, end);
    expect(at(91)).toMatchObject({ pdc: expect.any(Number), periodDays: 92, indexDay: end - 91 });
    expect(at(90)).toMatchObject({ pdc: null, ineligible: 'index-too-late', indexDay: end - 90, period: { from: end - 90, days: 91, coveredDays: 60 } });
  });

  it('the reported case: supply carried in from a fill before the period ends mid-period; the gap to the next fill is uncovered, not erased', () => {
    // 02-15 x30 covers 02-15..03-16; nothing until a fill on 03-31. Before: index 03-31, one day, 100%.
    const r = pdc([fill('a', '2026-02-15', 30), fill('a', '2026-03-31', 30)], day('2026-03-01'), day('2026-03-31'));
    expect(r).toMatchObject({ pdc: null, ineligible: 'one-fill-date', period: { from: day('2026-03-01'), to: day('2026-03-31'), days: 31, coveredDays: 17 } });
    expect(r.period!.proportion).toBeCloseTo(17 / 31, 12);
  });

  it('a fill before the period shifts a fill inside it (carry-over) under PQA as well', () => {
    // 2017-12-01 x90 lasts to 2018-02-28; 2018-02-01 x90 starts 03-01..05-29; 2018-06-01 x90 to 08-29; index 02-01.
    const r = pdc([fill('a', '2017-12-01', 90), fill('a', '2018-02-01', 90), fill('a', '2018-06-01', 90)], Y18, Y18END);
    expect(r).toMatchObject({ indexDay: day('2018-02-01'), periodDays: 334, coveredDays: 28 + 90 + 90 });
    expect(r.period).toMatchObject({ from: Y18, days: 365, coveredDays: 59 + 90 + 90 });
  });

  it('days after a stop are in neither denominator; days before the start are not in the period one', () => {
    const fills = [fill('a', '2018-01-01', 90), fill('a', '2018-04-01', 30)];
    // Stopped 06-30: PQA 01-01..06-30 (181 days, 120 covered); without the stop 365 days.
    expect(pdc(fills, Y18, Y18END, { last: day('2018-06-30') })).toMatchObject({ periodDays: 181, coveredDays: 120, period: { days: 181, coveredDays: 120 } });
    expect(pdc(fills, Y18, Y18END)).toMatchObject({ periodDays: 365, coveredDays: 120 });
    // Started 2018-03-01 with supply from an earlier fill: the period proportion counts from 03-01.
    expect(pdc(fills, Y18, Y18END, { first: day('2018-03-01') }).period).toMatchObject({ from: day('2018-03-01'), days: 306, coveredDays: 31 + 30 });
  });

  it('the period proportion starts at the first recorded fill when that is inside the period', () => {
    expect(pdc([fill('a', '2026-04-11', 10)], APR1, APR30)).toMatchObject({ pdc: null, ineligible: 'one-fill-date', indexDay: day('2026-04-11'), period: { from: day('2026-04-11'), days: 20, coveredDays: 10, proportion: 0.5 } });
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
    expect(medicationPdc(m, APR1, APR30, clock).period).toMatchObject({ coveredDays: 26, days: 30 });
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
  it('is 0.90 for an antiretroviral known only by its brand (the bundled drug data), in any case', () => {
    for (const brand of ['Biktarvy', 'TRIUMEQ', 'truvada', 'Odefsey 200/25/25 mg', 'Dovato']) {
      expect(thresholdFor({ id: 'hiv-pill', name: brand }), brand).toBe(0.9);
      expect(thresholdFor({ id: brand.toLowerCase().split(' ')[0]! }), brand).toBe(0.9);
    }
    expect(thresholdFor({ id: 'eliquis' })).toBe(0.8); // a brand the data knows, not an antiretroviral
  });
  it('an explicit threshold (option or Settings.pdcThreshold) wins', () => {
    expect(thresholdFor({ id: 'hiv', ingredients: ['dolutegravir'] }, 0.95)).toBe(0.95);
    expect(thresholdFor({ id: 'statin' }, { pdcThreshold: 0.85 })).toBe(0.85);
    expect(thresholdFor({ id: 'statin' }, {})).toBe(0.8);
  });
});
