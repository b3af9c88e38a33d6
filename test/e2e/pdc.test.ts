/**
 * End to end: PDC through `meds adherence` (PQA's measure where the period qualifies, else the period's
 * proportion of days covered). Run `npm run build` first.
 */
import { describe, expect, it } from 'vitest';
import { meds, writeTemp } from '../helpers/cli.js';

const file = (med: string, fills: string) => `meds: 1
patient: { timezone: America/New_York }
medications:
  - id: ${med}
    schedule: { times: ["21:00"], from: 2026-01-01 }
    supply: { fills: [${fills}] }
`;

describe('meds adherence: refill-based measures', () => {
  it('the reported case: supply carried in from February ends 03-16; the gap to the 03-31 fill is uncovered (17 of 31, not 100%)', () => {
    const f = writeTemp(file('atorvastatin', '{ date: 2026-02-15, quantity: 30, daysSupply: 30 }, { date: 2026-03-31, quantity: 30, daysSupply: 30 }'));
    const r = meds(['--file', f, '--now', '2026-04-01T10:00', 'adherence', '--from', '2026-03-01', '--to', '2026-03-31', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const m = JSON.parse(r.stdout).medications[0];
    expect(m).toMatchObject({
      pdc: null,
      pdcIndexDate: '2026-03-31',
      pdcIneligible: 'one-fill-date',
      periodCoverage: { from: '2026-03-01', to: '2026-03-31', days: 31, coveredDays: 17, proportion: 0.5484 },
      pdcMeasure: 'period',
      pdcThreshold: 0.8,
      adherent: false,
    });
    const text = meds(['--file', f, '--now', '2026-04-01T10:00', 'adherence', '--from', '2026-03-01', '--to', '2026-03-31']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/atorvastatin .* 54% of period \(≥80%\)\s+no/);
    expect(text.stdout).toContain("not PQA's PDC");
  });

  it("PQA's PDC over a qualifying period; an antiretroviral named only by its brand is judged against 0.90", () => {
    // 01-01 x90 and 04-15 x90 over 01-01..06-30: 167 of 181 days = 0.9227.
    const fills = '{ date: 2026-01-01, quantity: 90, daysSupply: 90 }, { date: 2026-04-15, quantity: 90, daysSupply: 90 }';
    for (const [med, threshold, adherent] of [['atorvastatin', 0.8, true], ['biktarvy', 0.9, true], ['triumeq', 0.9, true]] as const) {
      const r = meds(['--file', writeTemp(file(med, fills)), '--now', '2026-07-01T10:00', 'adherence', '--from', '2026-01-01', '--to', '2026-06-30', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).medications[0], med).toMatchObject({ pdc: 0.9227, pdcIndexDate: '2026-01-01', pdcIneligible: null, pdcMeasure: 'pqa', pdcThreshold: threshold, adherent });
    }
    // 0.87 of the days: adherent for a statin (0.80), not for an antiretroviral known by its brand (0.90).
    const short = '{ date: 2026-01-01, quantity: 90, daysSupply: 90 }, { date: 2026-04-24, quantity: 90, daysSupply: 90 }';
    const statin = JSON.parse(meds(['--file', writeTemp(file('atorvastatin', short)), '--now', '2026-07-01T10:00', 'adherence', '--from', '2026-01-01', '--to', '2026-06-30', '--json']).stdout).medications[0];
    const arv = JSON.parse(meds(['--file', writeTemp(file('biktarvy', short)), '--now', '2026-07-01T10:00', 'adherence', '--from', '2026-01-01', '--to', '2026-06-30', '--json']).stdout).medications[0];
    expect(statin).toMatchObject({ pdcMeasure: 'pqa', pdcThreshold: 0.8, adherent: true });
    expect(arv).toMatchObject({ pdcMeasure: 'pqa', pdcThreshold: 0.9, adherent: false });
    expect(arv.pdc).toBeCloseTo(158 / 181, 4);
  });
});
