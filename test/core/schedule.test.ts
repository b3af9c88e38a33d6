import { describe, expect, it } from 'vitest';
import { expandDays, nextDoseAfter } from '../../src/core/schedule.js';
import { parseDay } from '../../src/time/time.js';
import { clockOf, oneMed, regimen } from '../helpers/regimen.js';
import { scheduleWords } from '../../src/render/words.js';

/** Doses of the single medication `m` on [from, to], as "local ISO with offset ×dose". */
function doses(schedule: string, from: string, to: string, tz = 'America/New_York', extra = ''): string[] {
  const r = oneMed(schedule, tz, extra);
  const c = clockOf(r);
  return expandDays(r.medications[0]!, parseDay(from)!, parseDay(to)!, c).map((d) => `${c.formatInstant(d.at)} x${d.dose}`);
}

describe('daily clock times', () => {
  it('gives one dose per listed time per day, sorted', () => {
    expect(doses('{ times: ["20:00", "08:00"] }', '2026-05-01', '2026-05-02')).toEqual([
      '2026-05-01T08:00-04:00 x1', '2026-05-01T20:00-04:00 x1', '2026-05-02T08:00-04:00 x1', '2026-05-02T20:00-04:00 x1',
    ]);
  });
  it('resolves routine names from patient.routine', () => {
    expect(doses('{ times: [breakfast, dinner] }', '2026-05-01', '2026-05-01')).toEqual(['2026-05-01T07:00-04:00 x1', '2026-05-01T18:00-04:00 x1']);
  });
  it('applies per-time doses over the medication dose', () => {
    expect(doses('{ times: [{ at: "08:00", dose: 1 }, { at: "20:00", dose: 2 }] }', '2026-05-01', '2026-05-01')).toEqual(['2026-05-01T08:00-04:00 x1', '2026-05-01T20:00-04:00 x2']);
  });
});

describe('day filters', () => {
  it('weekly on Sundays (days: [sun])', () => {
    expect(doses('{ days: [sun], times: ["06:30"] }', '2026-05-01', '2026-05-17')).toEqual(['2026-05-03T06:30-04:00 x1', '2026-05-10T06:30-04:00 x1', '2026-05-17T06:30-04:00 x1']);
  });
  it('every other day counted from `from`', () => {
    expect(doses('{ every: 2d, from: 2026-05-02, times: [wake] }', '2026-05-01', '2026-05-07')).toEqual(['2026-05-02T06:30-04:00 x1', '2026-05-04T06:30-04:00 x1', '2026-05-06T06:30-04:00 x1']);
  });
  it('every 1w counted from `from`', () => {
    expect(doses('{ every: 1w, from: 2026-05-05, times: ["09:00"] }', '2026-05-01', '2026-05-20')).toEqual(['2026-05-05T09:00-04:00 x1', '2026-05-12T09:00-04:00 x1', '2026-05-19T09:00-04:00 x1']);
  });
  it('days of the month', () => {
    expect(doses('{ monthDays: [1, 15], times: ["09:00"] }', '2026-04-30', '2026-05-31')).toEqual(['2026-05-01T09:00-04:00 x1', '2026-05-15T09:00-04:00 x1']);
  });
  it('a 21-on/7-off cycle counted from `from`', () => {
    const all = doses('{ times: ["21:00"], cycle: { on: 21, off: 7 }, from: 2026-01-04 }', '2026-01-01', '2026-02-28');
    const days = all.map((d) => d.slice(0, 10));
    expect(days[0]).toBe('2026-01-04');
    expect(days).toContain('2026-01-24'); // day 21
    expect(days).not.toContain('2026-01-25'); // off days 22..28
    expect(days).not.toContain('2026-01-31');
    expect(days).toContain('2026-02-01'); // the next cycle
    expect(all).toHaveLength(42); // Jan 4-24 and Feb 1-21 on; Jan 25-31 and Feb 22-28 off
  });
});

describe('days of the month at month ends (a day the month lacks falls on its last day)', () => {
  const days = (schedule: string, from: string, to: string) => doses(schedule, from, to, 'UTC').map((d) => d.slice(0, 10));
  const LAST_2026 = ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31'];
  it.each(['[31]', '[last]', '[31, last]'])('monthDays: %s gives one dose a month, on its last day, every month of 2026', (md) => {
    expect(days(`{ monthDays: ${md}, times: ["09:00"] }`, '2026-01-01', '2026-12-31')).toEqual(LAST_2026);
  });
  it.each([
    // [monthDays, from, to, expected days]
    ['[30]', '2026-01-01', '2026-04-30', ['2026-01-30', '2026-02-28', '2026-03-30', '2026-04-30']],
    ['[29]', '2024-02-01', '2024-03-31', ['2024-02-29', '2024-03-29']], // leap year
    ['[29]', '2025-02-01', '2025-03-31', ['2025-02-28', '2025-03-29']],
    ['[30]', '2000-02-01', '2000-02-29', ['2000-02-29']], // 2000 is a leap year (divisible by 400)
    ['[30]', '2100-02-01', '2100-02-28', ['2100-02-28']], // 2100 is not
    ['[last]', '2024-02-01', '2024-02-29', ['2024-02-29']],
    // Days that fall on the same day give one dose.
    ['[30, 31]', '2026-04-01', '2026-05-31', ['2026-04-30', '2026-05-30', '2026-05-31']],
    ['[28, 31]', '2026-02-01', '2026-02-28', ['2026-02-28']],
    ['[29, 30, last]', '2026-02-01', '2026-02-28', ['2026-02-28']],
    ['[28, 29]', '2024-02-01', '2024-02-29', ['2024-02-28', '2024-02-29']],
    ['[1, 15]', '2026-02-01', '2026-02-28', ['2026-02-01', '2026-02-15']],
  ] as const)('monthDays: %s from %s to %s', (md, from, to, expected) => {
    expect(days(`{ monthDays: ${md}, times: ["09:00"] }`, from, to)).toEqual(expected);
  });
  it('says so in words', () => {
    const words = (md: string) => scheduleWords(oneMed(`{ monthDays: ${md}, times: ["09:00"] }`).medications[0]!);
    expect(words('[last]')).toMatch(/on the last day of the month at 09:00/);
    expect(words('[31]')).toMatch(/on the last day of the month at 09:00/);
    expect(words('[30]')).toMatch(/on day 30 of the month \(the last day in shorter months\)/);
    expect(words('[1, 15]')).toMatch(/on day 1 and 15 of the month at 09:00/);
  });
});

describe('bounds', () => {
  it('from/until are inclusive dates', () => {
    expect(doses('{ times: ["08:00"], from: 2026-05-02, until: 2026-05-03 }', '2026-05-01', '2026-05-05')).toEqual(['2026-05-02T08:00-04:00 x1', '2026-05-03T08:00-04:00 x1']);
  });
  it('a course ends by count even when the range asked for goes on', () => {
    expect(doses('{ times: ["08:00", "20:00"], from: 2026-05-01, count: 3 }', '2026-05-01', '2026-05-10')).toEqual(['2026-05-01T08:00-04:00 x1', '2026-05-01T20:00-04:00 x1', '2026-05-02T08:00-04:00 x1']);
  });
  it('count is counted from the start of the course, not from the range asked for', () => {
    expect(doses('{ times: ["08:00"], from: 2026-05-01, count: 3 }', '2026-05-03', '2026-05-10')).toEqual(['2026-05-03T08:00-04:00 x1']);
  });
  it('the earlier of until and count wins', () => {
    expect(doses('{ times: ["08:00"], from: 2026-05-01, until: 2026-05-02, count: 5 }', '2026-05-01', '2026-05-10')).toHaveLength(2);
    expect(doses('{ times: ["08:00"], from: 2026-05-01, until: 2026-05-09, count: 2 }', '2026-05-01', '2026-05-10')).toHaveLength(2);
  });
  it('a date-time `from` skips the times of its first day that come before it', () => {
    expect(doses('{ times: ["08:00", "20:00"], from: 2026-05-01T12:00 }', '2026-05-01', '2026-05-01')).toEqual(['2026-05-01T20:00-04:00 x1']);
  });
});

describe('every N hours: elapsed time', () => {
  it('every 8 hours across midnight, limited by count', () => {
    expect(doses('{ every: 8h, from: 2026-05-01T22:00, count: 4 }', '2026-05-01', '2026-05-03')).toEqual([
      '2026-05-01T22:00-04:00 x1', '2026-05-02T06:00-04:00 x1', '2026-05-02T14:00-04:00 x1', '2026-05-02T22:00-04:00 x1',
    ]);
  });
  it('counts real hours across spring forward (wall times shift by the hour)', () => {
    expect(doses('{ every: 8h, from: 2026-03-07T22:00 }', '2026-03-08', '2026-03-08')).toEqual(['2026-03-08T07:00-04:00 x1', '2026-03-08T15:00-04:00 x1', '2026-03-08T23:00-04:00 x1']);
  });
  it('counts real hours across fall back', () => {
    expect(doses('{ every: 8h, from: 2026-10-31T22:00 }', '2026-11-01', '2026-11-01')).toEqual(['2026-11-01T05:00-05:00 x1', '2026-11-01T13:00-05:00 x1', '2026-11-01T21:00-05:00 x1']);
  });
  it('a finished short course asked over thousands of years gives its doses (room is made for the course, not the range)', () => {
    expect(doses('{ every: 15min, from: 2026-03-01T06:00, count: 5 }', '2026-03-01', '9999-12-31')).toHaveLength(5);
    expect(doses('{ times: ["08:00"], from: 2026-03-01, until: 2026-03-03 }', '2026-03-01', '9999-12-31')).toHaveLength(3);
  });
  it('the example amoxicillin course (every 8h from 2026-03-01T06:00, 21 doses) ends on 2026-03-07 at 22:00', () => {
    const all = doses('{ every: 8h, from: 2026-03-01T06:00, count: 21 }', '2026-02-28', '2026-03-10');
    expect(all).toHaveLength(21);
    expect(all[20]).toBe('2026-03-07T22:00-05:00 x1');
  });
});

describe('phases', () => {
  const taper = '[{ from: 2026-02-01, until: 2026-02-05, times: ["08:00"], dose: 4 }, { from: 2026-02-06, until: 2026-02-10, times: ["08:00"], dose: 2 }]';
  it('each phase gives its own dose on its own days (a taper)', () => {
    const all = doses(taper, '2026-01-30', '2026-02-12');
    expect(all).toHaveLength(10);
    expect(all[0]).toBe('2026-02-01T08:00-05:00 x4');
    expect(all[4]).toBe('2026-02-05T08:00-05:00 x4');
    expect(all[5]).toBe('2026-02-06T08:00-05:00 x2');
    expect(all[9]).toBe('2026-02-10T08:00-05:00 x2');
  });
  it('a phase without `until` ends the day before the next phase starts (a schedule changed over time)', () => {
    const all = doses('[{ times: ["08:00"] }, { from: 2026-05-03, times: ["09:00", "21:00"] }]', '2026-05-01', '2026-05-03');
    expect(all).toEqual(['2026-05-01T08:00-04:00 x1', '2026-05-02T08:00-04:00 x1', '2026-05-03T09:00-04:00 x1', '2026-05-03T21:00-04:00 x1']);
  });
  it('as-needed phases give no scheduled doses', () => {
    expect(doses('{ asNeeded: true, minInterval: 6h, maxPerDay: 4 }', '2026-05-01', '2026-05-10')).toEqual([]);
  });
});

describe('daylight saving: one dose per listed time per calendar day', () => {
  const cases = [
    ['America/New_York', '2026-03-08', ['01:30', '02:30', '03:30'], ['2026-03-08T01:30-05:00', '2026-03-08T03:30-04:00', '2026-03-08T03:30-04:00']],
    ['America/New_York', '2026-11-01', ['01:30', '02:30'], ['2026-11-01T01:30-04:00', '2026-11-01T02:30-05:00']],
    ['Europe/London', '2026-03-29', ['00:30', '01:30', '02:30'], ['2026-03-29T00:30+00:00', '2026-03-29T02:30+01:00', '2026-03-29T02:30+01:00']],
    ['Europe/London', '2026-10-25', ['01:30', '02:30'], ['2026-10-25T01:30+01:00', '2026-10-25T02:30+00:00']],
  ] as const;
  it.each(cases)('%s on %s: times %j', (tz, day, times, expected) => {
    const all = doses(`{ times: [${times.map((t) => `"${t}"`).join(', ')}] }`, day, day, tz);
    expect(all.map((d) => d.slice(0, 22))).toEqual(expected.map((e) => e.slice(0, 22)));
    expect(all).toHaveLength(times.length); // never zero, never two for one listed time
  });
  it('a daily 02:30 dose exists exactly once on each of the 365 days of 2026 in New York', () => {
    expect(doses('{ times: ["02:30"] }', '2026-01-01', '2026-12-31')).toHaveLength(365);
  });
});

describe('nextDoseAfter', () => {
  it('finds the next weekly dose days ahead, and nothing after a course ends', () => {
    const r = regimen(`medications:
  - { id: w, schedule: { days: [sun], times: ["06:30"] } }
  - { id: c, schedule: { times: ["08:00"], from: 2026-05-01, count: 2 } }
`);
    const c = clockOf(r);
    const t = c.parse('2026-05-04T12:00')!;
    expect(c.formatInstant(nextDoseAfter(r.medications[0]!, t, c)!.at)).toBe('2026-05-10T06:30-04:00');
    expect(nextDoseAfter(r.medications[1]!, t, c)).toBeUndefined();
  });
});
