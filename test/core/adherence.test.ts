import { describe, expect, it } from 'vitest';
import type { LogEntry, Medication, Phase } from '../../src/model/types.js';
import { adherence, type MedAdherence } from '../../src/core/adherence.js';
import { columnsOf } from '../../src/core/doses.js';
import { MedsError } from '../../src/errors.js';
import { clock, day, phase, regimen, t } from '../helpers/build.js';

// ---- a small local builder: fixed zone, plain objects (test/helpers/build.ts) ---------
function med(id: string, phases: Phase[], more: Partial<Medication> = {}): Medication {
  return { id, unit: 'tablet', index: 0, ...more, phases: phases.map((p, i) => ({ ...p, index: i })) };
}
let seq = 0;
function entry(medId: string, at: string, status: 'taken' | 'skipped', forSlot?: string, more: Partial<LogEntry> = {}): LogEntry {
  return { at: t(at), atText: at, med: medId, status, index: seq++, ...(forSlot ? { for: forSlot } : {}), ...more };
}
const take = (m: string, at: string, forSlot?: string) => entry(m, at, 'taken', forSlot);
const skip = (m: string, forSlot: string) => entry(m, forSlot, 'skipped', forSlot, { reason: 'nausea' });
const only = (r: ReturnType<typeof adherence>, id: string): MedAdherence => r.medications.find((m) => m.med === id)!;

// ---- twice daily, one week: every metric by hand ---------------------------------------
// metformin 08:00 and 20:00 from 2026-04-01; window 1 h early, 2 h late.
//   04-01 08:05 + 20:10           both on time            → on-time
//   04-02 08:00, 20:00 nothing    one taken, one missed   → partial
//   04-03 11:00 (no `for:`, credited to 08:00, late) + 20:00 → late
//   04-04 both skipped                                    → skipped
//   04-05 nothing                                         → missed
// scheduled 10 = taken 5 + skipped 2 + missed 3; on time 4, late 1.
const metformin = med('metformin', [phase({ from: day('2026-04-01'), times: ['08:00', '20:00'] })]);
const metforminLog = [
  take('metformin', '2026-04-01T08:05', '2026-04-01T08:00'),
  take('metformin', '2026-04-01T20:10', '2026-04-01T20:00'),
  take('metformin', '2026-04-02T08:00', '2026-04-02T08:00'),
  take('metformin', '2026-04-03T11:00'),
  take('metformin', '2026-04-03T20:00', '2026-04-03T20:00'),
  skip('metformin', '2026-04-04T08:00'),
  skip('metformin', '2026-04-04T20:00'),
];

describe('adherence: dose-level metrics', () => {
  const r = adherence(regimen([metformin], metforminLog), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock);
  const m = only(r, 'metformin');

  it('counts a twice-daily medication twice a day', () => {
    expect(m).toMatchObject({ scheduled: 10, taken: 5, onTime: 4, late: 1, skipped: 2, missed: 3, pending: 0, extra: 0 });
  });

  it('computes taking and timing adherence as fractions of scheduled doses', () => {
    expect(m.takingAdherence).toBe(0.5);
    expect(m.timingAdherence).toBe(0.4);
  });

  it('counts correct-dosing days: exactly the scheduled number taken (04-01, 04-03 of 5)', () => {
    expect(m.dosingDays).toBe(5);
    expect(m.correctDays).toBe(2);
    expect(m.correctDosingDays).toBe(0.4);
  });

  it('finds the longest gap: skipped 04-04 and missed 04-05 are two days with nothing taken', () => {
    expect(m.longestGapDays).toBe(2);
    expect(m.longestGap).toEqual({ from: day('2026-04-04'), to: day('2026-04-05') });
    expect(m.currentStreakDays).toBe(0);
  });

  it('gives one cell per day', () => {
    expect(m.cells).toEqual(['on-time', 'partial', 'late', 'skipped', 'missed']);
  });

  it('judges adherence by taking adherence and 0.80 when there are no fills', () => {
    expect(m.pdc).toBeNull();
    expect(m.adherent).toBe(false);
  });

  it('an extra take makes a day incorrect and does not raise taking adherence', () => {
    const log = [...metforminLog, take('metformin', '2026-04-01T14:00', undefined)];
    log[log.length - 1]!.extra = true;
    const x = only(adherence(regimen([metformin], log), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock), 'metformin');
    expect(x.extra).toBe(1);
    expect(x.taken).toBe(5);
    expect(x.correctDays).toBe(1); // 04-01 now has 3 takes for 2 doses
  });
});

describe('adherence: gaps, streaks and doses still in their window', () => {
  // once daily at 09:00 from 04-01; taken 01 02, missed 03 04 05, taken 06, skipped 07, taken 08 09 10.
  const daily = med('statin', [phase({ from: day('2026-04-01'), times: ['09:00'] })]);
  const taken = ['01', '02', '06', '08', '09', '10'].map((d) => take('statin', `2026-04-${d}T09:05`, `2026-04-${d}T09:00`));
  const log = [...taken, skip('statin', '2026-04-07T09:00')];

  it('longest gap 3 (04-03..04-05), streak 3 (04-08..04-10)', () => {
    const m = only(adherence(regimen([daily], log), day('2026-04-01'), day('2026-04-10'), t('2026-04-10T12:00'), clock), 'statin');
    expect(m).toMatchObject({ scheduled: 10, taken: 6, skipped: 1, missed: 3, longestGapDays: 3, currentStreakDays: 3 });
    expect(m.longestGap).toEqual({ from: day('2026-04-03'), to: day('2026-04-05') });
  });

  it('leaves out a dose still in its window: not scheduled yet, day pending, streak from yesterday', () => {
    const early = log.filter((e) => !e.atText.startsWith('2026-04-10'));
    // 08:30: the 09:00 dose is due (window 08:00..11:00), not missed.
    const m = only(adherence(regimen([daily], early), day('2026-04-01'), day('2026-04-10'), t('2026-04-10T08:30'), clock), 'statin');
    expect(m).toMatchObject({ scheduled: 9, taken: 5, pending: 1, missed: 3, dosingDays: 9, currentStreakDays: 2 });
    expect(m.cells[9]).toBe('pending');
    expect(m.takingAdherence).toBeCloseTo(5 / 9, 12);
  });

  it('leaves out upcoming doses later today but counts the settled ones', () => {
    // twice daily: at 15:00 on 04-05, the 08:00 dose was taken and 20:00 is upcoming.
    const m = only(adherence(regimen([metformin], metforminLog), day('2026-04-01'), day('2026-04-05'), t('2026-04-05T15:00'), clock), 'metformin');
    // 04-05 08:00 is already missed (window closed at 10:00); 20:00 is upcoming.
    expect(m).toMatchObject({ scheduled: 9, missed: 2, pending: 1 });
    expect(m.cells[4]).toBe('pending');
  });

  it('measures a gap in dosing days: an every-other-day medication missing three doses in a row', () => {
    // Doses 04-01, 03, 05, 07, 09; taken 04-01 and 04-09 only: 04-03, 05, 07 missed = a 3-dosing-day gap (04-03..04-07).
    const qod = med('levo', [phase({ from: day('2026-04-01'), everyDays: 2, times: ['07:00'] })]);
    const l = [take('levo', '2026-04-01T07:00', '2026-04-01T07:00'), take('levo', '2026-04-09T07:00', '2026-04-09T07:00')];
    const m = only(adherence(regimen([qod], l), day('2026-04-01'), day('2026-04-10'), t('2026-04-11T12:00'), clock), 'levo');
    expect(m).toMatchObject({ scheduled: 5, taken: 2, missed: 3, dosingDays: 5, longestGapDays: 3, currentStreakDays: 1 });
    expect(m.longestGap).toEqual({ from: day('2026-04-03'), to: day('2026-04-07') });
    expect(m.cells.join(' ')).toBe('on-time none missed none missed none missed none on-time none');
  });

  it('counts each day once across the spring-forward change (2026-03-08 in New York)', () => {
    const m1 = med('early', [phase({ from: day('2026-03-01'), times: ['02:30', '09:00'] })]);
    const l: LogEntry[] = [];
    for (let d = 7; d <= 9; d++) for (const h of ['02:30', '09:00']) l.push(take('early', `2026-03-0${d}T${h}`, `2026-03-0${d}T${h}`));
    const m = only(adherence(regimen([m1], l), day('2026-03-07'), day('2026-03-09'), t('2026-03-10T12:00'), clock), 'early');
    expect(m).toMatchObject({ scheduled: 6, taken: 6, dosingDays: 3, correctDays: 3 });
  });

  it('counts a dose taken early (before its moment, inside its window) at once', () => {
    const log2 = [take('statin', '2026-04-01T08:30', '2026-04-01T09:00')];
    const m = only(adherence(regimen([daily], log2), day('2026-04-01'), day('2026-04-01'), t('2026-04-01T08:40'), clock), 'statin');
    expect(m).toMatchObject({ scheduled: 1, taken: 1, onTime: 1, pending: 0 });
  });
});

describe('adherence: the medication own start, stop and phases', () => {
  const allTaken = (id: string, from: number, to: number, time = '09:00') => {
    const out: LogEntry[] = [];
    for (let d = from; d <= to; d++) {
      const slot = `${new Date(d * 86_400_000).toISOString().slice(0, 10)}T${time}`;
      out.push(take(id, slot, slot));
    }
    return out;
  };

  it('counts a medication started mid-period only from its start', () => {
    const m1 = med('new', [phase({ from: day('2026-04-04'), times: ['09:00'] })]);
    const r = adherence(regimen([m1], allTaken('new', day('2026-04-04'), day('2026-04-07'))), day('2026-04-01'), day('2026-04-07'), t('2026-04-08T12:00'), clock);
    const m = only(r, 'new');
    expect(m).toMatchObject({ scheduled: 4, taken: 4, takingAdherence: 1, firstDay: day('2026-04-04'), lastDay: day('2026-04-07'), longestGapDays: 0, currentStreakDays: 4 });
    expect(m.cells).toEqual(['none', 'none', 'none', 'on-time', 'on-time', 'on-time', 'on-time']);
  });

  it('counts a medication stopped mid-period only until it stopped', () => {
    const m1 = med('old', [phase({ from: day('2026-03-01'), until: day('2026-04-03'), times: ['09:00'] })]);
    const r = adherence(regimen([m1], allTaken('old', day('2026-04-01'), day('2026-04-02'))), day('2026-04-01'), day('2026-04-07'), t('2026-04-08T12:00'), clock);
    const m = only(r, 'old');
    expect(m).toMatchObject({ scheduled: 3, taken: 2, missed: 1, lastDay: day('2026-04-03'), currentStreakDays: 0, longestGapDays: 1 });
    expect(m.cells).toEqual(['on-time', 'on-time', 'missed', 'none', 'none', 'none', 'none']);
  });

  it('leaves out a medication with nothing in the period, unless asked for by id', () => {
    const m1 = med('gone', [phase({ from: day('2026-01-01'), until: day('2026-01-31'), times: ['09:00'] })]);
    const reg = regimen([m1, metformin], metforminLog);
    expect(adherence(reg, day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock).medications.map((m) => m.med)).toEqual(['metformin']);
    const asked = adherence(reg, day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock, { med: m1 });
    expect(asked.medications).toHaveLength(1);
    expect(asked.medications[0]).toMatchObject({ med: 'gone', scheduled: 0, takingAdherence: null, adherent: null });
  });

  it('editing a schedule (a second phase) leaves the days before the edit unchanged', () => {
    const before = med('lisinopril', [phase({ from: day('2026-04-01'), times: ['09:00'] })]);
    // 04-04: the dose is doubled to twice daily: the edit ends phase 0 and starts phase 1.
    const after = med('lisinopril', [
      phase({ from: day('2026-04-01'), until: day('2026-04-03'), times: ['09:00'] }),
      phase({ from: day('2026-04-04'), times: ['09:00', '21:00'] }),
    ]);
    const log = allTaken('lisinopril', day('2026-04-01'), day('2026-04-06'));
    const a = only(adherence(regimen([before], log), day('2026-04-01'), day('2026-04-03'), t('2026-04-07T12:00'), clock), 'lisinopril');
    const b = only(adherence(regimen([after], log), day('2026-04-01'), day('2026-04-03'), t('2026-04-07T12:00'), clock), 'lisinopril');
    const strip = (m: MedAdherence) => ({ ...m, firstDay: undefined, lastDay: undefined });
    expect(strip(b)).toEqual(strip(a));
    expect(a).toMatchObject({ scheduled: 3, taken: 3 });
    // The whole week: 3 once-daily days + 3 twice-daily days with only 09:00 taken.
    const w = only(adherence(regimen([after], log), day('2026-04-01'), day('2026-04-06'), t('2026-04-07T12:00'), clock), 'lisinopril');
    expect(w).toMatchObject({ scheduled: 9, taken: 6, missed: 3, correctDays: 3, dosingDays: 6 });
    expect(w.cells).toEqual(['on-time', 'on-time', 'on-time', 'partial', 'partial', 'partial']);
  });

});

describe('adherence: as-needed, overall and PDC', () => {
  const ibuprofen = med('ibuprofen', [phase({ asNeeded: true, maxPerDay: 4, dose: 2, minIntervalMs: 6 * 3_600_000 })]);
  const ibuLog = [
    take('ibuprofen', '2026-04-01T09:00'),
    take('ibuprofen', '2026-04-01T17:00'),
    ...['07:00', '10:00', '13:00', '16:00', '19:00'].map((h) => take('ibuprofen', `2026-04-03T${h}`)),
    take('ibuprofen', '2026-04-05T12:00'),
  ];

  it('as-needed: doses per day and days over the limit, never a percentage', () => {
    const r = adherence(regimen([ibuprofen], ibuLog), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock);
    const m = only(r, 'ibuprofen');
    expect(m.kind).toBe('as-needed');
    expect(m.asNeeded).toMatchObject({ doses: 8, units: 16, daysUsed: 3, daysInForce: 5, perDay: 1.6, maxPerDay: 4, daysOverLimit: 1, overLimitDays: [day('2026-04-03')] });
    expect(m.asNeeded!.counts).toEqual([2, 0, 5, 0, 1]);
    expect(m).toMatchObject({ scheduled: 0, takingAdherence: null, timingAdherence: null, pdc: null, adherent: null });
    expect(r.overall.medications).toBe(0);
    expect(r.overall.takingAdherence).toBeNull();
  });

  it('as-needed days in force stop at today (no average over days not yet lived)', () => {
    const m = only(adherence(regimen([ibuprofen], ibuLog), day('2026-04-01'), day('2026-04-10'), t('2026-04-05T20:00'), clock), 'ibuprofen');
    expect(m.asNeeded).toMatchObject({ daysInForce: 5, perDay: 1.6 });
  });

  it('overall sums the scheduled medications (dose-weighted) and leaves as-needed out', () => {
    const statin = med('statin', [phase({ from: day('2026-04-01'), times: ['21:00'] })]);
    const statinLog = ['01', '02', '03', '04', '05'].map((d) => take('statin', `2026-04-${d}T21:00`, `2026-04-${d}T21:00`));
    const r = adherence(regimen([metformin, statin, ibuprofen], [...metforminLog, ...statinLog, ...ibuLog]), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock);
    expect(r.overall).toMatchObject({ medications: 2, scheduled: 15, taken: 10, onTime: 9, skipped: 2, missed: 3, dosingDays: 10, correctDays: 7 });
    expect(r.overall.takingAdherence).toBeCloseTo(10 / 15, 12);
    expect(r.overall.correctDosingDays).toBe(0.7);
    // Something was taken every day (the statin), so there is no regimen-wide gap; 04-05 had a missed dose.
    expect(r.overall.longestGapDays).toBe(0);
    expect(r.overall.currentStreakDays).toBe(0);
    expect(r.overall.cells).toEqual(['on-time', 'partial', 'late', 'partial', 'partial']);
    expect(r.overall.adherent).toBe(false);
  });

  it('reports PDC where there are fills and judges adherence by it (0.80)', () => {
    // Every dose taken, but the only fill in April covers 04-11..04-20: PDC 10/20.
    const statin = med('statin', [phase({ from: day('2026-03-01'), times: ['21:00'] })], {
      supply: { fills: [{ date: day('2026-04-11'), quantity: 10, daysSupply: 10 }] },
    });
    const log: LogEntry[] = [];
    for (let d = 1; d <= 30; d++) {
      const s = `2026-04-${String(d).padStart(2, '0')}T21:00`;
      log.push(take('statin', s, s));
    }
    const m = only(adherence(regimen([statin], log), day('2026-04-01'), day('2026-04-30'), t('2026-05-01T12:00'), clock), 'statin');
    expect(m.takingAdherence).toBe(1);
    // One fill in a 30-day period: not PQA's measure (pdc null), the period's coverage from that fill: 10 of 20.
    expect(m).toMatchObject({ pdc: null, pdcIneligible: 'one-fill-date', pdcIndexDay: day('2026-04-11'), pdcMeasure: 'period', pdcThreshold: 0.8, adherent: false });
    expect(m.periodCoverage).toEqual({ from: day('2026-04-11'), to: day('2026-04-30'), days: 20, coveredDays: 10, proportion: 0.5 });
  });

  it('counts supply carried in by a fill before the period, leaves the gap after it uncovered, and stops at a stop', () => {
    // 03-15 x30 covers 03-15..04-13; the next fill is 04-28. Stopped (until) 05-10. Period 04-01..05-31.
    const statin = med('statin', [phase({ from: day('2026-03-01'), until: day('2026-05-10'), times: ['21:00'] })], {
      supply: { fills: [{ date: day('2026-03-15'), quantity: 30, daysSupply: 30 }, { date: day('2026-04-28'), quantity: 30, daysSupply: 30 }] },
    });
    const m = only(adherence(regimen([statin], []), day('2026-04-01'), day('2026-05-31'), t('2026-06-01T12:00'), clock), 'statin');
    // 04-01..05-10 is 40 days; covered 04-01..04-13 (13) and 04-28..05-10 (13).
    expect(m.periodCoverage).toEqual({ from: day('2026-04-01'), to: day('2026-05-10'), days: 40, coveredDays: 26, proportion: 26 / 40 });
    expect(m).toMatchObject({ pdc: null, pdcIneligible: 'one-fill-date', pdcMeasure: 'period', adherent: false });
  });

  it("reports PQA's PDC where the period qualifies (two fill dates, the first at least 91 days before the end)", () => {
    const statin = med('statin', [phase({ from: day('2026-01-01'), times: ['21:00'] })], {
      supply: { fills: [{ date: day('2026-01-01'), quantity: 90, daysSupply: 90 }, { date: day('2026-04-15'), quantity: 90, daysSupply: 90 }] },
    });
    const m = only(adherence(regimen([statin], []), day('2026-01-01'), day('2026-06-30'), t('2026-07-01T12:00'), clock), 'statin');
    // 01-01..03-31 and 04-15..06-30: 90 + 77 of 181 days.
    expect(m).toMatchObject({ pdcMeasure: 'pqa', pdcCoveredDays: 167, pdcPeriodDays: 181, pdcIndexDay: day('2026-01-01'), adherent: true });
    expect(m.pdc).toBeCloseTo(167 / 181, 12);
  });

  it('uses 0.90 for an antiretroviral and an explicit threshold over both', () => {
    // 17 of 20 days covered: 0.85 passes 0.80 but not 0.90.
    const fills = [{ date: day('2026-04-11'), quantity: 17, daysSupply: 17 }];
    const arv = med('dtg', [phase({ from: day('2026-03-01'), times: ['09:00'] })], { ingredients: ['dolutegravir'], supply: { fills } });
    const other = med('statin', [phase({ from: day('2026-03-01'), times: ['09:00'] })], { supply: { fills } });
    const reg = regimen([arv, other], []);
    const r = adherence(reg, day('2026-04-01'), day('2026-04-30'), t('2026-05-01T12:00'), clock);
    expect(only(r, 'dtg')).toMatchObject({ periodCoverage: { proportion: 0.85 }, pdcThreshold: 0.9, adherent: false });
    expect(only(r, 'statin')).toMatchObject({ periodCoverage: { proportion: 0.85 }, pdcThreshold: 0.8, adherent: true });
    // Known only by its brand: the same 0.90.
    const brand = med('biktarvy', [phase({ from: day('2026-03-01'), times: ['09:00'] })], { name: 'Biktarvy', supply: { fills } });
    expect(only(adherence(regimen([brand], []), day('2026-04-01'), day('2026-04-30'), t('2026-05-01T12:00'), clock), 'biktarvy')).toMatchObject({ pdcThreshold: 0.9, adherent: false });
    const set = adherence({ ...reg, settings: { ...reg.settings, pdcThreshold: 0.85 } }, day('2026-04-01'), day('2026-04-30'), t('2026-05-01T12:00'), clock);
    expect(only(set, 'dtg')).toMatchObject({ pdcThreshold: 0.85, adherent: true });
    const opt = adherence(reg, day('2026-04-01'), day('2026-04-30'), t('2026-05-01T12:00'), clock, { pdcThreshold: 0.95 });
    expect(only(opt, 'statin')).toMatchObject({ pdcThreshold: 0.95, adherent: false });
  });
});

describe('adherence: ten years of twelve medications', () => {
  // Speed is measured by `npm run bench` with whole processes, never by a timed test.
  it('counts every scheduled dose of ten years of twelve medications', { timeout: 30_000 }, () => {
    const from = day('2016-04-01');
    const to = from + 3649;
    const meds: Medication[] = [];
    const log: LogEntry[] = [];
    for (let k = 0; k < 12; k++) {
      const times = k % 3 === 0 ? ['08:00', '20:00'] : k % 3 === 1 ? ['09:00'] : ['07:00', '13:00', '19:00'];
      meds.push(med(`m${k}`, [phase({ from, times })]));
    }
    // A realistic log: most doses recorded with `for:` (as `meds take` writes), one in ten missed.
    for (let d = from; d <= to; d++) {
      const date = new Date(d * 86_400_000).toISOString().slice(0, 10);
      for (const m of meds) {
        for (const tt of m.phases[0]!.times) {
          if ((d + tt.minute + m.id.length) % 10 === 0) continue;
          const slot = `${date}T${String(Math.floor(tt.minute / 60)).padStart(2, '0')}:${String(tt.minute % 60).padStart(2, '0')}`;
          log.push({ at: clock.toInstant(d, tt.minute + 5), atText: slot, med: m.id, for: slot, status: 'taken', index: log.length });
        }
      }
    }
    const reg = regimen(meds, log);
    const r = adherence(reg, from, to, clock.toInstant(to + 1, 12 * 60), clock);
    // The same from the log as numbers (as the loader gives it), and with an empty regimen.log.
    expect(adherence({ ...reg, log: [] }, from, to, clock.toInstant(to + 1, 12 * 60), clock, { log: columnsOf(reg.log, reg.medications) })).toEqual(r);
    expect(r.medications).toHaveLength(12);
    expect(r.overall.scheduled).toBe(3650 * (4 * 2 + 4 * 1 + 4 * 3));
    expect(r.overall.taken).toBe(log.length);
  });
});
