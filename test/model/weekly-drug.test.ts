/**
 * The `weekly-drug-daily` validation warning: a medicine taken once a week (methotrexate,
 * alendronate 70 mg, risedronate 35 mg, weekly GLP-1 injections) scheduled more often.
 */
import { describe, expect, it } from 'vitest';
import { parseRegimen } from '../../src/store/load-parse.js';

const file = (med: string) => `meds: 1
patient: { timezone: Europe/London }
medications:
  - ${med}
`;
const warningsOf = (med: string) => {
  const text = file(med);
  const fast = parseRegimen(text, 'r.yaml').warnings;
  expect(parseRegimen(text, 'r.yaml', { full: true }).warnings).toEqual(fast);
  return fast.filter((w) => w.code === 'weekly-drug-daily');
};

describe('a weekly medicine scheduled more often than weekly is warned about', () => {
  it.each([
    ['methotrexate by ingredient, daily', '{ id: mtx, ingredients: [methotrexate], strength: 2.5 mg, schedule: { times: ["08:00"] } }', /methotrexate/],
    ['methotrexate by id, on two weekdays', '{ id: methotrexate, schedule: { days: [mon, thu], times: ["08:00"] } }', /methotrexate/],
    ['methotrexate by brand in the name, every 12 hours', '{ id: ra, name: Maxtrex 2.5mg tablets, schedule: { every: 12h, from: 2026-03-01T08:00 } }', /methotrexate/],
    ['methotrexate on days 1 and 4 of the month', '{ id: methotrexate, schedule: { monthDays: [1, 4], times: ["08:00"] } }', /methotrexate/],
    ['methotrexate 21 days on, 7 off', '{ id: methotrexate, schedule: { cycle: { on: 21, off: 7 }, from: 2026-03-01, times: ["08:00"] } }', /methotrexate/],
    ['alendronate 70 mg in strength, daily', '{ id: alendronate, strength: 70 mg, schedule: { times: ["07:00"] } }', /alendronate 70 mg/],
    ['alendronic acid 70mg in the name, every other day', '{ id: bones, name: Alendronic acid 70mg, schedule: { every: 2d, from: 2026-03-01, times: ["07:00"] } }', /alendronate 70 mg/],
    ['Fosamax 35 mg', '{ id: fosamax, strength: "35 mg", schedule: { times: ["07:00"] } }', /alendronate/],
    ['Binosto (weekly only) without a strength', '{ id: binosto, schedule: { times: ["07:00"] } }', /alendronate/],
    ['risedronate 35 mg daily', '{ id: risedronate, strength: 35 mg, schedule: { times: ["07:00"] } }', /risedronate 35 mg/],
    ['Atelvia daily', '{ id: atelvia, schedule: { times: ["07:00"] } }', /risedronate/],
    ['Ozempic daily', '{ id: ozempic, strength: 1 mg, schedule: { times: ["09:00"] } }', /semaglutide injection/],
    ['Wegovy 2.4 mg daily', '{ id: weight, name: Wegovy 2.4 mg pen, schedule: { times: ["09:00"] } }', /semaglutide injection/],
    ['semaglutide 0.5 mg daily', '{ id: sema, ingredients: [semaglutide], strength: "0,5 mg", schedule: { times: ["09:00"] } }', /semaglutide injection/],
    ['semaglutide with no strength or brand (the safer branch: it may be the injection)', '{ id: semaglutide, schedule: { times: ["09:00"] } }', /Rybelsus/],
    ['dulaglutide (Trulicity) every 2 days', '{ id: trulicity, strength: 1.5 mg, schedule: { every: 2d, from: 2026-03-01, times: ["09:00"] } }', /dulaglutide/],
    ['tirzepatide (Mounjaro) daily', '{ id: diabetes-pen, name: Mounjaro 5 mg, schedule: { times: ["09:00"] } }', /tirzepatide/],
  ])('%s', (_name, med, what) => {
    const w = warningsOf(med);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', path: ['medications', 0, 'schedule'], pos: { file: 'r.yaml', line: 4 } });
    expect(w[0]!.message).toMatch(what);
    expect(w[0]!.message).toMatch(/once a week/i);
    expect(w[0]!.message).toMatch(new RegExp(`^${/id: ([\w-]+)/.exec(med)![1]}\\b.* is scheduled more often than once a week \\(medications\\[0\\]\\.schedule\\)\\. `));
    expect(w[0]!.hint).toMatch(/sources: .*https:\/\//);
  });

  it('names the phase that does it', () => {
    const w = warningsOf(`id: methotrexate
    schedule:
      - { days: [mon], times: ["08:00"], until: 2026-03-31 }
      - { times: ["08:00"], from: 2026-04-01 }`);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ path: ['medications', 0, 'schedule', 1], pos: { line: 7 } });
    expect(w[0]!.message).toContain('methotrexate is scheduled more often than once a week (medications[0].schedule[1]).');
  });

  it('cites the ISMP and NPSA alerts for methotrexate', () => {
    const [w] = warningsOf('{ id: methotrexate, schedule: { times: ["08:00"] } }');
    expect(w!.hint).toContain('ISMP');
    expect(w!.hint).toContain('NPSA');
  });
});

describe('no warning where the schedule or the product is right', () => {
  it.each([
    ['methotrexate once a week', '{ id: methotrexate, schedule: { days: [mon], times: ["08:00"] } }'],
    ['methotrexate split over one day a week', '{ id: methotrexate, schedule: { days: [mon], times: ["08:00", "20:00"] } }'],
    ['methotrexate every: 1w', '{ id: methotrexate, schedule: { every: 1w, from: 2026-03-02, times: ["08:00"] } }'],
    ['methotrexate every 168 hours', '{ id: methotrexate, schedule: { every: 168h, from: 2026-03-02T08:00 } }'],
    ['methotrexate on the 1st and 15th', '{ id: methotrexate, schedule: { monthDays: [1, 15], times: ["08:00"] } }'],
    ['methotrexate as needed (not a schedule)', '{ id: methotrexate, schedule: { asNeeded: true } }'],
    ['methotrexate, a single dose', '{ id: methotrexate, schedule: { times: ["08:00"], from: 2026-03-01, count: 1 } }'],
    ['alendronate 10 mg daily', '{ id: alendronate, strength: 10 mg, schedule: { times: ["07:00"] } }'],
    ['Fosamax with no strength (10 mg daily exists)', '{ id: fosamax, schedule: { times: ["07:00"] } }'],
    ['risedronate 5 mg daily', '{ id: risedronate, strength: 5mg, schedule: { times: ["07:00"] } }'],
    ['risedronate 150 mg monthly', '{ id: risedronate, strength: 150 mg, schedule: { monthDays: [1], times: ["07:00"] } }'],
    ['Rybelsus (semaglutide tablets) daily', '{ id: rybelsus, ingredients: [semaglutide], strength: 7 mg, schedule: { times: ["07:00"] } }'],
    ['semaglutide 14 mg (a tablet) daily', '{ id: semaglutide, strength: 14 mg, schedule: { times: ["07:00"] } }'],
    ['Ozempic once a week', '{ id: ozempic, schedule: { days: [sun], times: ["09:00"] } }'],
    ['metformin daily', '{ id: metformin, strength: 500 mg, schedule: { times: ["08:00", "20:00"] } }'],
  ])('%s', (_name, med) => {
    expect(warningsOf(med)).toEqual([]);
  });
});
