import { describe, expect, it } from 'vitest';
import type { LogEntry, Medication, MissedInstruction, Phase, Regimen, Settings } from '../../src/model/types.js';
import { Clock, DAY, HOUR, MINUTE, parseDay, parseHM } from '../../src/time/time.js';
import { assessMedication, windowOf } from '../../src/core/doses.js';
import {
  adviceForDose,
  adviseMissed,
  missedPatterns,
  needsAttention,
  NEVER_DOUBLE,
  partOfDay,
  strengthMg,
  type MissedAdvice,
} from '../../src/core/missed.js';
import { DISCLAIMER, findRule, missedRules, RULE_KINDS } from '../../src/data/drugs.js';
import { MedsError } from '../../src/errors.js';

import { LON, NY, advise, at, entry, med, only, regimen, type MedSpec } from './missed-helpers.js';

// ---------------------------------------------------------------------------

describe('general rule (UK SPS): up to 2 h late take it, else take it unless half the interval has passed', () => {
  // lateMs 30 min so a dose exactly 2 h late already counts as missed.
  const S = { lateMs: 30 * MINUTE };
  const cases: { name: string; spec: Partial<MedSpec>; missed: string; late: number; action: 'take-now' | 'skip' }[] = [
    { name: 'twice daily, exactly 2 h late', spec: { times: ['08:00', '20:00'] }, missed: '2026-03-02T08:00', late: 2 * HOUR, action: 'take-now' },
    { name: 'twice daily, just under half the interval (5 h 59)', spec: { times: ['08:00', '20:00'] }, missed: '2026-03-02T08:00', late: 6 * HOUR - MINUTE, action: 'take-now' },
    { name: 'twice daily, at half the interval (6 h)', spec: { times: ['08:00', '20:00'] }, missed: '2026-03-02T08:00', late: 6 * HOUR, action: 'skip' },
    { name: 'once daily, just under half (11 h 59)', spec: { times: ['08:00'] }, missed: '2026-03-02T08:00', late: 12 * HOUR - MINUTE, action: 'take-now' },
    { name: 'once daily, at half (12 h)', spec: { times: ['08:00'] }, missed: '2026-03-02T08:00', late: 12 * HOUR, action: 'skip' },
    { name: 'three times daily, at half (3 h)', spec: { times: ['08:00', '14:00', '20:00'] }, missed: '2026-03-02T08:00', late: 3 * HOUR, action: 'skip' },
    { name: 'every 8 h, exactly 2 h late', spec: { everyHours: 8, from: '2026-03-01T06:00' }, missed: '2026-03-02T06:00', late: 2 * HOUR, action: 'take-now' },
    { name: 'every 8 h, just under half (3 h 59)', spec: { everyHours: 8, from: '2026-03-01T06:00' }, missed: '2026-03-02T06:00', late: 4 * HOUR - MINUTE, action: 'take-now' },
    { name: 'every 8 h, at half (4 h)', spec: { everyHours: 8, from: '2026-03-01T06:00' }, missed: '2026-03-02T06:00', late: 4 * HOUR, action: 'skip' },
    { name: 'every 4 h, exactly 2 h late: the 2-hour allowance wins over the halfway point', spec: { everyHours: 4, from: '2026-03-01T06:00' }, missed: '2026-03-02T06:00', late: 2 * HOUR, action: 'take-now' },
    { name: 'every 4 h, 2 h 01 late: past both limits', spec: { everyHours: 4, from: '2026-03-01T06:00' }, missed: '2026-03-02T06:00', late: 2 * HOUR + MINUTE, action: 'skip' },
    { name: 'weekly, just under half (3 d 11 h 59)', spec: { times: ['08:00'], days: [1] }, missed: '2026-03-16T08:00', late: 3.5 * DAY - MINUTE, action: 'take-now' },
    { name: 'weekly, at half (3 d 12 h)', spec: { times: ['08:00'], days: [1] }, missed: '2026-03-16T08:00', late: 3.5 * DAY, action: 'skip' },
    { name: 'weekly across spring forward (a week of 167 h), at half (3 d 11 h 30)', spec: { times: ['08:00'], days: [1] }, missed: '2026-03-02T08:00', late: 3.5 * DAY - 30 * MINUTE, action: 'skip' },
    { name: 'weekly across spring forward, just under half (3 d 11 h 29)', spec: { times: ['08:00'], days: [1] }, missed: '2026-03-02T08:00', late: 3.5 * DAY - 31 * MINUTE, action: 'take-now' },
  ];
  it.each(cases)('$name: $action', ({ spec, missed, late, action }) => {
    const r = regimen(NY, [med({ id: 'metformin', ...spec })], [], S);
    const a = only(r, NY, at(NY, missed) + late, 'metformin');
    expect(a.scheduledAt).toBe(at(NY, missed));
    expect(a.action).toBe(action);
    expect(a.rule).toMatchObject({ source: 'general', id: 'general' });
    expect(a.rule.reference).toContain('Specialist Pharmacy Service');
    expect(a.caution).toBe(NEVER_DOUBLE);
  });

  it('says what to do in one plain sentence with local times, and when taking it stops being right', () => {
    const r = regimen(NY, [med({ id: 'metformin', times: ['08:00', '18:00'] })]);
    const a = only(r, NY, at(NY, '2026-03-02T10:30'), 'metformin');
    expect(a.message).toBe('Take your 08:00 metformin now; your next dose is at 18:00 as usual.');
    expect(a.takeBy).toBe(at(NY, '2026-03-02T13:00'));
    expect(a.nextDoseAt).toBe(at(NY, '2026-03-02T18:00'));
    expect(a.lateMs).toBe(2.5 * HOUR);
  });

  it('says to skip and when the next dose is, past the halfway point', () => {
    const r = regimen(NY, [med({ id: 'metformin', times: ['08:00', '18:00'] })]);
    const a = only(r, NY, at(NY, '2026-03-02T13:30'), 'metformin');
    expect(a.action).toBe('skip');
    expect(a.takeBy).toBeUndefined();
    expect(a.message).toBe('Skip your 08:00 metformin: it is nearly time for the next one; take the next dose at 18:00 as usual.');
  });
});

describe('which missed doses still matter now', () => {
  const metformin = () => med({ id: 'metformin', times: ['08:00', '20:00'] });

  it('drops a missed dose once the next dose has come: shown as missed, without advice', () => {
    const r = regimen(NY, [metformin()]);
    const now = at(NY, '2026-03-02T20:30');
    expect(advise(r, NY, now)).toEqual([]);
    const day = parseDay('2026-03-02')!;
    const morning = assessMedication(r.medications[0]!, [], day, day, now, NY, windowOf(r.settings)).doses.find((d) => d.slot === '2026-03-02T08:00')!;
    expect(morning.status).toBe('missed');
    expect(adviceForDose(r, r.medications[0]!, morning, now, NY)).toBeUndefined();
  });

  it('drops a missed dose once a later dose has been taken (even early), so it is never taken twice', () => {
    const m = med({ id: 'apixaban', times: ['09:00', '21:00'] });
    const r = regimen(NY, [m], [entry(NY, 'apixaban', '2026-03-02T20:15', '2026-03-02T21:00')]);
    expect(advise(r, NY, at(NY, '2026-03-02T20:30'))).toEqual([]);
  });

  it('gives the same advice beside a missed dose in `meds today` as `meds missed`', () => {
    const r = regimen(NY, [metformin()]);
    const now = at(NY, '2026-03-02T11:00');
    const list = advise(r, NY, now);
    expect(adviceForDose(r, r.medications[0]!, { slot: '2026-03-02T08:00' }, now, NY)).toEqual(list[0]);
  });

  it('lists every medication, oldest missed dose first, and filters by medication', () => {
    const r = regimen(NY, [metformin(), med({ id: 'amlodipine', times: ['07:00'] })]);
    const now = at(NY, '2026-03-02T10:30');
    expect(advise(r, NY, now).map((a) => a.med)).toEqual(['amlodipine', 'metformin']);
    expect(advise(r, NY, now, 'metformin').map((a) => a.med)).toEqual(['metformin']);
  });

  it('rejects an unknown medication with a usage error and a suggestion', () => {
    const r = regimen(NY, [metformin()]);
    try {
      advise(r, NY, at(NY, '2026-03-02T10:30'), 'metformn');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MedsError);
      expect((e as MedsError).code).toBe('unknown-med');
      expect((e as MedsError).hint).toContain('metformin');
    }
  });

  it('does not advise a dose recorded as taken or skipped', () => {
    const r = regimen(NY, [metformin()], [entry(NY, 'metformin', '2026-03-02T08:10', '2026-03-02T08:00', 'skipped')]);
    expect(advise(r, NY, at(NY, '2026-03-02T11:00'))).toEqual([]);
  });

  it('needs attention (exit 1) for take-now, take-next-morning and contact-prescriber only', () => {
    expect(['take-now', 'take-next-morning', 'contact-prescriber', 'skip', 'follow-plan'].map((action) => needsAttention({ action: action as MissedAdvice['action'] }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('regimen instructions (missed: in the file) decide first', () => {
  const cases: { name: string; missed: MissedInstruction; times: string[]; now: string; action: string; text?: string }[] = [
    { name: 'takeWithin 6h, exactly 6 h late', missed: { takeWithinMs: 6 * HOUR }, times: ['08:00'], now: '2026-03-02T14:00', action: 'take-now' },
    { name: 'takeWithin 6h, 6 h 01 late', missed: { takeWithinMs: 6 * HOUR }, times: ['08:00'], now: '2026-03-02T14:01', action: 'skip', text: 'more than 6 hours late' },
    { name: 'sameDay, 23:59 the same day', missed: { sameDay: true }, times: ['20:00'], now: '2026-03-02T23:59', action: 'take-now' },
    { name: 'sameDay, 00:01 the next day', missed: { sameDay: true }, times: ['20:00'], now: '2026-03-03T00:01', action: 'skip', text: 'no longer the day' },
    { name: 'action skip, even when only a little late', missed: { action: 'skip' }, times: ['08:00'], now: '2026-03-02T10:30', action: 'skip' },
    { name: 'advice: contact the prescriber with the text', missed: { advice: 'Call the anticoagulation clinic' }, times: ['08:00'], now: '2026-03-02T10:30', action: 'contact-prescriber', text: 'Call the anticoagulation clinic' },
    { name: 'takeWithin and sameDay: both must hold (late evening, past midnight)', missed: { takeWithinMs: 6 * HOUR, sameDay: true }, times: ['22:00'], now: '2026-03-03T00:30', action: 'skip' },
  ];
  it.each(cases)('$name: $action', ({ missed, times, now, action, text }) => {
    const r = regimen(NY, [med({ id: 'amlodipine', times, missed })]);
    const a = only(r, NY, at(NY, now), 'amlodipine');
    expect(a.action).toBe(action);
    expect(a.rule).toMatchObject({ source: 'regimen', id: 'regimen:amlodipine' });
    expect(a.rule.reference).toContain('medications[');
    if (text) expect(a.message).toContain(text);
  });

  it('sets takeBy to the end of the allowed lateness', () => {
    const r = regimen(NY, [med({ id: 'amlodipine', times: ['08:00'], missed: { takeWithinMs: 6 * HOUR } })]);
    expect(only(r, NY, at(NY, '2026-03-02T11:00'), 'amlodipine').takeBy).toBe(at(NY, '2026-03-02T14:00'));
  });

  it("keeps the user's advice text as a note when it accompanies a takeWithin", () => {
    const r = regimen(NY, [med({ id: 'amlodipine', times: ['08:00'], missed: { takeWithinMs: 6 * HOUR, advice: 'Check your blood pressure' } })]);
    const a = only(r, NY, at(NY, '2026-03-02T11:00'), 'amlodipine');
    expect(a.action).toBe('take-now');
    expect(a.warnings).toContain('Check your blood pressure');
  });

  it("a medication's own instruction overrides the built-in drug rule", () => {
    const r = regimen(NY, [med({ id: 'warfarin', times: ['18:00'], missed: { action: 'skip' } })]);
    const a = only(r, NY, at(NY, '2026-03-02T21:00'), 'warfarin');
    expect(a.action).toBe('skip');
    expect(a.rule.source).toBe('regimen');
  });

  it('settings.missed is the default for medications without a rule of their own', () => {
    const r = regimen(NY, [med({ id: 'amlodipine', times: ['08:00'] })], [], { missed: { takeWithinMs: 3 * HOUR } });
    expect(only(r, NY, at(NY, '2026-03-02T11:00'), 'amlodipine')).toMatchObject({ action: 'take-now', rule: { source: 'regimen', id: 'regimen:settings' } });
    expect(only(r, NY, at(NY, '2026-03-02T11:01'), 'amlodipine')).toMatchObject({ action: 'skip', rule: { id: 'regimen:settings' } });
  });

  it('settings.missed does not override a built-in drug rule (warfarin same day still applies)', () => {
    const r = regimen(NY, [med({ id: 'warfarin', times: ['18:00'] })], [], { missed: { takeWithinMs: 3 * HOUR } });
    expect(only(r, NY, at(NY, '2026-03-02T23:00'), 'warfarin')).toMatchObject({ action: 'take-now', rule: { source: 'builtin', id: 'warfarin' } });
  });
});

describe('built-in drug rules', () => {
  describe('warfarin (ISMP / NHS): same day take it, next day skip, two or more in a row contact', () => {
    const warfarin = () => med({ id: 'coumadin', name: 'Coumadin', times: ['18:00'] });
    const before = [entry(NY, 'coumadin', '2026-03-01T18:05', '2026-03-01T18:00')];

    it('takes a missed dose remembered the same day, until midnight', () => {
      const a = only(regimen(NY, [warfarin()], before), NY, at(NY, '2026-03-02T23:00'), 'coumadin');
      expect(a).toMatchObject({ action: 'take-now', rule: { source: 'builtin', id: 'warfarin' } });
      expect(a.takeBy).toBe(at(NY, '2026-03-03T00:00'));
      expect(a.rule.reference).toContain('nhs.uk');
    });

    it('skips it the next day', () => {
      const a = only(regimen(NY, [warfarin()], before), NY, at(NY, '2026-03-03T09:00'), 'coumadin');
      expect(a.action).toBe('skip');
      expect(a.message).toBe("Skip yesterday's 18:00 Coumadin: it is no longer the day it was due; take the next dose at 18:00 as usual.");
    });

    it('says contact the clinic when two doses in a row are missed', () => {
      const a = only(regimen(NY, [warfarin()], before), NY, at(NY, '2026-03-03T21:00'), 'coumadin');
      expect(a.action).toBe('contact-prescriber');
      expect(a.message).toContain('2 Coumadin doses in a row');
      expect(a.message).toContain('anticoagulation clinic');
    });

    it('counts a deliberately skipped dose as not taken in the run', () => {
      const log = [...before, entry(NY, 'coumadin', '2026-03-02T19:00', '2026-03-02T18:00', 'skipped')];
      expect(only(regimen(NY, [warfarin()], log), NY, at(NY, '2026-03-03T21:00'), 'coumadin').action).toBe('contact-prescriber');
    });

    it('does not count doses from before the log begins (nothing was tracked then)', () => {
      expect(only(regimen(NY, [warfarin()]), NY, at(NY, '2026-03-03T21:00'), 'coumadin').action).toBe('take-now');
    });
  });

  describe('apixaban (label + EHRA): same day, and not within 6 h of the next dose', () => {
    const cases = [
      { now: '2026-03-02T14:00', action: 'take-now' },
      { now: '2026-03-02T15:00', action: 'take-now' },
      { now: '2026-03-02T15:01', action: 'skip' },
    ];
    it.each(cases)('09:00 dose at $now: $action', ({ now, action }) => {
      const r = regimen(NY, [med({ id: 'apixaban', name: 'Eliquis (apixaban)', strength: '5 mg', times: ['09:00', '21:00'] })]);
      const a = only(r, NY, at(NY, now), 'apixaban');
      expect(a).toMatchObject({ action, rule: { source: 'builtin', id: 'apixaban' } });
      if (action === 'take-now') expect(a.takeBy).toBe(at(NY, '2026-03-02T15:00'));
    });
  });

  describe('rivaroxaban (label)', () => {
    const riva = (strength: string, times: string[]) => med({ id: 'xarelto', name: 'Xarelto', strength, times });

    it.each([
      { now: '2026-03-02T22:00', action: 'take-now' },
      { now: '2026-03-03T07:00', action: 'skip' },
    ])('20 mg once daily, 08:00 dose at $now: $action', ({ now, action }) => {
      const a = only(regimen(NY, [riva('20 mg', ['08:00'])]), NY, at(NY, now), 'xarelto');
      expect(a).toMatchObject({ action, rule: { id: 'rivaroxaban-once-daily' }, caution: NEVER_DOUBLE });
    });

    it('15 mg twice daily, morning dose remembered before the evening dose: take one tablet now', () => {
      const a = only(regimen(NY, [riva('15 mg', ['08:00', '20:00'])]), NY, at(NY, '2026-03-02T14:00'), 'xarelto');
      expect(a).toMatchObject({ action: 'take-now', rule: { id: 'rivaroxaban-15mg-twice-daily' } });
      expect(a.message).toBe('Take your 08:00 Xarelto now; your next dose is at 20:00 as usual.');
    });

    it('15 mg twice daily, remembered at the evening dose: two 15 mg tablets at once (the documented exception)', () => {
      const a = only(regimen(NY, [riva('15 mg', ['08:00', '20:00'])]), NY, at(NY, '2026-03-02T20:30'), 'xarelto');
      expect(a.action).toBe('take-now');
      expect(a.message).toContain('Take two 15 mg tablets now');
      expect(a.message).toContain('30 mg today');
      expect(a.covers).toEqual(['2026-03-02T20:00']);
      expect(a.caution).toContain('the label allows it');
      expect(a.nextDoseAt).toBe(at(NY, '2026-03-03T08:00'));
    });

    it('15 mg twice daily, both doses missed late in the evening: one advice covering both', () => {
      const r = regimen(NY, [riva('15 mg', ['08:00', '20:00'])]);
      const a = only(r, NY, at(NY, '2026-03-02T23:00'), 'xarelto');
      expect(a.slot).toBe('2026-03-02T08:00');
      expect(a.covers).toEqual(['2026-03-02T20:00']);
      expect(adviceForDose(r, r.medications[0]!, { slot: '2026-03-02T20:00' }, at(NY, '2026-03-02T23:00'), NY)).toEqual(a);
    });

    it('15 mg twice daily, evening dose already taken: still take the missed one to reach 30 mg', () => {
      const r = regimen(NY, [riva('15 mg', ['08:00', '20:00'])], [entry(NY, 'xarelto', '2026-03-02T20:05', '2026-03-02T20:00')]);
      const a = only(r, NY, at(NY, '2026-03-02T20:30'), 'xarelto');
      expect(a.action).toBe('take-now');
      expect(a.message).toContain('so you get 30 mg today');
    });

    it('15 mg twice daily, the next day: skip the evening dose, the morning one no longer matters', () => {
      const a = only(regimen(NY, [riva('15 mg', ['08:00', '20:00'])]), NY, at(NY, '2026-03-03T01:00'), 'xarelto');
      expect(a).toMatchObject({ slot: '2026-03-02T20:00', action: 'skip' });
    });

    it('2.5 mg twice daily: skip, take the next at the usual time', () => {
      const a = only(regimen(NY, [riva('2.5 mg', ['08:00', '20:00'])]), NY, at(NY, '2026-03-02T10:30'), 'xarelto');
      expect(a).toMatchObject({ action: 'skip', rule: { id: 'rivaroxaban-2.5mg-twice-daily' } });
    });
  });

  describe('dabigatran twice daily (Thrombosis UK): take it if the next dose is at least 6 h away', () => {
    it.each([
      { now: '2026-03-02T14:00', action: 'take-now' },
      { now: '2026-03-02T14:01', action: 'skip' },
    ])('08:00 dose at $now: $action', ({ now, action }) => {
      const a = only(regimen(NY, [med({ id: 'pradaxa', name: 'Pradaxa', times: ['08:00', '20:00'] })]), NY, at(NY, now), 'pradaxa');
      expect(a).toMatchObject({ action, rule: { id: 'dabigatran-twice-daily' } });
    });
  });

  describe('combined pill (NHS)', () => {
    const pill = (from: string) => med({ id: 'pill', name: 'Microgynon', times: ['21:00'], cycle: { on: 21, off: 7 }, from });
    const took = (day: string) => entry(NY, 'pill', `${day}T21:02`, `${day}T21:00`);

    it('less than 24 hours late: take it now, still protected', () => {
      const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-02')]);
      const a = only(r, NY, at(NY, '2026-03-04T08:00'), 'pill');
      expect(a).toMatchObject({ action: 'take-now', rule: { id: 'combined-pill' } });
      expect(a.message).toContain('less than 24 hours late');
      expect(a.warnings).toEqual(['You are still protected; no extra contraception is needed.']);
      expect(a.caution).toContain('two pills in one day');
    });

    it('one missed pill (more than 24 h late) while the next is due: take it now, two pills today, no extra contraception', () => {
      const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-02')]);
      const a = only(r, NY, at(NY, '2026-03-04T21:30'), 'pill');
      expect(a.slot).toBe('2026-03-03T21:00');
      expect(a.message).toContain('Take the last pill you missed');
      expect(a.message).toContain('even if that means two pills in one day');
      expect(a.warnings).toEqual(['You are still protected; no extra contraception is needed.']);
    });

    it('one missed and one late pill: take only the latest now and leave the earlier, so never three pills in a day', () => {
      const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-02')]);
      const list = advise(r, NY, at(NY, '2026-03-05T10:00'), 'pill');
      expect(list.map((a) => [a.slot, a.action])).toEqual([['2026-03-04T21:00', 'take-now']]);
      expect(list[0]!.message).toContain('leave out the 1 earlier pill you missed');
    });

    it('two or more missed in week 1: last missed now, leave the earlier, 7 days extra contraception, emergency contraception warning', () => {
      const r = regimen(NY, [pill('2026-03-02')], [took('2026-03-02')]);
      const list = advise(r, NY, at(NY, '2026-03-06T10:00'), 'pill');
      expect(list.map((a) => a.slot)).toEqual(['2026-03-05T21:00']);
      const last = list[0]!;
      expect(last.message).toContain('leave out the 2 earlier pills you missed');
      expect(last.warnings[0]).toBe('Use extra contraception, such as condoms, for the next 7 days.');
      expect(last.warnings.join(' ')).toContain('emergency contraception');
    });

    it('two missed in week 3: start the next pack without the break', () => {
      // Pack started 2026-02-16: 2026-03-03 is pill 16, 2026-03-04 pill 17.
      const r = regimen(NY, [pill('2026-02-16')], [took('2026-03-02')]);
      const a = only(r, NY, at(NY, '2026-03-05T21:30'), 'pill');
      expect(a.slot).toBe('2026-03-04T21:00');
      expect(a.warnings).toContain('Use extra contraception, such as condoms, for the next 7 days.');
      expect(a.warnings.join(' ')).toContain('without the 7 days break');
      expect(a.nextDoseAt).toBe(at(NY, '2026-03-05T21:00'));
    });
  });

  describe('progestogen-only pills (NHS)', () => {
    const cases = [
      { name: 'traditional, 2 h 30 late', spec: { name: 'Norgeston', strength: '30 micrograms' }, late: 2.5 * HOUR, extra: false, id: 'pill-progestogen-traditional' },
      { name: 'traditional, 3 h 30 late', spec: { name: 'Norgeston', strength: '30 micrograms' }, late: 3.5 * HOUR, extra: true, id: 'pill-progestogen-traditional' },
      { name: 'desogestrel, 11 h late', spec: { name: 'Cerazette', strength: '75 micrograms' }, late: 11 * HOUR, extra: false, id: 'pill-desogestrel' },
      { name: 'desogestrel, 13 h late', spec: { name: 'Cerazette', strength: '75 micrograms' }, late: 13 * HOUR, extra: true, id: 'pill-desogestrel' },
    ];
    it.each(cases)('$name: take one now, extra contraception $extra', ({ spec, late, extra, id }) => {
      const r = regimen(NY, [med({ id: 'pop', times: ['09:00'], ...spec })]);
      const a = only(r, NY, at(NY, '2026-03-02T09:00') + late, 'pop');
      expect(a).toMatchObject({ action: 'take-now', rule: { id } });
      if (extra) {
        expect(a.warnings[0]).toBe('Use extra contraception, such as condoms, for the next 2 days (48 hours) after taking this pill, or do not have sex.');
        expect(a.message).toContain('even if that means two pills in one day');
      } else {
        expect(a.message).toContain('still protected');
        expect(a.warnings).toEqual([]);
      }
    });

    it('two pills not taken: only one now, and not protected even if the latest is only a little late', () => {
      const log = [entry(NY, 'pop', '2026-03-01T09:05', '2026-03-01T09:00')];
      const r = regimen(NY, [med({ id: 'pop', name: 'Cerazette', times: ['09:00'] })], log);
      const a = only(r, NY, at(NY, '2026-03-03T11:30'), 'pop');
      expect(a.slot).toBe('2026-03-03T09:00');
      expect(a.message).toContain('you have missed 2; take only one');
      expect(a.warnings[0]).toContain('2 days (48 hours)');
    });

    it('norethisterone 5 mg three times daily is not a contraceptive pill: general rule', () => {
      const r = regimen(NY, [med({ id: 'net', name: 'norethisterone', strength: '5 mg', times: ['08:00', '14:00', '20:00'] })]);
      expect(only(r, NY, at(NY, '2026-03-02T10:30'), 'net').rule.source).toBe('general');
    });
  });

  describe('levothyroxine (leaflet): when remembered unless nearly time for the next', () => {
    it.each([
      { now: '2026-03-02T18:59', action: 'take-now' },
      { now: '2026-03-02T19:00', action: 'skip' },
    ])('07:00 once daily at $now: $action', ({ now, action }) => {
      const a = only(regimen(NY, [med({ id: 'thyroid', name: 'Synthroid', times: ['07:00'] })]), NY, at(NY, now), 'thyroid');
      expect(a).toMatchObject({ action, rule: { source: 'builtin', id: 'levothyroxine' } });
    });
  });

  describe('weekly alendronate and risedronate (labels): the morning after, never two in one day', () => {
    it.each([
      { name: 'Fosamax', id: 'alendronate-weekly' },
      { name: 'Actonel', id: 'risedronate-weekly' },
    ])('$name missed on Sunday, remembered Tuesday: take it Wednesday morning', ({ name, id }) => {
      const r = regimen(NY, [med({ id: 'bone', name, times: ['06:30'], days: [0] })]);
      const a = only(r, NY, at(NY, '2026-03-03T10:00'), 'bone');
      expect(a).toMatchObject({ action: 'take-next-morning', rule: { id } });
      expect(a.takeAt).toBe(at(NY, '2026-03-04T06:30'));
      expect(a.message).toBe(`Take Sunday's 06:30 ${name} tomorrow morning at 06:30 instead, the usual way, then go back to your usual day (next dose at 06:30 on Sunday).`);
      expect(a.warnings).toContain('Never take two tablets on the same day.');
    });

    it('remembered on Saturday: skip, because tomorrow is the usual day', () => {
      const r = regimen(NY, [med({ id: 'bone', name: 'Fosamax', times: ['06:30'], days: [0] })]);
      expect(only(r, NY, at(NY, '2026-03-07T10:00'), 'bone').action).toBe('skip');
    });

    it('daily alendronate is not covered by the weekly rule: its own daily rule', () => {
      const r = regimen(NY, [med({ id: 'alendronate', times: ['06:30'] })]);
      expect(only(r, NY, at(NY, '2026-03-02T09:00'), 'alendronate').rule.id).toBe('alendronate-daily');
    });
  });

  describe('monthly risedronate and ibandronate (labels): next morning if the next dose is more than 7 days away', () => {
    it.each([
      { name: 'Actonel', now: '2026-03-02T10:00', action: 'take-next-morning' },
      { name: 'Actonel', now: '2026-03-24T10:00', action: 'take-next-morning' },
      { name: 'Actonel', now: '2026-03-25T10:00', action: 'skip' },
      { name: 'Boniva', now: '2026-03-24T10:00', action: 'take-next-morning' },
      { name: 'Boniva', now: '2026-03-25T10:00', action: 'skip' },
    ])('$name due 1 March, next 1 April, at $now: $action', ({ name, now, action }) => {
      const r = regimen(NY, [med({ id: 'bone', name, times: ['07:00'], monthDays: [1] })]);
      const a = only(r, NY, at(NY, now), 'bone');
      expect(a.action).toBe(action);
      expect(a.rule.id).toMatch(/monthly$/);
    });
  });

  describe('weekly methotrexate (NPSA): within 2 days take it, 3 days or more contact', () => {
    it.each([
      { now: '2026-03-02T12:00', action: 'take-now' },
      { now: '2026-03-04T23:00', action: 'take-now' },
      { now: '2026-03-05T08:00', action: 'contact-prescriber' },
    ])('Monday 08:00 dose at $now: $action', ({ now, action }) => {
      const r = regimen(NY, [med({ id: 'mtx', name: 'methotrexate', strength: '2.5 mg', dose: 4, times: ['08:00'], days: [1] })]);
      const a = only(r, NY, at(NY, now), 'mtx');
      expect(a).toMatchObject({ action, rule: { id: 'methotrexate-weekly' } });
      if (action === 'take-now') expect(a.takeBy).toBe(at(NY, '2026-03-05T00:00'));
    });

    it('methotrexate on a daily schedule gets no automatic answer', () => {
      const r = regimen(NY, [med({ id: 'mtx', name: 'methotrexate', times: ['08:00'] })]);
      expect(only(r, NY, at(NY, '2026-03-02T12:00'), 'mtx')).toMatchObject({ action: 'follow-plan', rule: { id: 'methotrexate' } });
    });
  });

  describe('insulins (labels)', () => {
    const tresiba = () => med({ id: 'basal', name: 'Tresiba (insulin degludec)', times: ['22:00'] });

    it('degludec: inject now when the next injection is at least 8 h away', () => {
      const a = only(regimen(NY, [tresiba()]), NY, at(NY, '2026-03-02T10:00'), 'basal');
      expect(a).toMatchObject({ action: 'take-now', rule: { id: 'insulin-degludec' }, nextDoseAt: at(NY, '2026-03-02T22:00') });
      expect(a.warnings.join(' ')).toContain('Inject it during waking hours');
    });

    it('degludec: inject now and move the next injection to keep 8 h between them', () => {
      const a = only(regimen(NY, [tresiba()]), NY, at(NY, '2026-03-02T16:00'), 'basal');
      expect(a.action).toBe('take-now');
      expect(a.nextDoseAt).toBe(at(NY, '2026-03-03T00:00'));
      expect(a.message).toContain('take the next one at 00:00 tomorrow instead of 22:00, then go back to your usual time (22:00)');
    });

    it.each(['Lantus', 'insulin glargine', 'Ryzodeg', 'Humalog', 'NovoRapid insulin aspart'])('%s: follow your own plan', (name) => {
      const a = only(regimen(NY, [med({ id: 'ins', name, times: ['22:00'] })]), NY, at(NY, '2026-03-03T09:00'), 'ins');
      expect(a).toMatchObject({ action: 'follow-plan', rule: { id: 'insulin' } });
      expect(needsAttention(a)).toBe(false);
    });
  });

  describe('antiseizure medicines twice daily (Epilepsy Society): within 6 h', () => {
    it.each([
      { name: 'Keppra', now: '2026-03-02T14:00', action: 'take-now' },
      { name: 'levetiracetam', now: '2026-03-02T14:01', action: 'skip' },
      { name: 'Sodium valproate', now: '2026-03-02T14:01', action: 'skip' },
    ])('$name 08:00 at $now: $action', ({ name, now, action }) => {
      const a = only(regimen(NY, [med({ id: 'aed', name, times: ['08:00', '20:00'] })]), NY, at(NY, now), 'aed');
      expect(a).toMatchObject({ action, rule: { id: 'antiseizure-twice-daily' } });
      expect(a.rule.reference).toContain('epilepsysociety.org.uk');
    });

    it('once-daily lamotrigine: as soon as remembered (Epilepsy Society), even past the halfway point', () => {
      const a = only(regimen(NY, [med({ id: 'aed', name: 'lamotrigine', times: ['08:00'] })]), NY, at(NY, '2026-03-02T22:01'), 'aed');
      expect(a).toMatchObject({ action: 'take-now', rule: { id: 'antiseizure-once-daily' } });
      expect(a.rule.reference).toContain('epilepsysociety.org.uk');
    });
  });

  // Antiretrovirals: see test/core/missed-rules.test.ts.
});

describe('across midnight and daylight-saving changes', () => {
  it('credits a 22:00 dose taken at 00:30: nothing missed', () => {
    const r = regimen(NY, [med({ id: 'metformin', times: ['08:00', '22:00'] })], [{ at: at(NY, '2026-03-03T00:30'), atText: '', med: 'metformin', status: 'taken', index: 0 }]);
    expect(advise(r, NY, at(NY, '2026-03-03T01:00'))).toEqual([]);
  });

  it('advises a 22:00 dose not taken by 00:30 with the next dose "tomorrow" in words from the new day', () => {
    const r = regimen(NY, [med({ id: 'metformin', times: ['08:00', '22:00'] })]);
    const a = only(r, NY, at(NY, '2026-03-03T00:30'), 'metformin');
    expect(a.message).toBe("Take yesterday's 22:00 metformin now; your next dose is at 08:00 as usual.");
  });

  // Interval = elapsed time to the next dose: 11 h across spring forward, 13 h across fall back.
  const dst: { name: string; clock: Clock; missed: string; late: number; action: string }[] = [
    { name: 'New York spring forward (20:00 -> 08:00 is 11 h), 5 h 29 late', clock: NY, missed: '2026-03-07T20:00', late: 5.5 * HOUR - MINUTE, action: 'take-now' },
    { name: 'New York spring forward, 5 h 30 late (half of 11 h)', clock: NY, missed: '2026-03-07T20:00', late: 5.5 * HOUR, action: 'skip' },
    { name: 'New York fall back (20:00 -> 08:00 is 13 h), 6 h 29 late', clock: NY, missed: '2026-10-31T20:00', late: 6.5 * HOUR - MINUTE, action: 'take-now' },
    { name: 'New York fall back, 6 h 30 late (half of 13 h)', clock: NY, missed: '2026-10-31T20:00', late: 6.5 * HOUR, action: 'skip' },
    { name: 'London fall back (13 h), 6 h 29 late', clock: LON, missed: '2026-10-24T20:00', late: 6.5 * HOUR - MINUTE, action: 'take-now' },
    { name: 'London fall back, 6 h 30 late', clock: LON, missed: '2026-10-24T20:00', late: 6.5 * HOUR, action: 'skip' },
    { name: 'London spring forward (11 h), 5 h 30 late', clock: LON, missed: '2026-03-28T20:00', late: 5.5 * HOUR, action: 'skip' },
  ];
  it.each(dst)('$name: $action', ({ clock, missed, late, action }) => {
    const r = regimen(clock, [med({ id: 'metformin', times: ['08:00', '20:00'] })]);
    const a = only(r, clock, at(clock, missed) + late, 'metformin');
    expect(a.action).toBe(action);
    expect(a.nextDoseAt! - a.scheduledAt).toBe(missed.includes('-03-') ? 11 * HOUR : 13 * HOUR);
  });

  it('every 8 h keeps elapsed time across London spring forward: the next dose shows the new local time', () => {
    const r = regimen(LON, [med({ id: 'amoxicillin', everyHours: 8, from: '2026-03-28T06:00' })]);
    // Doses 06:00, 14:00, 22:00 GMT on 28 March, then 06:00 GMT = 07:00 BST on 29 March.
    const missed = at(LON, '2026-03-28T22:00');
    const take = only(r, LON, missed + 4 * HOUR - MINUTE, 'amoxicillin');
    expect(take).toMatchObject({ action: 'take-now', nextDoseAt: missed + 8 * HOUR });
    expect(take.message).toBe("Take yesterday's 22:00 amoxicillin now; your next dose is at 07:00 as usual.");
    expect(only(r, LON, missed + 4 * HOUR, 'amoxicillin').action).toBe('skip');
  });

  it('same day means the local calendar day on the night London springs forward', () => {
    const r = regimen(LON, [med({ id: 'warfarin', times: ['21:00'] })]);
    expect(only(r, LON, at(LON, '2026-03-28T23:59'), 'warfarin').action).toBe('take-now');
    expect(only(r, LON, at(LON, '2026-03-29T00:30'), 'warfarin').action).toBe('skip');
    // A 01:30 dose falls in the gap and moves to 02:30 BST; the day that lost an hour still ends at local midnight.
    const gap = regimen(LON, [med({ id: 'warfarin', times: ['01:30'] })]);
    const a = only(gap, LON, at(LON, '2026-03-29T05:00'), 'warfarin');
    expect(a).toMatchObject({ action: 'take-now', scheduledAt: Date.UTC(2026, 2, 29, 1, 30), takeBy: at(LON, '2026-03-30T00:00') });
    expect(a.message).toBe('Take your 02:30 warfarin now; your next dose is at 01:30 tomorrow as usual.');
  });

  it('a weekly alendronate week that contains the spring-forward change is still weekly', () => {
    const r = regimen(NY, [med({ id: 'bone', name: 'alendronate', times: ['06:30'], days: [0] })]);
    const a = only(r, NY, at(NY, '2026-03-08T12:00'), 'bone');
    expect(a).toMatchObject({ action: 'take-next-morning', rule: { id: 'alendronate-weekly' }, takeAt: at(NY, '2026-03-09T06:30') });
  });
});

describe('missed-dose patterns', () => {
  it('counts missed doses per medication and names the part of the day they cluster in', () => {
    const m = med({ id: 'metformin', times: ['08:00', '20:00'], from: '2026-03-01' });
    const log: LogEntry[] = [];
    const missedEvenings = new Set([1, 2, 3, 4, 5, 6, 7, 8]);
    const missedMornings = new Set([3, 9]);
    for (let d = 1; d <= 10; d++) {
      const day = `2026-03-${String(d).padStart(2, '0')}`;
      if (!missedMornings.has(d)) log.push(entry(NY, 'metformin', `${day}T08:05`, `${day}T08:00`));
      if (!missedEvenings.has(d)) log.push(entry(NY, 'metformin', `${day}T20:05`, `${day}T20:00`));
    }
    const r = regimen(NY, [m], log);
    const { meds, overall } = missedPatterns(r, parseDay('2026-03-01')!, parseDay('2026-03-10')!, at(NY, '2026-03-11T00:00'), NY);
    const p = meds[0]!;
    expect(p).toMatchObject({ total: 20, taken: 10, missed: 10, byPart: { morning: 2, midday: 0, evening: 8, night: 0 } });
    expect(p.clusters).toEqual(['8 of 10 missed doses were evening doses (17:00-21:59).']);
    expect(p.sentence).toBe('metformin: missed 10 of 20 doses (50%). 8 of 10 missed doses were evening doses (17:00-21:59).');
    expect(overall.missed).toBe(10);
  });

  it('does not call it a cluster when every dose is in the same part of the day', () => {
    const r = regimen(NY, [med({ id: 'statin', times: ['21:00'], from: '2026-03-01' })]);
    const { meds } = missedPatterns(r, parseDay('2026-03-01')!, parseDay('2026-03-10')!, at(NY, '2026-03-11T00:00'), NY);
    expect(meds[0]!.clusters).toEqual([]);
    expect(meds[0]!.sentence).toBe('statin: missed 10 of 10 doses (100%).');
  });

  it('names a weekday cluster', () => {
    // 28 days from Sunday 2026-03-01: every Saturday missed, plus one Tuesday.
    const log: LogEntry[] = [];
    for (let d = 1; d <= 28; d++) {
      const day = `2026-03-${String(d).padStart(2, '0')}`;
      const isSaturday = (d - 1) % 7 === 6;
      if (!isSaturday && d !== 10) log.push(entry(NY, 'amlodipine', `${day}T08:05`, `${day}T08:00`));
    }
    const r = regimen(NY, [med({ id: 'amlodipine', times: ['08:00'], from: '2026-03-01' })], log);
    const { meds } = missedPatterns(r, parseDay('2026-03-01')!, parseDay('2026-03-28')!, at(NY, '2026-03-29T00:00'), NY);
    expect(meds[0]!.clusters).toEqual(['4 of 5 missed doses were on Saturdays.']);
  });

  it.each([
    [0, 'night'],
    [299, 'night'],
    [300, 'morning'],
    [659, 'morning'],
    [660, 'midday'],
    [1019, 'midday'],
    [1020, 'evening'],
    [1319, 'evening'],
    [1320, 'night'],
  ])('minute %i is %s', (minute, part) => {
    expect(partOfDay(minute)).toBe(part);
  });
});

describe('bundled rule data', () => {
  it('recognises a drug by ingredient, "Brand (ingredient)", brand alone, or the ingredients list', () => {
    const cases: [{ id: string; name?: string; ingredients?: string[] }, string | undefined][] = [
      [{ id: 'apixaban' }, 'apixaban'],
      [{ id: 'blood-thinner', name: 'Eliquis (apixaban)' }, 'apixaban'],
      [{ id: 'bt', name: 'ELIQUIS 5mg' }, 'apixaban'],
      [{ id: 'bt', ingredients: ['Apixaban'] }, 'apixaban'],
      [{ id: 'eliquisx' }, undefined],
      [{ id: 'warfarin-sodium' }, 'warfarin'],
      [{ id: 'x', name: 'valproic acid' }, 'antiseizure'],
      [{ id: 'x', name: 'Marvelon' }, 'combined-pill'],
      [{ id: 'x', ingredients: ['ethinylestradiol', 'desogestrel'] }, 'combined-pill'],
      [{ id: 'x', name: 'Cerazette' }, 'pill-desogestrel'],
      [{ id: 'x', name: 'Zoely' }, 'combined-pill-special'],
      [{ id: 'x', name: 'Tresiba' }, 'insulin-degludec'],
      [{ id: 'x', ingredients: ['insulin degludec', 'insulin aspart'] }, 'insulin'],
      [{ id: 'x', name: 'Xultophy' }, 'insulin'],
      [{ id: 'x', name: 'NPH insulin' }, 'insulin'],
      [{ id: 'x', name: 'Levothyroxine sodium' }, 'levothyroxine'],
      [{ id: 'metformin' }, undefined],
    ];
    for (const [m, id] of cases) expect(findRule(m)?.id, JSON.stringify(m)).toBe(id);
  });

  it('every rule names its source, a known kind and a summary; ids are unique', () => {
    const ids = new Set<string>();
    for (const r of missedRules.rules) {
      expect(ids.has(r.id), r.id).toBe(false);
      ids.add(r.id);
      expect(r.source.title, r.id).toBeTruthy();
      expect(r.source.publisher, r.id).toBeTruthy();
      expect(r.summary, r.id).toBeTruthy();
      expect(r.kind !== undefined || (r.variants?.length ?? 0) > 0, r.id).toBe(true);
      for (const k of [r.kind, ...(r.variants ?? []).map((v) => v.kind)]) if (k !== undefined) expect(RULE_KINDS, r.id).toContain(k);
      if (r.source.url) expect(r.source.url).toMatch(/^https:\/\//);
    }
    expect(missedRules.schemaVersion).toBe(1);
    expect(DISCLAIMER).toContain('not a complete');
  });

  it('parses strengths to milligrams per unit', () => {
    expect([strengthMg('15 mg'), strengthMg('2.5mg'), strengthMg('350 micrograms'), strengthMg('75 mcg'), strengthMg('5 mg/5 mL'), strengthMg(undefined)]).toEqual([
      15, 2.5, 0.35, 0.075, undefined, undefined,
    ]);
    // The micro sign (written \u00b5 in the pattern, so that the bundle stays ASCII).
    expect(strengthMg('50 µg')).toBe(0.05);
  });
});
