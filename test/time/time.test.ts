import { describe, expect, it } from 'vitest';
import { Clock, civilFromDay, dayFromCivil, formatDay, parseDay, parseDuration, parseHM, parseInstant, slotNumber, weekday } from '../../src/time/time.js';

describe('calendar arithmetic', () => {
  it('round-trips every day from 1900 to 2100 through day numbers', () => {
    const wrong: number[] = [];
    for (let d = dayFromCivil(1900, 1, 1); d <= dayFromCivil(2100, 12, 31); d++) {
      const { y, m, d: dd } = civilFromDay(d);
      if (dayFromCivil(y, m, dd) !== d) wrong.push(d);
    }
    expect(wrong).toEqual([]);
  });
  it('agrees with Date.UTC on day numbers and weekdays', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2026, 3, 8], [2026, 11, 1], [2099, 12, 31]] as const) {
      const day = dayFromCivil(y, m, d);
      expect(day).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
      expect(weekday(day)).toBe(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
    }
  });
  it.each([
    ['2026-02-28', true], ['2026-02-29', false], ['2024-02-29', true], ['2026-02-30', false], ['2026-04-31', false], ['2026-13-01', false], ['2026-00-10', false], ['26-01-01', false],
  ])('parseDay(%s) is valid: %s', (text, ok) => {
    expect(parseDay(text) !== undefined).toBe(ok);
    if (ok) expect(formatDay(parseDay(text)!)).toBe(text);
  });
  it.each([['00:00', 0], ['08:30', 510], ['23:59', 1439], ['24:00', undefined], ['25:00', undefined], ['8:30', undefined], ['08:60', undefined]])('parseHM(%s) = %s', (t, m) => {
    expect(parseHM(t)).toBe(m);
  });
  it.each([['8h', 8 * 3600e3], ['30min', 30 * 60e3], ['2d', 2 * 86400e3], ['1w', 7 * 86400e3], ['1.5h', 1.5 * 3600e3], ['0h', undefined], ['h', undefined], ['8 hours', undefined]])('parseDuration(%s)', (t, ms) => {
    expect(parseDuration(t)?.ms).toBe(ms);
  });
  it('parses instants with Z, ±HH:MM and ±HHMM offsets, and rejects impossible dates', () => {
    expect(parseInstant('2026-03-08T07:04-04:00')).toBe(Date.UTC(2026, 2, 8, 11, 4));
    expect(parseInstant('2026-03-08T07:04:30Z')).toBe(Date.UTC(2026, 2, 8, 7, 4, 30));
    expect(parseInstant('2026-03-08T07:04+0530')).toBe(Date.UTC(2026, 2, 8, 1, 34));
    expect(parseInstant('2026-02-30T07:04Z')).toBeUndefined();
    expect(parseInstant('2026-03-08T07:04')).toBeUndefined();
  });
});

describe('Clock: local wall time in a zone, across daylight saving', () => {
  const ny = new Clock('America/New_York');
  const london = new Clock('Europe/London');
  const iso = (c: Clock, y: number, m: number, d: number, hh: number, mm: number) => c.formatInstant(c.toInstant(dayFromCivil(y, m, d), hh * 60 + mm));

  it.each([
    // zone, date, local time → instant with its offset
    [ny, [2026, 3, 8, 1, 30], '2026-03-08T01:30-05:00'], // before the spring-forward gap
    [ny, [2026, 3, 8, 2, 30], '2026-03-08T03:30-04:00'], // in the gap: moved forward by the gap
    [ny, [2026, 3, 8, 3, 0], '2026-03-08T03:00-04:00'],
    [ny, [2026, 11, 1, 1, 30], '2026-11-01T01:30-04:00'], // ambiguous: the first occurrence
    [ny, [2026, 11, 1, 2, 30], '2026-11-01T02:30-05:00'],
    [london, [2026, 3, 29, 1, 30], '2026-03-29T02:30+01:00'], // London gap is 01:00-02:00
    [london, [2026, 10, 25, 1, 30], '2026-10-25T01:30+01:00'], // ambiguous: first (BST)
    [london, [2026, 7, 1, 8, 0], '2026-07-01T08:00+01:00'],
    [london, [2026, 1, 1, 8, 0], '2026-01-01T08:00+00:00'],
  ] as const)('%#: local %j is %s', (clock, [y, m, d, hh, mm], expected) => {
    expect(iso(clock, y, m, d, hh, mm)).toBe(expected);
  });

  it('reads a date-time without an offset in its zone, and one with an offset as an instant', () => {
    expect(ny.parse('2026-03-08T07:00')).toBe(Date.UTC(2026, 2, 8, 11, 0));
    expect(ny.parse('2026-01-08T07:00')).toBe(Date.UTC(2026, 0, 8, 12, 0));
    expect(ny.parse('2026-01-08T07:00Z')).toBe(Date.UTC(2026, 0, 8, 7, 0));
  });

  it('maps instants back to the local day and minute', () => {
    const t = Date.UTC(2026, 10, 1, 5, 30); // 01:30 EDT
    expect(ny.toLocal(t)).toEqual({ day: dayFromCivil(2026, 11, 1), minute: 90, second: 0 });
    expect(ny.toLocal(t + 3600e3)).toEqual({ day: dayFromCivil(2026, 11, 1), minute: 90, second: 0 }); // 01:30 EST
  });
});

describe('slotNumber (a slot as local minutes since 1970, for look-ups)', () => {
  it('is day × 1440 + minute for every written form of a slot, plus 0.5 for the second pass through a repeated hour', () => {
    for (const [slot, day, minute, fold] of [
      ['2026-03-08T07:00', '2026-03-08', 420, false],
      ['1970-01-01T00:00', '1970-01-01', 0, false],
      ['2024-02-29T23:59', '2024-02-29', 1439, false],
      ['1969-12-31T12:30', '1969-12-31', 750, false],
      ['2026-11-01T01:30-05:00', '2026-11-01', 90, true],
      ['2026-11-01T01:30+01:00', '2026-11-01', 90, true],
      ['2026-03-08 07:00:00', '2026-03-08', 420, false],
    ] as const) {
      expect(slotNumber(slot), slot).toBe(parseDay(day)! * 1440 + minute + (fold ? 0.5 : 0));
    }
  });
});
