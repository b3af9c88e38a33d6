/**
 * Safety invariants of missed-dose advice (fast-check, a fresh seed each run,
 * printed on failure), over random regimens of recognised and unknown drugs,
 * schedules, strengths written several ways, logs and discovery times across a
 * daylight-saving change:
 * - never a take-now past its takeBy, nor past the rule's window (hours, days);
 * - never a take-now closer to the next dose than the rule allows (at least
 *   before the next dose; minBeforeNextHours where the rule has one);
 * - never a double dose (two at once, or the cited exception) unless the
 *   deciding rule is one that allows it;
 * - at most one dose to take now per medication; a pill never makes three in a day;
 * - a same-day rule never advises taking a dose after its calendar day.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Clock, DAY, HOUR, parseDay } from '../../src/time/time.js';
import { adviseMissed, NEVER_DOUBLE } from '../../src/core/missed.js';
import { missedRules, type RuleKind, type RuleParams } from '../../src/data/drugs.js';
import { entry, med, regimen } from './missed-helpers.js';

const SEED = process.env.MEDS_SEED ? Number(process.env.MEDS_SEED) : (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
const RUNS = 600;

const NAMES = [
  'Tresiba', 'Biktarvy', 'Edurant', 'Odefsey', 'Juluca', 'Tivicay', 'Prezista', 'Pifeltro', 'Truvada', 'Isentress', 'Genvoya',
  'warfarin', 'Eliquis', 'Xarelto', 'Pradaxa', 'Lixiana', 'lamotrigine', 'Keppra', 'Tresiba', 'Microgynon', 'Cerazette',
  'Slynd', 'Noriday', 'levothyroxine', 'Fosamax', 'Actonel', 'Ozempic', 'Trulicity', 'Mounjaro', 'methotrexate', 'metformin',
  'Pradaxa, not Coumadin', 'Xarelto (was Eliquis)', 'Ozempic (was Trulicity)', 'Yaz', 'Vocabria', 'Rybelsus', 'birth control pill',
];
const STRENGTHS = [undefined, '2.5 mg', '2,5mg', '2.5 milligrams', '15 mg', '15mg', '20 mg', '110 mg', '10 mg', '70 mg'];
const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe'];
const DOUBLE_ALLOWED = new Set(['rivaroxaban-15mg-twice-daily', 'combined-pill', 'pill-desogestrel', 'pill-drospirenone', 'pill-progestogen-traditional']);
const PILLS = DOUBLE_ALLOWED;

/** Each rule id's kind and parameters (a variant's, where it shares the rule's id). */
const RULES = new Map<string, { kind: RuleKind; params: RuleParams }>();
for (const r of missedRules.rules) {
  if (r.kind) RULES.set(r.id, { kind: r.kind, params: r.params ?? {} });
  for (const v of r.variants ?? []) RULES.set(v.id, { kind: v.kind, params: v.params });
}

const pad = (n: number) => String(n).padStart(2, '0');
const START = parseDay('2026-03-01')!; // the week holds the US spring-forward change (2026-03-08)
const dayText = (clock: Clock, d: number) => clock.formatInstant(clock.startOfDay(d)).slice(0, 10);

const schedule = fc.oneof(
  fc.integer({ min: 0, max: 23 }).map((h) => ({ times: [`${pad(h)}:00`] })),
  fc.integer({ min: 0, max: 11 }).map((h) => ({ times: [`${pad(h)}:00`, `${pad(h + 12)}:00`] })),
  fc.integer({ min: 0, max: 7 }).map((h) => ({ times: [`${pad(h)}:30`, `${pad(h + 8)}:30`, `${pad(h + 16)}:30`] })),
  fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 5, max: 22 })).map(([d, h]) => ({ times: [`${pad(h)}:00`], days: [d] })),
  fc.integer({ min: 6, max: 23 }).map((h) => ({ times: [`${pad(h)}:00`], cycle: { on: 21, off: 7 } })),
);

const scenario = fc.record({
  zone: fc.constantFrom(...ZONES),
  name: fc.constantFrom(...NAMES),
  strength: fc.constantFrom(...STRENGTHS),
  strengthInName: fc.boolean(),
  schedule,
  fromOffset: fc.integer({ min: -30, max: 0 }),
  taken: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
  nowMinutes: fc.integer({ min: 3 * 24 * 60, max: 14 * 24 * 60 }),
  waking: fc.option(fc.tuple(fc.integer({ min: 4 * 60, max: 10 * 60 }), fc.integer({ min: 20 * 60, max: 24 * 60 - 1 }))),
  lateHours: fc.constantFrom(2, 2, 4, 8, 20), // settings.window.late: a wide on-time window must never widen a rule
});

describe('missed-dose advice is never unsafe (property)', () => {
  it(`holds the safety invariants over random regimens and discovery times (seed ${SEED})`, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const clock = new Clock(s.zone);
        const from = dayText(clock, START + s.fromOffset);
        const m = med({
          id: 'm',
          name: s.strengthInName && s.strength ? `${s.name} ${s.strength}` : s.name,
          strength: s.strengthInName ? undefined : s.strength,
          from,
          ...s.schedule,
        });
        // A log of the last days: each scheduled time taken or not, a few minutes late.
        const log = [];
        let k = 0;
        for (let d = START - 2; d < START + 14; d++) {
          for (const t of s.schedule.times) {
            if (!s.taken[k++ % s.taken.length]) continue;
            const day = dayText(clock, d);
            log.push(entry(clock, 'm', `${day}T${t}`, `${day}T${t}`));
          }
        }
        const now = clock.startOfDay(START) + s.nowMinutes * 60_000;
        const r = regimen(clock, [m], log.filter((e) => e.at <= now), { lateMs: s.lateHours * HOUR });
        if (s.waking) r.patient.routine = { wake: s.waking[0], bed: s.waking[1] };
        const advice = adviseMissed(r, now, clock);
        const active = advice.filter((a) => a.action === 'take-now' || a.action === 'take-next-morning');
        expect(active.length, 'one dose to take per medication').toBeLessThanOrEqual(1);
        for (const a of advice) {
          const rule = RULES.get(a.rule.id);
          const doubles = (a.covers?.length ?? 0) > 0 || a.caution !== NEVER_DOUBLE;
          if (doubles) expect(DOUBLE_ALLOWED.has(a.rule.id), `double dose from ${a.rule.id}`).toBe(true);
          if (a.action === 'take-next-morning' && rule?.kind === 'interval-min-gap' && a.nextDoseAt !== undefined)
            expect(a.nextDoseAt - a.takeAt!, 'injections closer than the gap').toBeGreaterThanOrEqual((rule.params.minGapHours ?? 8) * HOUR);
          // An antiretroviral taken less often than daily (a long-acting injection) is never skipped automatically.
          if (a.rule.id.startsWith('antiretroviral') && a.action === 'skip' && a.nextDoseAt !== undefined)
            expect(a.nextDoseAt - a.scheduledAt, 'antiretroviral skip on a sparse schedule').toBeLessThanOrEqual(1.5 * DAY);
          // The contraceptive wording never goes missing: a pill rule past its limit warns, an unknown pill gets follow-plan.
          if (a.rule.id === 'contraceptive-unrecognised') expect(a.action).toBe('follow-plan');
          if (a.action !== 'take-now') continue;
          expect(a.takeBy === undefined || now <= a.takeBy, 'take-now past takeBy').toBe(true);
          if (!doubles && a.nextDoseAt !== undefined) expect(now < a.nextDoseAt, 'take-now at or after the next dose').toBe(true);
          if (!rule) continue;
          const p = rule.params;
          if (rule.kind === 'take-within' && p.withinHours !== undefined)
            if (p.withinExclusive) expect(a.lateMs).toBeLessThan(p.withinHours * HOUR);
            else expect(a.lateMs).toBeLessThanOrEqual(p.withinHours * HOUR);
          if (rule.kind === 'interval-min-gap' && a.nextDoseAt !== undefined)
            expect(a.nextDoseAt - (a.takeAt ?? now), 'injections closer than the gap').toBeGreaterThanOrEqual((p.minGapHours ?? 8) * HOUR);
          if (rule.kind === 'take-within-days') expect(a.lateMs).toBeLessThanOrEqual((p.takeWithinDays ?? 0) * DAY);
          if (p.minBeforeNextHours !== undefined && a.nextDoseAt !== undefined && !doubles)
            if (p.minBeforeNextExclusive) expect(a.nextDoseAt - now, `${a.rule.id}: closer to the next dose than allowed`).toBeGreaterThan(p.minBeforeNextHours * HOUR);
            else expect(a.nextDoseAt - now, `${a.rule.id}: closer to the next dose than allowed`).toBeGreaterThanOrEqual(p.minBeforeNextHours * HOUR);
          if (rule.kind === 'same-day' || p.sameDay) expect(clock.dayOf(now), `${a.rule.id}: after its day`).toBe(clock.dayOf(a.scheduledAt));
          // Daily antiretrovirals: no label window in meds reaches further than 18 hours late or 4 hours before the next dose.
          if (a.rule.id.startsWith('antiretroviral') && a.nextDoseAt !== undefined && a.nextDoseAt - a.scheduledAt <= 1.5 * DAY)
            expect(a.lateMs).toBeLessThanOrEqual(Math.max(18 * HOUR, a.nextDoseAt - a.scheduledAt - 4 * HOUR));
          if (PILLS.has(a.rule.id)) {
            const today = clock.dayOf(now);
            const takenToday = r.log.filter((e) => clock.dayOf(e.at) === today).length;
            const nextToday = a.nextDoseAt !== undefined && clock.dayOf(a.nextDoseAt) === today ? 1 : 0;
            expect(takenToday + 1 + nextToday, 'pills in one day').toBeLessThanOrEqual(2);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
