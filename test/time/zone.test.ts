import { describe, expect, it } from 'vitest';
import { intlZone, isValidZone, tzZone } from '../../src/time/zone.js';
import { Clock, dayFromCivil } from '../../src/time/time.js';

const ZONES = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'America/Sao_Paulo', 'Africa/Casablanca', 'Pacific/Apia', 'UTC', 'US/Eastern'];

describe('the two zone engines agree', () => {
  it.each(ZONES)('%s: the same offset every 6 hours from 1990 to 2040 (and around every transition)', (zone) => {
    const a = tzZone(zone);
    const b = intlZone(zone);
    const wrong: string[] = [];
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2040, 0, 1); t += 6 * 3_600_000) {
      const [x, y] = [a.offset(t), b.offset(t)];
      if (x !== y) wrong.push(`${new Date(t).toISOString()}: tz ${x}, intl ${y}`);
      // Around a transition, minute by minute.
      if (x !== a.offset(t + 6 * 3_600_000)) {
        for (let u = t; u < t + 6 * 3_600_000; u += 60_000) if (a.offset(u) !== b.offset(u)) wrong.push(`${new Date(u).toISOString()}: tz ${a.offset(u)}, intl ${b.offset(u)}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it.each(ZONES)('%s: offsets() of a batch, and Clock.steadyOffsets, agree with one look-up at a time (both engines)', (zone) => {
    const from = dayFromCivil(2025, 1, 1), to = dayFromCivil(2027, 12, 31);
    const ts = Float64Array.from({ length: 1000 }, (_, i) => Date.UTC(2025, 0, 1) + i * 26 * 3_600_000 + 17 * 60_000);
    for (const rules of [tzZone(zone), intlZone(zone)]) {
      const out = new Float64Array(ts.length);
      tzZone('Asia/Kolkata').offset(0); // another zone's look-up last: the batch must set its own
      rules.offsets(ts, out);
      expect(Array.from(out)).toEqual(Array.from(ts, (t) => rules.offset(t)));
      const steady = new Clock(zone, rules).steadyOffsets(from, to);
      const one = new Clock(zone, rules);
      expect(Array.from(steady)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => one.steadyOffset(from + i) ?? NaN));
    }
  });

  it('clocks of different zones in one process stay correct when used in turn', () => {
    const ny = new Clock('America/New_York');
    const ldn = new Clock('Europe/London');
    const day = dayFromCivil(2026, 7, 1);
    for (let i = 0; i < 3; i++) {
      expect(ny.formatInstant(ny.toInstant(day, 8 * 60))).toBe('2026-07-01T08:00-04:00');
      expect(ldn.formatInstant(ldn.toInstant(day, 8 * 60))).toBe('2026-07-01T08:00+01:00');
    }
  });
});

describe('zone names', () => {
  it.each([
    ['America/New_York', true], ['Europe/London', true], ['UTC', true], ['Etc/UTC', true], ['Africa/Abidjan', true], ['US/Eastern', true], ['Asia/Calcutta', true],
    ['America/New_Yrok', false], ['Mars/Olympus', false], ['', false], ['utc; rm -rf', false], ['../../etc/passwd', false],
    // Aliases IANA keeps (ICU lists Asia/Calcutta and Europe/Kiev, IANA's names are now Asia/Kolkata and Europe/Kyiv).
    ['Asia/Kolkata', true], ['Europe/Kyiv', true], ['Etc/GMT+5', true], ['Etc/GMT-14', true], ['EST5EDT', true], ['GB', true], ['Zulu', true],
    // POSIX TZ strings, which the Date reads with the sign reversed (issue 15 item 5), and offsets.
    ['UTC+5', false], ['Mars+3', false], ['ABC-10', false], ['UTC+24', false], ['GMT-3', false], ['EST5', false], ['+05:00', false], ['UTC+05:30', false],
    // Names Intl matches in any case, which the TZ engine would read as UTC; ICU's own legacy IDs, which are not IANA's.
    ['us/eastern', false], ['america/new_york', false], ['utc', false], ['America/New_york', false], ['IST', false], ['JST', false], ['BST', false],
    ['Factory', false], ['localtime', false], ['posixrules', false], ['Etc/Unknown', false],
  ])('%s is a zone: %s', (name, ok) => {
    expect(isValidZone(name)).toBe(ok);
    // Whatever is accepted, both engines read the same offsets from it.
    if (ok) for (const t of [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15), Date.UTC(1990, 3, 1)]) expect(tzZone(name).offset(t) + 0).toBe(intlZone(name).offset(t) + 0);
  });

  it('accepts every name ICU lists, and UTC', () => {
    const names = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    expect(names.length).toBeGreaterThan(400);
    for (const n of names) expect(isValidZone(n), n).toBe(true);
  });
});
