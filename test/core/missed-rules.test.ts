/**
 * The bundled missed-dose rules at each label's own boundaries: the minute
 * before and after every cut-off, across a daylight-saving change, with a fixed
 * clock and zone (America/New_York; 2026-03-02 is a Monday; clocks spring
 * forward on Sunday 2026-03-08).
 */
import { describe, expect, it } from 'vitest';
import { medStrengthMg, NEVER_DOUBLE, strengthMg } from '../../src/core/missed.js';
import { findRule } from '../../src/data/drugs.js';
import { HOUR } from '../../src/time/time.js';
import { NY, advise, at, entry, med, only, regimen, type MedSpec } from './missed-helpers.js';

const one = (spec: MedSpec, now: string, settings = {}) => only(regimen(NY, [med(spec)], [], settings), NY, at(NY, now), spec.id);

describe('antiretrovirals: each label window, recognised by brand and by any ingredient; combinations get the strictest', () => {
  it.each([
    // Biktarvy (leaflet): within 18 h take it; 18 h or more, do not. The originally reported case: found the next morning.
    { name: 'Biktarvy', times: ['09:00'], now: '2026-03-03T02:59', action: 'take-now', id: 'antiretroviral-bictegravir' },
    { name: 'Biktarvy', times: ['09:00'], now: '2026-03-03T03:00', action: 'skip', id: 'antiretroviral-bictegravir' },
    { name: 'Biktarvy', times: ['09:00'], now: '2026-03-03T08:00', action: 'skip', id: 'antiretroviral-bictegravir' },
    { name: 'bictegravir/emtricitabine/tenofovir alafenamide 50/200/25 mg', times: ['09:00'], now: '2026-03-03T03:01', action: 'skip', id: 'antiretroviral-bictegravir' },
    // Across spring forward: 18 elapsed hours from 09:00 EST on Saturday is 04:00 EDT on Sunday.
    { name: 'Biktarvy', times: ['09:00'], from: '2026-03-07', now: '2026-03-08T03:59', action: 'take-now', id: 'antiretroviral-bictegravir' },
    { name: 'Biktarvy', times: ['09:00'], from: '2026-03-07', now: '2026-03-08T04:00', action: 'skip', id: 'antiretroviral-bictegravir' },
    // Rilpivirine: 12 h, alone and in every product containing it.
    { name: 'Edurant', times: ['09:00'], now: '2026-03-02T21:00', action: 'take-now', id: 'antiretroviral-rilpivirine' },
    { name: 'Edurant 25 mg tablets', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-rilpivirine' },
    { name: 'Odefsey', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-rilpivirine' },
    { name: 'HIV tablet', ingredients: ['emtricitabine', 'rilpivirine', 'tenofovir alafenamide'], times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-rilpivirine' },
    // Juluca = dolutegravir (until 4 h before the next dose) + rilpivirine (12 h): the strictest, rilpivirine, decides.
    { name: 'Juluca', times: ['09:00'], now: '2026-03-02T21:00', action: 'take-now', id: 'antiretroviral-rilpivirine' },
    { name: 'Juluca', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-rilpivirine' },
    // Dolutegravir: unless the next dose is due within 4 h.
    { name: 'Tivicay', times: ['09:00'], now: '2026-03-03T04:59', action: 'take-now', id: 'antiretroviral-dolutegravir' },
    { name: 'Triumeq', times: ['09:00'], now: '2026-03-03T05:00', action: 'skip', id: 'antiretroviral-dolutegravir' },
    { name: 'Tivicay', times: ['08:00', '20:00'], now: '2026-03-02T15:59', action: 'take-now', id: 'antiretroviral-dolutegravir-twice-daily' },
    { name: 'Tivicay', times: ['08:00', '20:00'], now: '2026-03-02T16:00', action: 'skip', id: 'antiretroviral-dolutegravir-twice-daily' },
    // Darunavir twice daily: 6 h.
    { name: 'Prezista', times: ['08:00', '20:00'], now: '2026-03-02T14:00', action: 'take-now', id: 'antiretroviral-darunavir-twice-daily' },
    { name: 'darunavir', times: ['08:00', '20:00'], now: '2026-03-02T14:01', action: 'skip', id: 'antiretroviral-darunavir-twice-daily' },
    // Doravirine once daily: 12 h.
    { name: 'Pifeltro', times: ['09:00'], now: '2026-03-02T21:00', action: 'take-now', id: 'antiretroviral-doravirine' },
    { name: 'Delstrigo', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-doravirine' },
    // No encoded window: the conservative rule, half the interval (12 h once daily, 6 h twice daily).
    { name: 'Truvada', times: ['09:00'], now: '2026-03-02T21:00', action: 'take-now', id: 'antiretroviral' },
    { name: 'Truvada', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral' },
    // Darunavir once daily (boosted): 12 h.
    { name: 'Rezolsta', times: ['09:00'], now: '2026-03-02T21:00', action: 'take-now', id: 'antiretroviral-darunavir-once-daily' },
    { name: 'Symtuza', times: ['09:00'], now: '2026-03-02T21:01', action: 'skip', id: 'antiretroviral-darunavir-once-daily' },
    // Elvitegravir/cobicistat (Genvoya leaflet): within 18 h take it; 18 h or more, do not.
    { name: 'Genvoya', times: ['09:00'], now: '2026-03-03T02:59', action: 'take-now', id: 'antiretroviral-elvitegravir' },
    { name: 'Stribild', times: ['09:00'], now: '2026-03-03T03:00', action: 'skip', id: 'antiretroviral-elvitegravir' },
    { name: 'Isentress', times: ['08:00', '20:00'], now: '2026-03-02T14:00', action: 'take-now', id: 'antiretroviral' },
    { name: 'raltegravir', times: ['08:00', '20:00'], now: '2026-03-02T14:01', action: 'skip', id: 'antiretroviral' },
    // A product whose label window is written for once daily, scheduled twice daily: the conservative rule.
    { name: 'Biktarvy', times: ['08:00', '20:00'], now: '2026-03-02T14:01', action: 'skip', id: 'antiretroviral' },
  ])('$name $times at $now: $action ($id)', ({ now, action, id, ...spec }) => {
    const a = one({ id: 'arv', ...spec }, now);
    expect(a).toMatchObject({ action, rule: { id }, caution: NEVER_DOUBLE });
    expect(a.rule.reference).toBeTruthy();
  });

  it.each([
    // A long-acting injection every month (cabotegravir, Vocabria/Rekambys): never an automatic skip 13 hours late.
    { name: 'Vocabria/Rekambys injection', monthDays: [1], times: ['09:00'], from: '2026-01-01', now: '2026-03-02T12:00' },
    { name: 'cabotegravir', days: [1], times: ['09:00'], from: '2026-01-01', now: '2026-03-03T08:00' },
    // Every other day, a once-daily window product (Biktarvy) or one without a window (Truvada).
    { name: 'Biktarvy', everyHours: 48, from: '2026-03-01T09:00', now: '2026-03-04T08:00' },
    { name: 'Truvada', everyHours: 48, from: '2026-03-01T09:00', now: '2026-03-04T08:00' },
  ])('$name on a schedule that is not every day: follow-plan, not the daily 12-hour skip', ({ now, ...spec }) => {
    const a = one({ id: 'arv', ...spec }, now);
    expect(a).toMatchObject({ action: 'follow-plan', rule: { id: 'antiretroviral' } });
    expect(a.message).toContain('HIV clinic');
  });

  it('says why a combination gets the strictest window', () => {
    const a = one({ id: 'arv', name: 'Juluca', times: ['09:00'] }, '2026-03-02T20:00');
    expect(a.takeBy).toBe(at(NY, '2026-03-02T21:00'));
    expect(a.warnings.join(' ')).toMatch(/strictest, here antiretroviral-rilpivirine/);
  });
});

describe('strength: read from strength, name or ingredients, in the spellings people write', () => {
  it.each([
    ['2.5 mg', 2.5],
    ['2,5mg', 2.5],
    ['2.5mg', 2.5],
    ['2.5 milligrams', 2.5],
    ['Xarelto 2.5 mg', 2.5],
    ['Xarelto 2,5 mg film-coated tablets', 2.5],
    ['1,000 mg', 1000],
    ['0.5 g', 500],
    ['350 micrograms', 0.35],
    ['5 mg/5 mL', undefined],
    ['50 mg/200 mg/25 mg', undefined],
    // A decimal comma before three digits: 0,350 mg is 350 micrograms, not 350 mg.
    ['0,350 mg', 0.35],
    ['norethisterone 0,350 MG', 0.35],
    // A space as thousands separator, or a pack size before the strength: not one sure amount.
    ['1 000 mg', undefined],
    ['Noriday 28 350 micrograms', undefined],
    ['Xarelto', undefined],
  ])('%s -> %s mg', (text, mg) => expect(strengthMg(text)).toBe(mg));

  it('agrees across fields, and is unknown when they disagree', () => {
    expect(medStrengthMg({ name: 'Xarelto 2.5 mg', strength: '2,5 mg' })).toBe(2.5);
    expect(medStrengthMg({ name: 'Xarelto', ingredients: ['rivaroxaban 15 mg'] })).toBe(15);
    expect(medStrengthMg({ name: 'Xarelto 2.5 mg', strength: '15 mg' })).toBeUndefined();
    expect(medStrengthMg({ name: 'Xarelto' })).toBeUndefined();
    // A combination strength says nothing about one amount per unit, and does not disturb the next reading.
    expect(medStrengthMg({ name: 'Xarelto', strength: '50 mg/200 mg/25 mg' })).toBeUndefined();
    expect(medStrengthMg({ name: 'Xarelto', strength: '15 mg' })).toBe(15);
  });
});

describe('rivaroxaban twice daily: the strength decides; unknown strength takes the safer branch', () => {
  const bid = ['08:00', '20:00'];
  it.each([
    // The originally reported case: strength only in the name, found 15 minutes before the next dose.
    { spec: { name: 'Xarelto 2.5 mg' }, now: '2026-03-02T19:45', action: 'skip', id: 'rivaroxaban-2.5mg-twice-daily' },
    { spec: { name: 'Xarelto', strength: '2,5 mg' }, now: '2026-03-02T10:30', action: 'skip', id: 'rivaroxaban-2.5mg-twice-daily' },
    { spec: { name: 'rivaroxaban', ingredients: ['rivaroxaban 2.5 milligrams'] }, now: '2026-03-02T10:30', action: 'skip', id: 'rivaroxaban-2.5mg-twice-daily' },
    { spec: { name: 'Xarelto 15mg' }, now: '2026-03-02T14:00', action: 'take-now', id: 'rivaroxaban-15mg-twice-daily' },
    // Unknown or other strength: take only within 6 h and the same day, never two at once.
    { spec: { name: 'Xarelto' }, now: '2026-03-02T14:00', action: 'take-now', id: 'rivaroxaban-twice-daily-strength-unknown' },
    { spec: { name: 'Xarelto' }, now: '2026-03-02T14:01', action: 'skip', id: 'rivaroxaban-twice-daily-strength-unknown' },
    { spec: { name: 'Xarelto' }, now: '2026-03-02T19:45', action: 'skip', id: 'rivaroxaban-twice-daily-strength-unknown' },
    { spec: { name: 'Xarelto 2.5 mg', strength: '15 mg' }, now: '2026-03-02T19:45', action: 'skip', id: 'rivaroxaban-twice-daily-strength-unknown' },
    { spec: { name: 'Xarelto', strength: '20 mg' }, now: '2026-03-02T14:01', action: 'skip', id: 'rivaroxaban-twice-daily-strength-unknown' },
  ])('$spec.name $spec.strength at $now: $action ($id)', ({ spec, now, action, id }) => {
    const a = one({ id: 'riva', times: bid, ...spec }, now);
    expect(a).toMatchObject({ action, rule: { id } });
    if (id !== 'rivaroxaban-15mg-twice-daily') expect(a.covers ?? []).toEqual([]);
    if (id === 'rivaroxaban-twice-daily-strength-unknown') {
      expect(a.caution).toBe(NEVER_DOUBLE);
      expect(a.warnings.join(' ')).toContain('cannot tell which');
    }
  });
});

describe('rules apply only to the frequency they were written for', () => {
  it.each([
    // Dabigatran once daily (post-surgery prophylaxis, SmPC): no make-up, next day's dose as usual.
    { name: 'Pradaxa 110 mg', times: ['10:00'], now: '2026-03-02T12:01', action: 'skip', id: 'dabigatran-once-daily' },
    { name: 'dabigatran etexilate', times: ['10:00'], now: '2026-03-02T23:00', action: 'skip', id: 'dabigatran-once-daily' },
    { name: 'Pradaxa', times: ['08:00', '20:00'], now: '2026-03-02T14:00', action: 'take-now', id: 'dabigatran-twice-daily' },
    // Apixaban is written for twice daily; once daily gets no automatic answer.
    { name: 'Eliquis', times: ['09:00'], now: '2026-03-02T12:00', action: 'follow-plan', id: 'apixaban' },
    // Warfarin is written for once daily.
    { name: 'warfarin', times: ['09:00', '21:00'], now: '2026-03-02T12:00', action: 'follow-plan', id: 'warfarin' },
    // Rivaroxaban three times daily is no label regimen.
    { name: 'Xarelto 15 mg', times: ['06:00', '14:00', '22:00'], now: '2026-03-02T09:00', action: 'follow-plan', id: 'rivaroxaban' },
    // Degludec is written for once daily.
    { name: 'Tresiba', times: ['08:00', '20:00'], now: '2026-03-02T11:00', action: 'follow-plan', id: 'insulin-degludec' },
    // Bisphosphonates and GLP-1 receptor agonists on a schedule no rule was written for: no automatic take-now.
    { name: 'Fosamax', times: ['06:30'], days: [1, 4], now: '2026-03-02T19:00', action: 'follow-plan', id: 'alendronate' },
    { name: 'ibandronic acid 2.5 mg', times: ['06:30'], now: '2026-03-02T19:00', action: 'follow-plan', id: 'ibandronate' },
    { name: 'Rybelsus (semaglutide) 7 mg', times: ['07:00'], now: '2026-03-02T10:00', action: 'follow-plan', id: 'semaglutide' },
  ])('$name $times at $now: $action ($id)', ({ now, action, id, ...spec }) => {
    expect(one({ id: 'm', ...spec }, now)).toMatchObject({ action, rule: { id } });
  });
});

describe('once-daily antiepileptics (Epilepsy Society): as soon as remembered, never together with the next dose', () => {
  it.each([
    { name: 'lamotrigine', now: '2026-03-03T06:59', action: 'take-now' },
    { name: 'Keppra XR', now: '2026-03-03T06:59', action: 'take-now' },
    { name: 'Epilim Chrono', now: '2026-03-02T23:00', action: 'take-now' },
    { name: 'carbamazepine', now: '2026-03-03T07:00', action: 'skip' },
  ])('$name 08:00 at $now: $action', ({ name, now, action }) => {
    expect(one({ id: 'aed', name, times: ['08:00'] }, now)).toMatchObject({ action, rule: { id: 'antiseizure-once-daily' } });
  });
});

describe('same-day rules end at midnight, whatever the on-time window says', () => {
  it.each([
    { name: 'warfarin', times: ['23:00'], id: 'warfarin' },
    { name: 'Lixiana', times: ['23:00'], id: 'edoxaban' },
    { name: 'Xarelto 20 mg', times: ['23:00'], id: 'rivaroxaban-once-daily' },
    { name: 'Eliquis', times: ['11:00', '23:00'], id: 'apixaban' },
    { name: 'my tablet', times: ['23:00'], id: 'regimen:m', missed: { sameDay: true } },
  ])('$name due $times, still in its 3-hour window at 00:30: leave it out ($id)', ({ id, ...spec }) => {
    const a = one({ id: 'm', ...spec }, '2026-03-03T00:30', { lateMs: 3 * HOUR });
    expect(a).toMatchObject({ slot: '2026-03-02T23:00', action: 'skip', rule: { id } });
    expect(a.message).toContain('no longer the day it was due');
  });

  it('at 23:59 the same dose is on time: no advice yet', () => {
    expect(advise(regimen(NY, [med({ id: 'm', name: 'warfarin', times: ['23:00'] })], [], { lateMs: 3 * HOUR }), NY, at(NY, '2026-03-02T23:59'))).toEqual([]);
  });

  it.each([
    { now: '2026-03-02T23:59', action: 'take-now' },
    { now: '2026-03-03T00:00', action: 'skip' },
  ])('edoxaban (NHS, SmPC) 09:00 at $now: $action', ({ now, action }) => {
    expect(one({ id: 'e', name: 'edoxaban 60 mg', times: ['09:00'] }, now)).toMatchObject({ action, rule: { id: 'edoxaban' } });
  });

  // A once-daily dose due at 00:30 and found late that evening: "the same day" ends half an hour before the next
  // dose. Once the next dose is inside its own on-time window (1 h early by default), both together would be a
  // double dose: leave the missed one out.
  it.each([
    { name: 'warfarin', id: 'warfarin' },
    { name: 'Xarelto 20 mg', id: 'rivaroxaban-once-daily' },
    { name: 'Lixiana', id: 'edoxaban' },
  ])('$name due 00:30: take it at 23:29, leave it out at 23:30 when the next is due', ({ name, id }) => {
    const before = one({ id: 'm', name, times: ['00:30'] }, '2026-03-02T23:29');
    expect(before).toMatchObject({ action: 'take-now', rule: { id } });
    expect(before.takeBy).toBe(at(NY, '2026-03-02T23:29'));
    const after = one({ id: 'm', name, times: ['00:30'] }, '2026-03-02T23:30');
    expect(after).toMatchObject({ action: 'skip', rule: { id } });
    expect(after.message).toMatch(/next dose is already due/);
  });
});

describe('combined pill: one advice, never three pills in a day; the pack position from every missed pill', () => {
  const pill = (from: string) => med({ id: 'pill', name: 'Microgynon', times: ['21:00'], cycle: { on: 21, off: 7 }, from });
  const took = (day: string) => entry(NY, 'pill', `${day}T21:02`, `${day}T21:00`);

  it('pills 7 and 8 missed: the week-1 warning comes from pill 7, though the last missed is pill 8 (across spring forward)', () => {
    const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-07')]);
    const list = advise(r, NY, at(NY, '2026-03-10T22:00'), 'pill');
    expect(list.map((a) => a.slot)).toEqual(['2026-03-09T21:00']);
    const a = list[0]!;
    expect(a.message).toContain('leave out the 1 earlier pill you missed');
    expect(a.warnings).toContain('Use extra contraception, such as condoms, for the next 7 days.');
    expect(a.warnings.join(' ')).toContain('emergency contraception');
  });

  it('one pill missed in week 1: no extra contraception, no emergency-contraception warning', () => {
    const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-02'), took('2026-03-04')]);
    const a = only(r, NY, at(NY, '2026-03-04T22:00'), 'pill');
    expect(a.slot).toBe('2026-03-03T21:00');
    expect(a.warnings).toEqual(['You are still protected; no extra contraception is needed.']);
  });
});

describe('traditional progestogen-only pill: the strength spelling never takes it out of its 3-hour rule', () => {
  it.each([
    { strength: '0,350 mg' },
    { strength: '350 micrograms' },
    { strength: '1 000 micrograms' },
    { name: 'Noriday 28 350 micrograms' },
  ])('Noriday $strength$name, 5 hours late: one pill now and 48 hours of extra contraception', (spec) => {
    const a = one({ id: 'pop', name: 'Noriday', ...spec, times: ['09:00'], from: '2026-03-02' }, '2026-03-02T14:00');
    expect(a).toMatchObject({ action: 'take-now', rule: { id: 'pill-progestogen-traditional' } });
    expect(a.warnings.join(' ')).toContain('48 hours');
  });
});

describe("a wide on-time window never widens a rule's limit", () => {
  const wide = { lateMs: 20 * HOUR };
  it.each([
    // Traditional POP, 3 hours: on time at 09:00 + 3 h, after that one pill and 48 hours of extra contraception.
    { name: 'Noriday', now: '2026-03-02T12:00', advice: false },
    { name: 'Noriday', now: '2026-03-02T12:01', advice: true, action: 'take-now', id: 'pill-progestogen-traditional', warn: '48 hours' },
    { name: 'Cerelle', now: '2026-03-02T21:00', advice: false },
    { name: 'Cerelle', now: '2026-03-02T21:01', advice: true, action: 'take-now', id: 'pill-desogestrel', warn: '48 hours' },
    // Rilpivirine, 12 hours; Biktarvy, 18 hours or more.
    { name: 'Edurant', now: '2026-03-02T21:01', advice: true, action: 'skip', id: 'antiretroviral-rilpivirine' },
    { name: 'Biktarvy', now: '2026-03-03T02:59', advice: false },
    { name: 'Biktarvy', now: '2026-03-03T03:00', advice: true, action: 'skip', id: 'antiretroviral-bictegravir' },
  ])('$name at 09:00, window 20 h, at $now: advice $advice $action', ({ name, now, advice, action, id, warn }) => {
    const r = regimen(NY, [med({ id: 'm', name, times: ['09:00'], from: '2026-03-02' })], [], wide);
    const got = advise(r, NY, at(NY, now));
    if (!advice) return expect(got).toEqual([]);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ action, rule: { id } });
    if (warn) expect(got[0]!.warnings.join(' ')).toContain(warn);
  });
});

describe('a name that names two anticoagulants (or two weekly GLP-1 RAs): the strictest answer, and why', () => {
  it.each([
    // Dabigatran once daily (no make-up) must not get warfarin's same-day take-now.
    { name: 'Pradaxa, not Coumadin', times: ['08:00'], now: '2026-03-02T21:00', action: 'skip', id: 'dabigatran-once-daily' },
    { name: 'Coumadin, now Pradaxa', times: ['08:00'], now: '2026-03-02T21:00', action: 'skip', id: 'dabigatran-once-daily' },
    // Rivaroxaban 15 mg twice daily mentioned with apixaban: never the two-tablet catch-up.
    { name: 'Xarelto 15 mg (was Eliquis)', times: ['08:00', '20:00'], now: '2026-03-02T19:45', action: 'skip', id: 'apixaban' },
    // Ozempic's 5 days vs Trulicity's 72 hours before the next dose (Monday 09:00 weekly; found Friday 10:00, 71 hours before the next).
    { name: 'Ozempic (was Trulicity)', days: [1], times: ['09:00'], now: '2026-03-06T10:00', action: 'skip', id: 'dulaglutide-weekly' },
  ])('$name at $now: $action ($id)', ({ now, action, id, ...spec }) => {
    const a = one({ id: 'm', from: '2026-03-01', ...spec }, now);
    expect(a).toMatchObject({ action, rule: { id } });
    expect(a.warnings.join(' ')).toMatch(/cannot tell which it is and applies the strictest/);
  });

  it('one anticoagulant named twice (brand and ingredient) is one medicine: no warning', () => {
    const a = one({ id: 'm', name: 'Pradaxa (dabigatran)', times: ['08:00'], from: '2026-03-01' }, '2026-03-02T21:00');
    expect(a).toMatchObject({ action: 'skip', rule: { id: 'dabigatran-once-daily' } });
    expect(a.warnings.join(' ')).not.toMatch(/strictest/);
  });
});

describe('oral semaglutide (Rybelsus) once daily: no automatic take-now', () => {
  it('Rybelsus 7 mg found 6 hours late: follow-plan, not the general rule', () => {
    const a = one({ id: 'ryb', name: 'Rybelsus 7 mg', times: ['07:00'], from: '2026-03-02' }, '2026-03-02T13:00');
    expect(a).toMatchObject({ action: 'follow-plan', rule: { id: 'semaglutide' } });
  });
});

describe('contraceptive pills meds does not know never get the general take-or-skip rule', () => {
  it('Yaz (drospirenone and ethinyl estradiol), two pills missed: the combined-pill rule with 7 days of extra contraception', () => {
    const r = regimen(NY, [med({ id: 'yaz', name: 'Yaz', times: ['21:00'], from: '2026-03-01' })], [entry(NY, 'yaz', '2026-03-01T21:00', '2026-03-01T21:00')]);
    const a = only(r, NY, at(NY, '2026-03-05T08:00'), 'yaz');
    expect(a).toMatchObject({ action: 'take-now', rule: { id: 'combined-pill' } });
    expect(a.warnings).toContain('Use extra contraception, such as condoms, for the next 7 days.');
  });

  it.each(['Lo Loestrin (birth control)', 'contraceptive pill', 'Sprintec oral contraceptive'])('%s: follow-plan, with the leaflet and emergency contraception named', (name) => {
    const a = one({ id: 'p', name, times: ['21:00'], from: '2026-03-01' }, '2026-03-03T08:00');
    expect(a).toMatchObject({ action: 'follow-plan', rule: { id: 'contraceptive-unrecognised' } });
    expect(a.message).toContain('emergency contraception');
  });
});

describe('drospirenone-only pill (Slynd): missed when more than 24 h late', () => {
  it.each([
    { now: '2026-03-03T09:00', protectedNow: true },
    { now: '2026-03-03T09:01', protectedNow: false },
  ])('09:00 pill at $now: protected $protectedNow', ({ now, protectedNow }) => {
    const r = regimen(NY, [med({ id: 'pop', name: 'Slynd', times: ['09:00'] })], [entry(NY, 'pop', '2026-03-01T09:00', '2026-03-01T09:00')]);
    const a = only(r, NY, at(NY, now), 'pop');
    expect(a).toMatchObject({ action: 'take-now', rule: { id: 'pill-drospirenone' } });
    if (protectedNow) expect(a.message).toContain('still protected');
    else expect(a.warnings.join(' ')).toContain('for the next 7 days');
  });

  it('drospirenone with estradiol (Angeliq, HRT) is not a contraceptive pill: no contraception wording', () => {
    const a = one({ id: 'hrt', name: 'Angeliq', ingredients: ['estradiol', 'drospirenone'], times: ['09:00'] }, '2026-03-02T12:00');
    expect(a.rule.id).not.toBe('pill-drospirenone');
    expect(a.warnings.join(' ')).not.toContain('contraception');
  });

  it('a combined pill with drospirenone (Yasmin) keeps the combined-pill rule', () => {
    const a = one({ id: 'y', name: 'Yasmin', ingredients: ['drospirenone', 'ethinylestradiol'], times: ['09:00'] }, '2026-03-02T12:00');
    expect(a.rule.id).toBe('combined-pill');
  });
});

describe('daily bisphosphonates: the next morning, fasting, never two in a day', () => {
  it('daily alendronate 10 mg found in the evening: leave it out, tomorrow morning as usual', () => {
    const a = one({ id: 'bone', name: 'alendronic acid 10 mg', times: ['06:30'] }, '2026-03-02T19:00');
    expect(a).toMatchObject({ action: 'skip', rule: { id: 'alendronate-daily' }, nextDoseAt: at(NY, '2026-03-03T06:30') });
    expect(a.warnings.join(' ')).toContain('Never take two tablets on the same day');
  });

  it('daily risedronate: no automatic take-now (the leaflet allows a later time only with 2 h fasting either side)', () => {
    expect(one({ id: 'bone', name: 'Actonel 5 mg', times: ['06:30'] }, '2026-03-02T19:00')).toMatchObject({ action: 'follow-plan', rule: { id: 'risedronate' } });
  });
});

describe('weekly GLP-1 receptor agonists: each label window in days', () => {
  const weekly = (name: string) => ({ id: 'glp', name, times: ['09:00'], days: [1] });
  it.each([
    // Semaglutide: within 5 days, and at least 48 hours before the next dose (across spring forward: Saturday 08:00 EST).
    { name: 'Ozempic', now: '2026-03-07T08:00', action: 'take-now', id: 'semaglutide-weekly' },
    { name: 'Wegovy', now: '2026-03-07T08:01', action: 'skip', id: 'semaglutide-weekly' },
    { name: 'Ozempic', from: '2026-03-16', now: '2026-03-21T09:00', action: 'take-now', id: 'semaglutide-weekly' },
    { name: 'Ozempic', from: '2026-03-16', now: '2026-03-21T09:01', action: 'skip', id: 'semaglutide-weekly' },
    // 72 elapsed hours before Monday 09:00 EDT is Friday 08:00 EST: the week holds the spring-forward change.
    { name: 'Trulicity', now: '2026-03-06T08:00', action: 'take-now', id: 'dulaglutide-weekly' },
    { name: 'dulaglutide', now: '2026-03-06T08:01', action: 'skip', id: 'dulaglutide-weekly' },
    // Tirzepatide: 4 elapsed days is Friday 09:00, but the next dose (Monday 09:00 EDT) must stay at least
    // 72 hours away, which across spring forward ends the window at Friday 08:00 EST.
    { name: 'Mounjaro', now: '2026-03-06T08:00', action: 'take-now', id: 'tirzepatide-weekly' },
    { name: 'Zepbound', now: '2026-03-06T08:01', action: 'skip', id: 'tirzepatide-weekly' },
    { name: 'Mounjaro', from: '2026-03-16', now: '2026-03-20T09:00', action: 'take-now', id: 'tirzepatide-weekly' },
    { name: 'Mounjaro', from: '2026-03-16', now: '2026-03-20T09:01', action: 'skip', id: 'tirzepatide-weekly' },
  ])('$name due Monday 09:00, at $now: $action', ({ name, now, action, id, from }: { name: string; now: string; action: string; id: string; from?: string }) => {
    expect(one({ ...weekly(name), ...(from ? { from } : {}) }, now)).toMatchObject({ action, rule: { id } });
  });
});

describe('insulin degludec (label): waking hours, at least 8 h between injections, then the usual time', () => {
  const withRoutine = (now: string) => {
    const r = regimen(NY, [med({ id: 'basal', name: 'Tresiba', times: ['22:00'] })]);
    r.patient.routine = { wake: 7 * 60, bed: 23 * 60 };
    return only(r, NY, at(NY, now), 'basal');
  };

  it.each([
    // Found 14:00: the usual 22:00 is 8 h away: inject now, next as usual.
    { now: '2026-03-02T14:00', action: 'take-now', takeAt: undefined, next: '2026-03-02T22:00' },
    // Found 14:01: 22:00 is too close; 8 h later is 22:01, still awake.
    { now: '2026-03-02T14:01', action: 'take-now', takeAt: undefined, next: '2026-03-02T22:01' },
    // Found 16:00: 8 h later is midnight, asleep: the next injection moves to waking, 07:00.
    { now: '2026-03-02T16:00', action: 'take-now', takeAt: undefined, next: '2026-03-03T07:00' },
    // Found 02:00, asleep: inject on waking at 07:00; 22:00 is 15 h after.
    { now: '2026-03-03T02:00', action: 'take-next-morning', takeAt: '2026-03-03T07:00', next: '2026-03-03T22:00' },
  ])('22:00 dose found at $now: $action, next at $next', ({ now, action, takeAt, next }) => {
    const a = withRoutine(now);
    expect(a).toMatchObject({ action, rule: { id: 'insulin-degludec' }, nextDoseAt: at(NY, next) });
    expect(a.takeAt).toBe(takeAt === undefined ? undefined : at(NY, takeAt));
    expect(a.nextDoseAt! - (a.takeAt ?? at(NY, now))).toBeGreaterThanOrEqual(8 * HOUR);
  });

  it('says it goes back to the usual time after the moved injection', () => {
    expect(withRoutine('2026-03-02T16:00').message).toContain('take the next one at 07:00 tomorrow instead of 22:00, then go back to your usual time (22:00)');
  });
});

describe('recognition: one index, by brand or any ingredient, any case, strength and form words beside the name', () => {
  it.each([
    [{ id: 'a', name: 'ELIQUIS 5mg film-coated tablets' }, 'apixaban'],
    [{ id: 'a', name: 'biktarvy 50 mg/200 mg/25 mg tablets' }, 'antiretroviral-bictegravir'],
    [{ id: 'a', name: 'XARELTO 2,5 MG' }, 'rivaroxaban'],
    [{ id: 'a', ingredients: ['Rilpivirine hydrochloride', 'emtricitabine'] }, 'antiretroviral-rilpivirine'],
    [{ id: 'edoxaban-60' }, 'edoxaban'],
    [{ id: 'a', name: 'Lamictal XR 200 mg prolonged-release' }, 'antiseizure'],
    [{ id: 'a', name: 'Ozempic 1 mg pen' }, 'semaglutide'],
  ])('%o -> %s', (m, id) => expect(findRule(m)?.id).toBe(id));
});
