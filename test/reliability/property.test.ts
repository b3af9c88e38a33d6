/**
 * Issue 5, property tests (fast-check): random valid regimens.
 * - Store: load, write, load again gives the same regimen (fast path and full
 *   parser agree); an appended entry or a head edit changes exactly that and
 *   keeps every comment.
 * - Schedule engine: never throws; doses sorted, inside the requested days and
 *   their phase's bounds, one per slot, on allowed days at listed times, and a
 *   `count` is never exceeded (and reached when nothing else ends the phase).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/cli.js';
import { loadRegimen, parseRegimen, type Loaded } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { mutate } from '../../src/store/transaction.js';
import { appendLogEntry, editHead } from '../../src/store/edit.js';
import { writeFileAtomicSync } from '../../src/store/atomic.js';
import { expandDays, nextDoseAfter, phaseEnd, prevDoseBefore } from '../../src/core/schedule.js';
import { assessMedication } from '../../src/core/doses.js';
import { Clock, DAY, HOUR, parseDay, weekday, civilFromDay, daysInMonth } from '../../src/time/time.js';
import type { Regimen } from '../../src/model/types.js';

const RUNS = { store: 150, append: 150, edit: 100, schedule: 400, dst: 300, count: 200 };
const summary = { regimens: 0, doses: 0, medsChecked: 0, dstDoses: 0 };
afterAll(() => console.log(`[reliability] property: ${JSON.stringify({ ...RUNS, ...summary })}`));

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Sao_Paulo', 'Pacific/Apia'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const pad = (n: number) => String(n).padStart(2, '0');
const BASE_DAY = parseDay('2026-01-01')!;
const dayText = (d: number) => {
  const c = civilFromDay(d);
  return `${c.y}-${pad(c.m)}-${pad(c.d)}`;
};

const hm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 5, 59)).map(([h, m]) => `${pad(h)}:${pad(m)}`);
const times = fc.uniqueArray(hm, { minLength: 1, maxLength: 4 });
const day = fc.integer({ min: -60, max: 400 }).map((o) => BASE_DAY + o);
const safeText = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ._()-]{0,20}[A-Za-z0-9]$/);

/** One valid phase; `from` given when the phase must start on a date. */
function phaseArb(from: number | undefined): fc.Arbitrary<Record<string, unknown>> {
  const fromText = from === undefined ? undefined : dayText(from);
  const daily = fc
    .record(
      {
        times,
        days: fc.option(fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }), { nil: undefined }),
        monthDays: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 5 }), { nil: undefined }),
        until: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        count: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
        cycle: fc.option(fc.record({ on: fc.integer({ min: 1, max: 28 }), off: fc.integer({ min: 0, max: 14 }) }), { nil: undefined }),
        everyDays: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        dose: fc.option(fc.constantFrom(0.5, 1, 2, 3), { nil: undefined }),
        start: day,
      },
      { requiredKeys: ['times', 'start'] },
    )
    .map((p) => {
      const start = from ?? p.start;
      const needsFrom = from !== undefined || p.count !== undefined || p.cycle !== undefined || p.everyDays !== undefined || p.until !== undefined;
      const out: Record<string, unknown> = { times: p.times };
      if (needsFrom) out.from = dayText(start);
      if (p.days) out.days = p.days;
      if (p.monthDays) out.monthDays = p.monthDays;
      if (p.until !== undefined) out.until = dayText(start + p.until);
      if (p.count !== undefined) out.count = p.count;
      if (p.cycle) out.cycle = p.cycle;
      if (p.everyDays !== undefined) out.every = `${p.everyDays}d`;
      if (p.dose !== undefined) out.dose = p.dose;
      return out;
    });
  const interval = fc
    .record({ every: fc.oneof(fc.integer({ min: 1, max: 72 }).map((h) => `${h}h`), fc.integer({ min: 30, max: 900 }).map((m) => `${m}min`)), at: hm, start: day, count: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }), until: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }) })
    .map((p) => {
      const start = from ?? p.start;
      const out: Record<string, unknown> = { every: p.every, from: `${dayText(start)}T${p.at}` };
      if (p.count !== undefined) out.count = p.count;
      if (p.until !== undefined) out.until = dayText(start + p.until);
      return out;
    });
  const asNeeded = fc.record({ minInterval: fc.option(fc.constantFrom('4h', '6h', '30min'), { nil: undefined }), maxPerDay: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }) }).map((p) => {
    const out: Record<string, unknown> = { asNeeded: true };
    if (fromText) out.from = fromText;
    if (p.minInterval) out.minInterval = p.minInterval;
    if (p.maxPerDay !== undefined) out.maxPerDay = p.maxPerDay;
    return out;
  });
  return fc.oneof({ weight: 4, arbitrary: daily }, { weight: 2, arbitrary: interval }, { weight: 1, arbitrary: asNeeded });
}

/** A schedule: one phase, or phases starting on increasing dates. */
const scheduleArb = fc.oneof(
  { weight: 3, arbitrary: phaseArb(undefined) },
  {
    weight: 1,
    arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 2, maxLength: 3 }).chain((offs) => {
      const starts = offs.sort((a, b) => a - b).map((o) => BASE_DAY - 30 + o);
      return fc.tuple(...starts.map((s) => phaseArb(s)));
    }),
  },
);

const regimenArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    name: fc.option(safeText, { nil: undefined }),
    schedules: fc.array(scheduleArb, { minLength: 1, maxLength: 5 }),
    strengths: fc.array(fc.option(safeText, { nil: undefined }), { minLength: 5, maxLength: 5 }),
    log: fc.array(fc.record({ med: fc.nat(), day: fc.integer({ min: 0, max: 90 }), minute: fc.integer({ min: 0, max: 1439 }), taken: fc.boolean(), reason: fc.option(safeText, { nil: undefined }), z: fc.boolean() }), { maxLength: 12 }),
  })
  .map((g) => {
    const medications = g.schedules.map((schedule, i) => {
      const m: Record<string, unknown> = { id: `med${i}` };
      if (g.strengths[i]) m.strength = g.strengths[i];
      m.schedule = schedule;
      return m;
    });
    const log = g.log.map((e) => {
      const at = `${dayText(BASE_DAY + e.day)}T${pad(Math.floor(e.minute / 60))}:${pad(e.minute % 60)}${e.z ? 'Z' : '+01:00'}`;
      const out: Record<string, unknown> = { at, med: `med${e.med % medications.length}`, status: e.taken ? 'taken' : 'skipped' };
      if (!e.taken && e.reason) out.reason = e.reason;
      return out;
    });
    const patient: Record<string, unknown> = { timezone: g.zone };
    if (g.name) patient.name = g.name;
    return { meds: 1, patient, medications, log };
  });

/** The file as a person might keep it: comments above, between and after. */
function textOf(raw: unknown): string {
  const body = stringify(raw, { lineWidth: 0 });
  return `# my regimen (property test)\n${body.replace('\nmedications:', '\n# the medications\nmedications:')}`;
}
const comments = (t: string) => t.split('\n').filter((l) => /^\s*#/.test(l));
const same = (a: Regimen, b: Regimen) => expect(JSON.stringify(b)).toBe(JSON.stringify(a));
const withoutLines = (r: Regimen) => JSON.stringify({ ...r, log: r.log.map(({ line: _l, index: _i, ...e }) => e) });

const dir = tempDir('meds-prop-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fileFor = (text: string) => {
  const f = path.join(dir, `r${n++}.yaml`);
  fs.writeFileSync(f, text);
  return f;
};

describe('the store on random valid regimens', () => {
  it(`load, write, load again gives the same regimen; fast path = full parser (${RUNS.store} regimens)`, () => {
    fc.assert(
      fc.property(regimenArb, (raw) => {
        const text = textOf(raw);
        const full = parseRegimen(text, '/p.yaml', { full: true });
        const fast = parseRegimen(text, '/p.yaml');
        same(full.regimen, fast.regimen);
        const file = fileFor(text);
        writeFileAtomicSync(file, full.text); // write
        expect(fs.readFileSync(file, 'utf8')).toBe(text);
        const again = loadRegimen(file, { full: true }); // load again
        expect(withoutLines(again.regimen)).toBe(withoutLines(full.regimen));
        // And through the transaction: a plan that writes what it read changes nothing.
        mutate(file, (l: Loaded) => ({ text: l.text, result: undefined }));
        expect(withoutLines(loadRegimen(file).regimen)).toBe(withoutLines(full.regimen));
        expect(full.regimen.medications).toHaveLength(raw.medications.length);
        expect(full.regimen.log).toHaveLength(raw.log.length);
        summary.regimens++;
      }),
      { numRuns: RUNS.store, seed: 1 },
    );
  });

  it(`appending an entry through the transaction adds exactly that entry and keeps every comment (${RUNS.append} regimens)`, () => {
    fc.assert(
      fc.property(regimenArb, fc.nat(), fc.integer({ min: 0, max: 1439 }), fc.boolean(), fc.option(safeText, { nil: undefined }), (raw, mi, minute, taken, reason) => {
        const text = textOf(raw);
        const file = fileFor(text);
        const before = loadRegimen(file, { full: true }).regimen;
        const med = `med${mi % raw.medications.length}`;
        const entry = { at: `2026-03-08T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}Z`, med, status: taken ? 'taken' : 'skipped', reason: taken ? undefined : reason };
        mutate(file, (l) => ({ text: appendLogEntry(l, entry), result: undefined }));
        const afterText = fs.readFileSync(file, 'utf8');
        for (const full of [true, false]) {
          const after = parseRegimen(afterText, file, { full }).regimen;
          // `trackedFrom` is derived from the log (when recording began): the first entry may move it.
          const head = (ms: typeof before.medications) => JSON.stringify(ms.map(({ trackedFrom: _t, ...m }) => m));
          expect(head(after.medications)).toBe(head(before.medications));
          expect(JSON.stringify(after.patient)).toBe(JSON.stringify(before.patient));
          expect(after.log).toHaveLength(before.log.length + 1);
          const last = after.log[after.log.length - 1]!;
          expect({ med: last.med, status: last.status, atText: last.atText, reason: last.reason }).toEqual({ med, status: entry.status, atText: entry.at, reason: entry.reason });
          expect(after.log.slice(0, -1).map((e) => e.atText)).toEqual(before.log.map((e) => e.atText));
        }
        expect(comments(afterText)).toEqual(comments(text));
      }),
      { numRuns: RUNS.append, seed: 2 },
    );
  });

  it(`a head edit (a medication's strength) changes only that value and keeps every comment (${RUNS.edit} regimens)`, () => {
    fc.assert(
      fc.property(regimenArb, fc.nat(), safeText, (raw, mi, strength) => {
        const text = textOf(raw);
        const file = fileFor(text);
        const before = loadRegimen(file, { full: true }).regimen;
        const i = mi % raw.medications.length;
        mutate(file, (l) => ({ text: editHead(l, [{ op: 'set', path: ['medications', i, 'strength'], value: strength }]), result: undefined }));
        const afterText = fs.readFileSync(file, 'utf8');
        const after = parseRegimen(afterText, file, { full: true }).regimen;
        expect(after.medications[i]!.strength).toBe(strength);
        const expected = structuredClone(before);
        expected.medications[i]!.strength = strength;
        expect(withoutLines(after)).toBe(withoutLines(expected));
        expect(comments(afterText)).toEqual(comments(text));
      }),
      { numRuns: RUNS.edit, seed: 3 },
    );
  });
});

describe('the schedule engine on random valid regimens', () => {
  it(`never throws; doses sorted, inside their bounds, one per slot, on allowed days and times (${RUNS.schedule} regimens × every medication × a random range)`, () => {
    fc.assert(
      fc.property(regimenArb, fc.integer({ min: -90, max: 420 }), fc.integer({ min: 0, max: 45 }), (raw, off, len) => {
        const r = parseRegimen(textOf(raw), '/s.yaml', { full: true }).regimen;
        const clock = new Clock(r.patient.timezone);
        const fromDay = BASE_DAY + off;
        const toDay = fromDay + len;
        for (const med of r.medications) {
          const doses = expandDays(med, fromDay, toDay, clock);
          summary.doses += doses.length;
          summary.medsChecked++;
          const slots = new Set<string>();
          doses.forEach((d, k) => {
            if (k > 0) expect(d.at, `${med.id}: ${doses[k - 1]!.slot} then ${d.slot} (${r.patient.timezone})`).toBeGreaterThanOrEqual(doses[k - 1]!.at);
            expect(slots.has(d.slot), `${med.id}: slot ${d.slot} twice`).toBe(false);
            slots.add(d.slot);
            expect(d.day).toBeGreaterThanOrEqual(fromDay);
            expect(d.day).toBeLessThanOrEqual(toDay);
            const pi = med.phases.findIndex((p) => p.index === d.phase);
            const p = med.phases[pi]!;
            expect(p.asNeeded).toBe(false);
            const end = phaseEnd(med, pi);
            if (p.from !== undefined) expect(d.day).toBeGreaterThanOrEqual(p.from);
            if (end !== undefined) expect(d.day).toBeLessThanOrEqual(end);
            if (p.everyMs === undefined) {
              expect(p.times.map((t) => t.minute)).toContain(d.minute);
              if (p.days) expect(p.days).toContain(weekday(d.day));
              if (p.monthDays) {
                // A listed day the month lacks falls on its last day (docs/format.md).
                const { y, m, d: dd } = civilFromDay(d.day);
                expect(p.monthDays.map((md) => Math.min(md, daysInMonth(y, m)))).toContain(dd);
              }
              if (p.from === d.day && p.fromMinute !== undefined) expect(d.minute).toBeGreaterThanOrEqual(p.fromMinute);
            } else {
              const start = clock.toInstant(p.from!, p.fromMinute ?? 0);
              expect((d.at - start) % p.everyMs).toBe(0);
              expect(d.at).toBeGreaterThanOrEqual(start);
            }
            expect(d.slot).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
          });
          const t = clock.toInstant(fromDay, 12 * 60);
          const next = nextDoseAfter(med, t, clock);
          if (next) expect(next.at).toBeGreaterThan(t);
          const prev = prevDoseBefore(med, t, clock);
          if (prev) expect(prev.at).toBeLessThan(t);
          assessMedication(med, r.log.filter((e) => e.med === med.id), fromDay, toDay, t, clock, { earlyMs: HOUR, lateMs: 2 * HOUR });
        }
      }),
      { numRuns: RUNS.schedule, seed: 4 },
    );
  });

  // Spring forward and fall back in 2026 for zones with DST (local dates).
  const SPRING: [string, string][] = [['America/New_York', '2026-03-08'], ['Europe/Berlin', '2026-03-29'], ['Australia/Lord_Howe', '2026-10-04'], ['Pacific/Chatham', '2026-09-27']];
  const FALL: [string, string][] = [['America/New_York', '2026-11-01'], ['Europe/Berlin', '2026-10-25'], ['Australia/Lord_Howe', '2026-04-05'], ['Pacific/Chatham', '2026-04-05']];
  const night = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${pad(h)}:${pad(m)}`);
  function dstDoses(zone: string, date: string, schedule: Record<string, unknown>) {
    const d = parseDay(date)!;
    const text = textOf({ meds: 1, patient: { timezone: zone }, medications: [{ id: 'a', schedule }], log: [] });
    const r = parseRegimen(text, '/dst.yaml', { full: true }).regimen;
    const doses = expandDays(r.medications[0]!, d - 1, d + 1, new Clock(zone));
    summary.dstDoses += doses.length;
    return doses;
  }
  const expectUniqueSlots = (doses: { slot: string }[]) => expect(doses.length - new Set(doses.map((x) => x.slot)).size, `repeated slots in ${doses.map((x) => x.slot).join(' ')}`).toBe(0);
  const expectSorted = (doses: { slot: string; at: number }[]) => {
    for (let k = 1; k < doses.length; k++) expect(doses[k]!.at, `${doses[k - 1]!.slot} at ${new Date(doses[k - 1]!.at).toISOString()} comes before ${doses[k]!.slot} at ${new Date(doses[k]!.at).toISOString()}`).toBeGreaterThanOrEqual(doses[k - 1]!.at);
  };

  it(`on DST transition days, daily night-time doses: never throws, one per slot (${RUNS.dst} schedules)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPRING, ...FALL), fc.uniqueArray(night, { minLength: 1, maxLength: 6 }), ([zone, date], ts) => {
        expectUniqueSlots(dstDoses(zone, date, { times: ts }));
      }),
      { numRuns: RUNS.dst, seed: 6 },
    );
  });

  // Regression test: on a spring-forward day a time in the gap moves forward by the gap (02:30 → 03:30
  // in New York), past a later listed time (03:00); expandDays once left such days out of time order.
  it(`on spring-forward days, daily doses are sorted by time (${RUNS.dst} schedules)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPRING), fc.uniqueArray(night, { minLength: 2, maxLength: 6 }), ([zone, date], ts) => {
        expectSorted(dstDoses(zone, date, { times: ts }));
      }),
      { numRuns: RUNS.dst, seed: 7 },
    );
  });

  it(`on DST transition days, \`every\` of more than an hour: sorted, one per slot (${RUNS.dst} schedules)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPRING, ...FALL), night, fc.integer({ min: 61, max: 600 }), ([zone, date], at, every) => {
        const doses = dstDoses(zone, date, { every: `${every}min`, from: `${dayText(parseDay(date)! - 1)}T${at}` });
        expectSorted(doses);
        expectUniqueSlots(doses);
      }),
      { numRuns: RUNS.dst, seed: 8 },
    );
  });

  // Regression test: on a fall-back day the hour 02:00-03:00 happens twice, so \`every: 1h\` (hourly eye
  // drops) once gave two doses the same slot; the second pass now carries its offset (2026-10-25T02:00+01:00).
  it(`on fall-back days, \`every: 1h\` (or 30, 20, 15 min, the least a file may say): one dose per slot (${RUNS.dst} schedules)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...FALL), night, fc.constantFrom(60, 30, 20, 15), ([zone, date], at, every) => {
        expectUniqueSlots(dstDoses(zone, date, { every: `${every}min`, from: `${dayText(parseDay(date)! - 1)}T${at}` }));
      }),
      { numRuns: RUNS.dst, seed: 9 },
    );
  });

  it(`a phase's count is never exceeded, and is reached when nothing else ends the phase (${RUNS.count} regimens)`, () => {
    fc.assert(
      fc.property(regimenArb, (raw) => {
        const r = parseRegimen(textOf(raw), '/c.yaml', { full: true }).regimen;
        const clock = new Clock(r.patient.timezone);
        for (const med of r.medications) {
          med.phases.forEach((p, i) => {
            if (p.count === undefined) return;
            const end = phaseEnd(med, i);
            // Wide enough for every dose of the phase: 60 doses, at most one every 9 days with cycles... 3 years.
            const all = expandDays(med, p.from! - 1, p.from! + 3 * 366, clock).filter((d) => d.phase === p.index);
            expect(all.length, `${med.id} phase ${i}`).toBeLessThanOrEqual(p.count);
            const unbounded = end === undefined && !p.days && !p.monthDays; // (a weekday or month-day filter may never match)
            if (unbounded) expect(all.length, `${med.id} phase ${i} should reach its count`).toBe(p.count);
            // Any sub-range holds no more than the whole.
            const part = expandDays(med, p.from! + 3, p.from! + 10, clock).filter((d) => d.phase === p.index);
            expect(part.length).toBeLessThanOrEqual(all.length);
          });
        }
      }),
      { numRuns: RUNS.count, seed: 5 },
    );
  });
});

// Keep DAY referenced for readers extending the ranges above.
void DAY;
