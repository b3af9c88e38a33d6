import { describe, expect, it } from 'vitest';
import { assessDay, assessMedication, windowOf } from '../../src/core/doses.js';
import { planRecord, type RecordPlan } from '../../src/core/record.js';
import type { LogEntry, Regimen } from '../../src/model/types.js';
import { clockOf, regimen } from '../helpers/regimen.js';

const base = `medications:
  - { id: bid, schedule: { times: ["08:00", "20:00"] } }
  - { id: tid, schedule: { times: ["08:00", "12:00", "18:00"] } }
  - { id: late, schedule: { times: ["23:00"] } }
  - { id: prn, dose: 2, schedule: { asNeeded: true, minInterval: 6h, maxPerDay: 4 } }
`;

/** A regimen with log entries given as [at, med, status, for?]. */
function withLog(entries: [string, string, 'taken' | 'skipped', string?][]): Regimen {
  const log = entries.map(([at, med, status, slot]) => `  - { at: ${at}, med: ${med}${slot ? `, for: ${slot}` : ''}, status: ${status} }`).join('\n');
  return regimen(base + (entries.length ? `log:\n${log}\n` : ''));
}

function plan(r: Regimen, med: string, status: 'taken' | 'skipped', at: string, forText?: string): RecordPlan {
  const c = clockOf(r);
  return planRecord(r, r.medications.find((m) => m.id === med)!, status, c.parse(at)!, c, forText);
}
const slotOf = (p: RecordPlan) => (p.kind === 'scheduled' ? p.dose.slot : p.kind);

describe('crediting a take to a scheduled dose', () => {
  it.each([
    ['credits a 09:40 take to the 08:00 dose when the 12:00 dose is still upcoming', 'tid', '2026-05-01T09:40', '2026-05-01T08:00'],
    ['credits an 11:30 take to the 12:00 dose (inside its early window, nearer)', 'tid', '2026-05-01T11:30', '2026-05-01T12:00'],
    ['credits a 09:50 take to the 08:00 dose: before the halfway point to 12:00, which has not opened its window yet', 'tid', '2026-05-01T09:50', '2026-05-01T08:00'],
    ['credits a 07:10 take to the 08:00 dose (early, inside the 1 h window)', 'bid', '2026-05-01T07:10', '2026-05-01T08:00'],
    ['credits a 13:30 take to the 08:00 dose, 5 h 30 min late, before the halfway point to 20:00', 'bid', '2026-05-01T13:30', '2026-05-01T08:00'],
    ['credits a 19:30 take to the 20:00 dose, leaving 08:00 missed', 'bid', '2026-05-01T19:30', '2026-05-01T20:00'],
    ['credits a 00:30 take to the 23:00 dose of the day before (across midnight)', 'late', '2026-05-02T00:30', '2026-05-01T23:00'],
  ])('%s', (_name, med, at, slot) => {
    expect(slotOf(plan(withLog([]), med, 'taken', at))).toBe(slot);
  });

  it.each([
    ['a 10:30 take, past the halfway point between 08:00 and 12:00', 'tid', '2026-05-01T10:30', '2026-05-01 08:00 dose is 2 h 30 min late'],
    ['a 15:00 take, 7 h late, past the halfway point between 08:00 and 20:00', 'bid', '2026-05-01T15:00', '2026-05-01 08:00 dose is 7 h late'],
  ])('%s is an extra dose, with a warning that names the missed dose and its rule, not a late credit', (_name, med, at, says) => {
    const p = plan(withLog([]), med, 'taken', at);
    expect(p.kind).toBe('extra');
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(says);
    expect(p.warnings[0]).toMatch(/^NOT A SCHEDULED DOSE: .*its missed-dose rule \(general\) says: Skip your 08:00 /);
  });

  it('marks the on-time window: 2 h late is on time, 2 h 1 min is late', () => {
    const r = withLog([]);
    const a = plan(r, 'bid', 'taken', '2026-05-01T10:00');
    const b = plan(r, 'bid', 'taken', '2026-05-01T10:01');
    expect(a.kind === 'scheduled' && a.onTime).toBe(true);
    expect(b.kind === 'scheduled' && b.onTime).toBe(false);
  });

  it('records a take that answers no pending dose as an extra dose, with a double-dose warning', () => {
    const r = withLog([['2026-05-01T08:02-04:00', 'bid', 'taken', '2026-05-01T08:00']]);
    const p = plan(r, 'bid', 'taken', '2026-05-01T09:00');
    expect(p.kind).toBe('extra');
    expect(p.warnings.join(' ')).toMatch(/POSSIBLE DOUBLE DOSE.*08:00 dose of bid was already taken at 08:02/);
  });

  it('records an explicit --for a dose already taken as an extra dose', () => {
    const r = withLog([['2026-05-01T08:02-04:00', 'bid', 'taken', '2026-05-01T08:00']]);
    expect(plan(r, 'bid', 'taken', '2026-05-01T09:00', '08:00').kind).toBe('extra');
  });

  it('accepts --for as HH:MM, routine-free date-time, and a take for a dose that was skipped replaces the skip', () => {
    const r = withLog([['2026-05-01T08:10-04:00', 'bid', 'skipped', '2026-05-01T08:00']]);
    const p = plan(r, 'bid', 'taken', '2026-05-01T09:00', '2026-05-01T08:00');
    expect(p.kind === 'scheduled' && p.replacesSkip).toBe(true);
    expect(slotOf(plan(r, 'bid', 'taken', '2026-05-01T19:00', '20:00'))).toBe('2026-05-01T20:00');
  });

  it('refuses --for a time with no scheduled dose, naming the scheduled ones (exit 2)', () => {
    expect(() => plan(withLog([]), 'bid', 'taken', '2026-05-01T09:00', '09:00')).toThrowError(expect.objectContaining({ exitCode: 2, hint: expect.stringContaining('2026-05-01 08:00') }));
  });
});

describe('skipping', () => {
  it('credits a skip to the pending dose nearest in time', () => {
    expect(slotOf(plan(withLog([]), 'bid', 'skipped', '2026-05-01T08:30'))).toBe('2026-05-01T08:00');
  });
  it('skips the next dose ahead of time when nothing is pending now', () => {
    const r = withLog([['2026-05-01T08:00-04:00', 'bid', 'taken', '2026-05-01T08:00']]);
    expect(slotOf(plan(r, 'bid', 'skipped', '2026-05-01T10:00'))).toBe('2026-05-01T20:00');
  });
});

describe('as-needed limits: recorded, never refused, with warnings', () => {
  it('warns when under the minimum interval', () => {
    const r = withLog([['2026-05-01T08:00-04:00', 'prn', 'taken']]);
    const p = plan(r, 'prn', 'taken', '2026-05-01T12:00');
    expect(p.kind).toBe('as-needed');
    expect(p.warnings).toEqual(['only 4 h from the prn dose at 08:00; the minimum interval is 6 h']);
  });
  it('warns when a fifth dose falls within 24 hours of four others', () => {
    const r = withLog([
      ['2026-05-01T00:00-04:00', 'prn', 'taken'], ['2026-05-01T06:00-04:00', 'prn', 'taken'], ['2026-05-01T12:00-04:00', 'prn', 'taken'], ['2026-05-01T18:00-04:00', 'prn', 'taken'],
    ]);
    const p = plan(r, 'prn', 'taken', '2026-05-01T23:59');
    expect(p.warnings.join(' ')).toContain('this makes 5 doses of prn within 24 hours; the maximum is 4');
    expect(plan(r, 'prn', 'taken', '2026-05-02T00:01').warnings).toEqual([]); // the 00:00 dose has left the window
  });
  it('checks a dose recorded after the fact against later doses too', () => {
    const r = withLog([['2026-05-01T12:00-04:00', 'prn', 'taken']]);
    expect(plan(r, 'prn', 'taken', '2026-05-01T10:00').warnings[0]).toContain('only 2 h from the prn dose at 12:00');
  });
});

describe('the state of each dose at a moment', () => {
  function states(r: Regimen, med: string, day: string, now: string) {
    const c = clockOf(r);
    const m = r.medications.find((x) => x.id === med)!;
    const d = c.dayOf(c.parse(day + 'T12:00')!);
    return assessMedication(m, r.log, d, d, c.parse(now)!, c, windowOf(r.settings)).doses.map((x) => `${x.slot.slice(11)} ${x.status}${x.onTime === false ? ' late' : ''}`);
  }
  it('upcoming before the window, due inside it, missed once it has closed with nothing recorded', () => {
    const r = withLog([]);
    expect(states(r, 'tid', '2026-05-01', '2026-05-01T06:59')).toEqual(['08:00 upcoming', '12:00 upcoming', '18:00 upcoming']);
    expect(states(r, 'tid', '2026-05-01', '2026-05-01T07:00')).toEqual(['08:00 due', '12:00 upcoming', '18:00 upcoming']);
    expect(states(r, 'tid', '2026-05-01', '2026-05-01T10:00')).toEqual(['08:00 due', '12:00 upcoming', '18:00 upcoming']);
    expect(states(r, 'tid', '2026-05-01', '2026-05-01T10:01')).toEqual(['08:00 missed', '12:00 upcoming', '18:00 upcoming']);
  });
  it('credits hand-written entries without `for` on load, in the order recorded', () => {
    const r = withLog([['2026-05-01T09:40-04:00', 'tid', 'taken'], ['2026-05-01T12:05-04:00', 'tid', 'taken']]);
    expect(states(r, 'tid', '2026-05-01', '2026-05-01T13:00')).toEqual(['08:00 taken', '12:00 taken', '18:00 upcoming']);
  });
  it('counts a late take as taken but not on time', () => {
    const r = withLog([['2026-05-01T15:00-04:00', 'bid', 'taken', '2026-05-01T08:00']]);
    expect(states(r, 'bid', '2026-05-01', '2026-05-01T16:00')).toEqual(['08:00 taken late', '20:00 upcoming']);
  });
  it('keeps a take over a later skip of the same dose, and an extra take is listed as extra', () => {
    const r = withLog([
      ['2026-05-01T08:00-04:00', 'bid', 'taken', '2026-05-01T08:00'],
      ['2026-05-01T08:30-04:00', 'bid', 'skipped', '2026-05-01T08:00'],
      ['2026-05-01T09:00-04:00', 'bid', 'taken', '2026-05-01T08:00'],
    ]);
    const c = clockOf(r);
    const day = assessDay(r, c.dayOf(c.parse('2026-05-01T12:00')!), c.parse('2026-05-01T12:00')!, c).find((m) => m.med.id === 'bid')!;
    expect(day.doses[0]!.status).toBe('taken');
    expect(day.extras.map((e: LogEntry) => e.atText)).toEqual(['2026-05-01T09:00-04:00']);
  });
});

describe('regressions found in review', () => {
  it('credits a take whose slot an edit has since removed to the new dose by its time, so it is not shown as due again', () => {
    const r = regimen(`medications:
  - { id: m, schedule: [{ times: ["07:00"], until: 2026-05-01 }, { from: 2026-05-01, times: ["08:00"] }] }
log:
  - { at: 2026-05-01T07:04-04:00, med: m, for: 2026-05-01T07:00, status: taken }
`);
    const c = clockOf(r);
    const now = c.parse('2026-05-01T09:00')!;
    const day = assessDay(r, c.dayOf(now), now, c)[0]!;
    expect(day.doses.map((d) => `${d.slot} ${d.status}`)).toEqual(['2026-05-01T08:00 taken']);
    expect(day.extras).toEqual([]);
  });

  it('warns about maxPerDay when the new dose is recorded before the others of the same 24 hours', () => {
    const r = withLog([['2026-05-01T08:00-04:00', 'prn', 'taken'], ['2026-05-01T14:00-04:00', 'prn', 'taken'], ['2026-05-01T20:00-04:00', 'prn', 'taken'], ['2026-05-01T23:59-04:00', 'prn', 'taken']]);
    expect(plan(r, 'prn', 'taken', '2026-05-01T01:00').warnings.join(' ')).toContain('this makes 5 doses of prn within 24 hours; the maximum is 4');
  });
});
