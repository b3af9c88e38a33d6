/**
 * Calendar days a zone skipped entirely (it crossed the date line eastwards): no doses are
 * scheduled on them, nothing is credited to them, adherence counts none for them. The days come
 * from the IANA tz data and are checked against Intl (the same data through another path) before
 * the tests rely on them.
 */
import { describe, expect, it } from 'vitest';
import { adherence } from '../../src/core/adherence.js';
import { assessMedication, columnsOf, windowOf } from '../../src/core/doses.js';
import { expandDays } from '../../src/core/schedule.js';
import { Clock, DAY, formatDay, parseDay } from '../../src/time/time.js';
import { intlZone, tzZone } from '../../src/time/zone.js';
import type { LogEntry } from '../../src/model/types.js';
import { oneMed } from '../helpers/regimen.js';

const SKIPPED: [zone: string, day: string][] = [
  ['Pacific/Apia', '2011-12-30'],
  ['Pacific/Fakaofo', '2011-12-30'],
  ['Pacific/Kwajalein', '1993-08-21'],
  ['Pacific/Kiritimati', '1994-12-31'],
  ['Pacific/Kanton', '1994-12-31'],
];

/** The local dates Intl gives the instants from two days before `day` to two days after, minute by minute. */
function intlDates(zone: string, day: string): Set<string> {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const base = parseDay(day)! * DAY;
  const seen = new Set<string>();
  for (let t = base - 2 * DAY; t < base + 3 * DAY; t += 60_000) seen.add(f.format(new Date(t)));
  return seen;
}

describe.each(SKIPPED)('%s skipped %s', (zone, dayText) => {
  const day = parseDay(dayText)!;

  it('is a day Intl never shows there (the premise), while the days around it exist', () => {
    const seen = intlDates(zone, dayText);
    expect(seen.has(dayText)).toBe(false);
    expect(seen.has(formatDay(day - 1))).toBe(true);
    expect(seen.has(formatDay(day + 1))).toBe(true);
  });

  it.each([
    ['tz', tzZone],
    ['intl', intlZone],
  ])('Clock.skipsDay says so with the %s engine, and of no other day of that year', (_, engine) => {
    const clock = new Clock(zone, engine(zone));
    const { y } = { y: +dayText.slice(0, 4) };
    const skipped: string[] = [];
    for (let d = parseDay(`${y}-01-01`)!; d <= parseDay(`${y}-12-31`)!; d++) if (clock.skipsDay(d)) skipped.push(formatDay(d));
    expect(skipped).toEqual([dayText]);
  });

  it('a daily dose: none on the skipped day, one on each day around it, at distinct instants', () => {
    const r = oneMed('{ times: ["08:00", "21:00"] }', zone);
    const clock = new Clock(zone);
    const doses = expandDays(r.medications[0]!, day - 1, day + 1, clock);
    expect(doses.map((d) => d.slot)).toEqual([`${formatDay(day - 1)}T08:00`, `${formatDay(day - 1)}T21:00`, `${formatDay(day + 1)}T08:00`, `${formatDay(day + 1)}T21:00`]);
    expect(new Set(doses.map((d) => d.at)).size).toBe(4);
    for (const d of doses) expect(clock.formatInstant(d.at).slice(0, 16)).toBe(d.slot);
  });

  it('every other day, a weekday filter and a counted course give none on it either', () => {
    const clock = new Clock(zone);
    const wd = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(((day + 4) % 7) + 7) % 7]!;
    for (const schedule of [`{ every: 2d, from: ${dayText}, times: ["09:00"] }`, `{ days: [${wd}], times: ["09:00"] }`, `{ times: ["09:00"], from: ${formatDay(day - 1)}, count: 2 }`]) {
      const days = expandDays(oneMed(schedule, zone).medications[0]!, day - 3, day + 3, clock).map((d) => d.day);
      expect(days, schedule).not.toContain(day);
    }
    // The counted course still gives its two doses: the day before and the day after.
    const counted = expandDays(oneMed(`{ times: ["09:00"], from: ${formatDay(day - 1)}, count: 2 }`, zone).medications[0]!, day - 3, day + 3, clock);
    expect(counted.map((d) => d.day)).toEqual([day - 1, day + 1]);
  });

  it("a take the morning after is credited to that morning's dose, which is then taken (not due again)", () => {
    const r = oneMed('{ times: ["08:00"] }', zone);
    const clock = new Clock(zone);
    const med = r.medications[0]!;
    const at = clock.toInstant(day + 1, 8 * 60 + 5);
    const entries: LogEntry[] = [{ med: 'm', at, atText: clock.formatInstant(at), status: 'taken', index: 0 }];
    const now = clock.toInstant(day + 1, 9 * 60);
    const state = assessMedication(med, entries, day - 1, day + 1, now, clock, windowOf(r.settings));
    expect(state.doses.map((d) => [d.slot, d.status])).toEqual([
      [`${formatDay(day - 1)}T08:00`, 'missed'],
      [`${formatDay(day + 1)}T08:00`, 'taken'],
    ]);
    expect(state.extras).toEqual([]);
  });

  it('adherence counts no dose for the skipped day (pattern counts and dose-by-dose crediting agree)', () => {
    const r = oneMed(`{ times: ["08:00"], from: ${formatDay(day - 5)} }`, zone);
    const clock = new Clock(zone);
    const taken = expandDays(r.medications[0]!, day - 5, day + 5, clock);
    const withSlot: LogEntry[] = taken.map((d, i) => ({ med: 'm', at: d.at + 60_000, atText: '', status: 'taken', for: d.slot, index: i }));
    const bySlot = { ...r, log: withSlot };
    const byTime = { ...r, log: withSlot.map(({ for: _, ...e }) => e) }; // credited by time: core/doses.ts credit
    const now = clock.toInstant(day + 6, 12 * 60);
    for (const reg of [bySlot, byTime]) {
      const m = adherence(reg, day - 5, day + 5, now, clock, { log: columnsOf(reg.log, reg.medications) }).medications[0]!;
      expect(m).toMatchObject({ scheduled: 10, taken: 10, missed: 0, extra: 0, takingAdherence: 1 });
      expect(m.cells[5]).toBe('none');
    }
  });
});
