import { describe, expect, it } from 'vitest';
import type { LogEntry, Medication, Phase } from '../../src/model/types.js';
import { adherence } from '../../src/core/adherence.js';
import type { SupplyStatus } from '../../src/core/supply.js';
import {
  adherenceJson,
  adherenceNotes,
  adherencePicture,
  adherenceRows,
  ASCII_GLYPHS,
  asNeededRows,
  formatPercent,
  GLYPHS,
  legend,
  pictureMode,
} from '../../src/render/adherence.js';
import { refillRows, refillsJson } from '../../src/render/refills.js';
import { plainPalette, type Palette } from '../../src/render/output.js';
import { clock, day, phase, regimen, t } from '../helpers/build.js';

// ---- a small local builder: fixed zone, plain objects (test/helpers/build.ts) ---------
function med(id: string, phases: Phase[]): Medication {
  return { id, unit: 'tablet', index: 0, phases: phases.map((p, i) => ({ ...p, index: i })) };
}
const take = (m: string, at: string, forSlot?: string): LogEntry => ({ at: t(at), atText: at, med: m, status: 'taken', index: 0, ...(forSlot ? { for: forSlot } : {}) });
const skip = (m: string, slot: string): LogEntry => ({ at: t(slot), atText: slot, med: m, status: 'skipped', for: slot, index: 0 });

// The week of test/core/adherence.test.ts: 2026-04-01 (Wed) .. 04-05 (Sun): on-time, partial, late, skipped, missed.
const metformin = med('metformin', [phase({ from: day('2026-04-01'), times: ['08:00', '20:00'] })]);
const ibuprofen = med('ibuprofen', [phase({ asNeeded: true, dose: 2, maxPerDay: 4 })]);
const log = [
  take('metformin', '2026-04-01T08:05', '2026-04-01T08:00'),
  take('metformin', '2026-04-01T20:10', '2026-04-01T20:00'),
  take('metformin', '2026-04-02T08:00', '2026-04-02T08:00'),
  take('metformin', '2026-04-03T11:00'),
  take('metformin', '2026-04-03T20:00', '2026-04-03T20:00'),
  skip('metformin', '2026-04-04T08:00'),
  skip('metformin', '2026-04-04T20:00'),
  take('ibuprofen', '2026-04-01T09:00'),
  take('ibuprofen', '2026-04-01T17:00'),
  ...['07:00', '10:00', '13:00', '16:00', '19:00'].map((h) => take('ibuprofen', `2026-04-03T${h}`)),
  take('ibuprofen', '2026-04-05T12:00'),
];
const week = adherence(regimen([metformin, ibuprofen], log), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock);
const metforminOnly = adherence(regimen([metformin], log), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock);

const tag = (name: string) => (s: string) => `<${name}>${s}</${name}>`;
const tagged: Palette = { green: tag('g'), yellow: tag('y'), red: tag('r'), blue: tag('b'), dim: tag('d'), bold: tag('B'), cyan: tag('c'), magenta: tag('m') };

describe('glyphs', () => {
  it('tells every day state apart by shape alone, in Unicode and in ASCII', () => {
    expect(new Set(Object.values(GLYPHS)).size).toBe(7);
    expect(new Set(Object.values(ASCII_GLYPHS)).size).toBe(7);
    for (const g of Object.values(ASCII_GLYPHS)) expect(g).toMatch(/^[\x21-\x7e]$/);
  });
});

describe('adherencePicture', () => {
  it('draws one character per day, weeks aligned to Monday, with the date over the first day', () => {
    const lines = adherencePicture(week).split('\n');
    // Wednesday first: two blank columns for Mon and Tue.
    expect(lines.slice(0, 3)).toEqual([
      '             Apr 1',
      'metformin    ●◔◐s✗',
      'ibuprofen    2·!·1', // as-needed: doses per day, ! over maxPerDay (5 > 4)
    ]);
    expect(lines[3]).toBe('');
    expect(lines[4]).toBe(legend('days'));
  });

  it('reads without color in ASCII', () => {
    expect(adherencePicture(metforminOnly, { ascii: true }).split('\n')[1]).toBe('metformin    #%+sx');
  });

  it('colors each glyph when given a palette, and emits no escape codes without one', () => {
    const row = adherencePicture(metforminOnly, { palette: tagged }).split('\n')[1]!;
    expect(row).toContain('<g>●</g><y>◔</y><y>◐</y><b>s</b><r>✗</r>');
    expect(adherencePicture(week)).not.toMatch(/\x1b/);
  });

  it('wraps weeks with a space and adds an "all" row for several scheduled medications', () => {
    const statin = med('statin', [phase({ from: day('2026-04-01'), times: ['21:00'] })]);
    const r = adherence(regimen([metformin, statin], log), day('2026-03-30'), day('2026-04-12'), t('2026-04-13T12:00'), clock);
    const lines = adherencePicture(r).split('\n');
    expect(lines[0]).toBe('           Mar 30  Apr 6');
    expect(lines[1]).toBe('metformin  ··●◔◐s✗ ✗✗✗✗✗✗✗');
    expect(lines[2]).toBe('statin     ··✗✗✗✗✗ ✗✗✗✗✗✗✗');
    expect(lines[3]).toBe('all        ··◔◔◔✗✗ ✗✗✗✗✗✗✗');
  });

  it('shows a line per month for longer periods, with a day-of-month ruler', () => {
    expect(pictureMode(92)).toBe('days');
    expect(pictureMode(93)).toBe('months');
    const lines = adherencePicture(metforminOnly, { mode: 'months' }).split('\n');
    expect(lines.slice(0, 3)).toEqual(['metformin', '          1   5    10   15   20   25   30', '  2026-04 ●◔◐s✗']);
  });

  it('summarises ten years as a character per month', () => {
    const statin = med('statin', [phase({ from: day('2016-01-01'), times: ['21:00'] })]);
    const march: LogEntry[] = [];
    for (let d = 1; d <= 31; d++) {
      const s = `2016-03-${String(d).padStart(2, '0')}T21:00`;
      march.push(take('statin', s, s));
    }
    const r = adherence(regimen([statin], march), day('2016-01-01'), day('2025-12-31'), t('2026-01-01T12:00'), clock);
    expect(pictureMode(3653)).toBe('years');
    const lines = adherencePicture(r).split('\n');
    expect(lines.slice(0, 4)).toEqual(['statin', '       JFMAMJJASOND', '  2016 ✗✗█✗✗✗✗✗✗✗✗✗', '  2017 ✗✗✗✗✗✗✗✗✗✗✗✗']);
    expect(lines[11]).toBe('  2025 ✗✗✗✗✗✗✗✗✗✗✗✗');
    expect(lines).toHaveLength(12 + 2); // title, header, 10 years, blank, legend
    expect(adherencePicture(r, { ascii: true }).split('\n')[2]).toBe('  2016 xx#xxxxxxxxx');
  });

  it('says so when nothing is scheduled', () => {
    const r = adherence(regimen([metformin], []), day('2026-03-01'), day('2026-03-05'), t('2026-04-06T12:00'), clock);
    expect(adherencePicture(r)).toBe('Nothing scheduled in this period.');
  });
});

describe('tables and notes', () => {
  it('formats percentages rounded down, so 80% means at least 80%', () => {
    expect(formatPercent(0.79999)).toBe('79%');
    expect(formatPercent(0.57)).toBe('57%');
    expect(formatPercent(0.995)).toBe('99%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });

  it('gives a row of numbers per scheduled medication', () => {
    const rows = adherenceRows(metforminOnly);
    expect(rows[0]).toEqual(['Medication', 'Scheduled', 'Taken', 'On time', 'Late', 'Skipped', 'Missed', 'Taking', 'Timing', 'Correct days', 'Longest gap', 'Streak', 'PDC', 'Adherent']);
    expect(rows[1]).toEqual(['metformin', '10', '5', '4', '1', '2', '3', '50%', '40%', '40% (2/5)', '2 d', '0 d', '—', 'no']);
    expect(rows).toHaveLength(2); // no overall line for one medication
  });

  it('gives as-needed use as counts, never a percentage', () => {
    expect(asNeededRows(week)).toEqual([
      ['Medication (as needed)', 'Doses', 'Days used', 'Per day', 'Max per day', 'Days over limit'],
      ['ibuprofen', '8', '3/5', '1.6', '4', '1 (2026-04-03)'],
    ]);
  });

  it('notes a medication counted from its start, and the 80% caveat', () => {
    const late = med('late', [phase({ from: day('2026-04-03'), times: ['09:00'] })]);
    const notes = adherenceNotes(adherence(regimen([late], []), day('2026-04-01'), day('2026-04-05'), t('2026-04-06T12:00'), clock));
    expect(notes[0]).toBe('late: counted from 2026-04-03, when it started.');
    expect(notes.at(-1)).toMatch(/convention/);
  });
});

describe('JSON envelopes', () => {
  it('meds adherence --json', () => {
    const j = adherenceJson(week);
    expect(j).toMatchObject({ schemaVersion: 1, from: '2026-04-01', to: '2026-04-05' });
    expect(j.overall).toMatchObject({ medications: 1, scheduled: 10, takingAdherence: 0.5, adherent: false });
    expect(j.medications[0]).toMatchObject({
      med: 'metformin',
      scheduled: 10,
      taken: 5,
      onTime: 4,
      skipped: 2,
      missed: 3,
      takingAdherence: 0.5,
      timingAdherence: 0.4,
      correctDosingDays: 0.4,
      longestGapDays: 2,
      pdc: null,
      adherent: false,
    });
    expect(j.medications[1]).toMatchObject({ med: 'ibuprofen', takingAdherence: null, pdc: null, asNeeded: { doses: 8, perDay: 1.6, daysOverLimit: 1, overLimitDays: ['2026-04-03'] } });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  const statuses: SupplyStatus[] = [
    { med: 'metformin', onHand: 9, dailyUse: 2, runsOutOn: day('2026-03-01'), refillBy: day('2026-02-26'), leadDays: 3, refillsLeft: 1, status: 'refill-soon' },
    { med: 'vitd', dailyUse: 1 / 7, leadDays: 7, status: 'unknown' },
  ];

  it('meds refills --json', () => {
    expect(refillsJson(statuses)).toEqual({
      schemaVersion: 1,
      medications: [
        { med: 'metformin', onHand: 9, dailyUse: 2, recentDailyUse: null, runsOutOn: '2026-03-01', runsOutAtMaxOn: null, refillBy: '2026-02-26', refillsLeft: 1, expires: null, status: 'refill-soon' },
        { med: 'vitd', onHand: null, dailyUse: 0.1429, recentDailyUse: null, runsOutOn: null, runsOutAtMaxOn: null, refillBy: null, refillsLeft: null, expires: null, status: 'unknown' },
      ],
    });
  });

  it('refill table rows', () => {
    expect(refillRows(statuses, plainPalette)).toEqual([
      ['Medication', 'On hand', 'Per day', 'Runs out', 'Order by', 'Refills left', 'Expires', 'Status'],
      ['metformin', '9', '2', '2026-03-01', '2026-02-26', '1', '—', 'refill soon'],
      ['vitd', '—', '0.14', '—', '—', '—', '—', 'not counted'],
    ]);
    expect(refillRows(statuses, tagged)[1]![7]).toBe('<y>refill soon</y>');
  });
});
