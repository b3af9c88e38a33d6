/**
 * The largest inputs the limits allow (src/model/limits.ts, src/cli/limits.ts) run to the end:
 * no step spreads a list of doses, rows or fills into one call (a spread of ~120,000 values
 * overflows V8's call stack), and no step recurses per dose.
 */
import { describe, expect, it } from 'vitest';
import { missedPatterns } from '../../src/core/missed.js';
import { onHandAt } from '../../src/core/supply.js';
import { columns } from '../../src/render/table.js';
import { parseDay } from '../../src/time/time.js';
import { MAX_DOSES_PER_DAY } from '../../src/model/limits.js';
import { oneMed, clockOf } from '../helpers/regimen.js';

describe('the densest schedule over years', () => {
  it('missedPatterns summarises 96 doses a day for 2,100 days (201,600 doses)', () => {
    const r = oneMed('{ every: 15min, from: 2020-01-01T00:00 }');
    expect(r.medications[0]!.phases[0]!.everyMs! * MAX_DOSES_PER_DAY).toBe(86_400_000);
    const clock = clockOf(r);
    const to = parseDay('2026-03-01')!;
    const { meds, overall } = missedPatterns(r, to - 2100 + 1, to, clock.toInstant(to + 1, 0), clock);
    expect(meds[0]!.missed).toBe(meds[0]!.total);
    expect(meds[0]!.total).toBeGreaterThan(200_000);
    expect(overall.total).toBe(meds[0]!.total);
  }, 60_000);
});

describe('long tables and lists', () => {
  it('columns() lays out 200,000 rows', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`2026-03-08 ${i}`, 'metformin', 'taken']);
    const text = columns(['when', 'medication', 'status'], rows);
    expect(text.split('\n')).toHaveLength(200_001);
    expect(text.split('\n')[0]).toBe(`when${' '.repeat(15)}medication  status`);
  });

  it('onHandAt counts a supply with 200,000 fills', () => {
    const r = oneMed('{ times: ["08:00"] }');
    const d = parseDay('2026-03-01')!;
    const med = { ...r.medications[0]!, supply: { fills: Array.from({ length: 200_000 }, (_, i) => ({ date: d + (i % 2), quantity: 1 })) } };
    const clock = clockOf(r);
    // 200,000 units from 2026-03-01 on; no dose recorded as taken.
    expect(onHandAt(med, [], clock.toInstant(parseDay('2026-03-05')!, 600), clock)).toBe(200_000);
  }, 60_000);
});
