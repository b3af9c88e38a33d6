/**
 * The clinical checks of `meds check` (src/core/check/), each on a small regimen with a fixed clock
 * (2026-03-08 10:00, America/New_York): the rule fires on the case it is for, and not on its near miss.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry, Medication, Phase, Regimen } from '../../src/model/types.js';
import { clock, day, phase, regimen, t } from '../helpers/build.js';
import { reviewRegimen } from '../../src/core/check/review.js';
import { strengthsMg } from '../../src/core/check/dosing.js';
import { knowledgeOf } from '../../src/check/knowledge.js';
import { bundledIndex, drugsOf } from '../../src/data/drug-table.js';

const NOW = t('2026-03-08T10:00');
const K = knowledgeOf();

let n = 0;
function med(id: string, p: Partial<Medication> & { phase?: Omit<Partial<Phase>, 'times'> & { times?: string[] } } = {}): Medication {
  const { phase: ph = { times: ['08:00'] }, ...rest } = p;
  return { id, unit: 'tablet', phases: [phase(ph)], index: n++, ...rest };
}
function review(meds: Medication[], opts: { log?: LogEntry[]; patient?: Partial<Regimen['patient']> } = {}) {
  const r = regimen(meds, opts.log ?? []);
  Object.assign(r.patient, opts.patient ?? {});
  return reviewRegimen(r, null, NOW, clock, K);
}
/** The findings of these codes (the others, such as adherence over an empty log, are not the point of a case). */
const codes = (fs: { code: string }[], prefix: string) => fs.filter((f) => f.code.startsWith(prefix)).map((f) => f.code);
const taken = (m: string, at: string, i: number): LogEntry => ({ at: t(at), atText: at, med: m, status: 'taken', index: i });

describe('matching names to the drug table', () => {
  const ings = (name: string, ingredients?: string[]) => drugsOf({ id: 'x', name, ingredients }, bundledIndex()).ingredients;
  it.each([
    ['Tylenol 500mg tablet', ['acetaminophen']],
    ['LIPITOR 40 MG', ['atorvastatin']],
    ['atorvastatin calcium 40 mg', ['atorvastatin']],
    ['Calcium 600 mg with D', ['calcium carbonate']],
    ['Percocet 5/325', ['oxycodone', 'acetaminophen']],
    ['Tylenol PM extra strength', ['acetaminophen', 'diphenhydramine']],
    ['Toprol-XL 50 mg', ['metoprolol']],
    ['insulin glargine (Lantus) 100 units/mL', ['insulin glargine']],
    ['Eliquis (apixaban)', ['apixaban']],
    ['something unknown', []],
  ])('%s -> %j', (name, want) => expect(ings(name)).toEqual(want));
  it('uses ingredients where given, not the name', () => {
    expect(ings('Tylenol', ['hydrocodone', 'acetaminophen'])).toEqual(['hydrocodone', 'acetaminophen']);
  });
  it('matches the id when the name says nothing', () => {
    expect(drugsOf({ id: 'warfarin' }, bundledIndex()).ingredients).toEqual(['warfarin']);
  });
});

describe('strengths in mg', () => {
  it.each([
    ['500 mg', ['a'], [['a', 500]]],
    ['0.5 g', ['a'], [['a', 500]]],
    ['88 mcg', ['a'], [['a', 0.088]]],
    ['2,5mg', ['a'], [['a', 2.5]]],
    ['1,000 mg', ['a'], [['a', 1000]]],
    ['5/325 mg', ['a', 'b'], [['a', 5], ['b', 325]]],
    ['5 mg/325 mg', ['a', 'b'], [['a', 5], ['b', 325]]],
  ] as const)('%s', (s, ings, want) => expect([...strengthsMg(s, ings)!]).toEqual(want));
  it.each([['160 mg/5 mL'], ['500 mg'], ['10 units']])('%s is not read for a two-ingredient product or a liquid', (s) => expect(strengthsMg(s, ['a', 'b'])).toBeUndefined());
});

describe('dosing', () => {
  const tylenol = (dose: number) => med('tylenol', { name: 'Tylenol 500mg tablet', strength: '500 mg', phase: { times: ['06:00', '12:00', '18:00', '23:00'], dose } });
  it('dose.max-daily: acetaminophen above 4 g a day, counting every product that contains it', () => {
    const f = review([tylenol(2), med('percocet', { name: 'Percocet', strength: '5/325 mg', phase: { times: ['08:00', '20:00'] } })]);
    const hit = f.find((x) => x.code === 'dose.max-daily')!;
    expect(hit).toMatchObject({ severity: 'error', meds: ['tylenol', 'percocet'] });
    expect(hit.message).toContain('acetaminophen: 4650 mg a day scheduled');
    expect(hit.source).toContain('4000 mg');
  });
  it('no finding at exactly the maximum', () => expect(codes(review([tylenol(2)]), 'dose.max')).toEqual([]));
  it('dose.max-daily-as-needed: within the maximum unless the as-needed doses are taken as often as allowed', () => {
    const f = review([tylenol(1.5), med('percocet', { name: 'Percocet', strength: '5/325 mg', phase: { asNeeded: true, maxPerDay: 4 } })]);
    expect(codes(f, 'dose.max')).toEqual(['dose.max-daily-as-needed']);
  });
  it('dose.same-ingredient: a brand and its generic entered twice', () => {
    expect(codes(review([med('lipitor', { name: 'Lipitor 20 mg' }), med('atorva', { name: 'atorvastatin' })]), 'dose.same')).toEqual(['dose.same-ingredient']);
  });
  it('a medication stopped yesterday is not counted', () => {
    const stopped = med('atorva', { name: 'atorvastatin', phase: { times: ['08:00'], until: day('2026-03-07') } });
    expect(codes(review([med('lipitor', { name: 'Lipitor 20 mg' }), stopped]), 'dose.same')).toEqual([]);
  });
  it.each([
    ['atorvastatin', 'rosuvastatin', 'dup.statin'],
    ['ibuprofen', 'naproxen', 'dup.nsaid'],
    ['omeprazole', 'pantoprazole', 'dup.ppi'],
    ['sertraline', 'escitalopram', 'dup.ssri'],
    ['lisinopril', 'enalapril', 'dup.acei'],
    ['lisinopril', 'losartan', 'dup.acei-arb'],
  ])('%s with %s: %s', (a, b, code) => expect(codes(review([med(a), med(b)]), 'dup.')).toEqual([code]));
  it('two medications of different classes are no duplication', () => expect(codes(review([med('atorvastatin'), med('lisinopril')]), 'dup.')).toEqual([]));
});

describe('interactions', () => {
  it.each([
    ['warfarin', 'ibuprofen', 'ddi.warfarin-nsaid'],
    ['simvastatin', 'clarithromycin', 'ddi.simvastatin-clarithromycin'],
    ['methotrexate', 'Bactrim DS', 'ddi.methotrexate-trimethoprim'],
    ['sertraline', 'phenelzine', 'ddi.ssri-maoi'],
    ['tramadol', 'phenelzine', 'ddi.onc.opioid-maoi'],
    ['sumatriptan', 'selegiline', 'ddi.onc.triptan-maoi'],
    ['Adderall', 'tranylcypromine', 'ddi.onc.amphetamine-maoi'],
    ['atazanavir', 'omeprazole', 'ddi.onc.atazanavir-ppi'],
    ['febuxostat', 'azathioprine', 'ddi.onc.febuxostat-thiopurine'],
    ['tizanidine', 'ciprofloxacin', 'ddi.onc.tizanidine-cyp1a2-inhibitor'],
    ['ramelteon', 'fluvoxamine', 'ddi.onc.ramelteon-cyp1a2-inhibitor'],
    ['rifampin', 'darunavir', 'ddi.onc.cyp3a4-inducer-protease-inhibitor'],
    ['atorvastatin', 'ritonavir', 'ddi.onc.statin-cyp3a4-inhibitor'],
    ['ergotamine', 'clarithromycin', 'ddi.onc.ergot-cyp3a4-inhibitor'],
    ['irinotecan', 'ketoconazole', 'ddi.onc.irinotecan-cyp3a4-inhibitor'],
    ['tranylcypromine', 'procarbazine', 'ddi.onc.tranylcypromine-procarbazine'],
    ['amitriptyline', 'isocarboxazid', 'ddi.onc.tca-maoi'],
    ['trazodone', 'linezolid', 'ddi.onc.serotonergic-maoi'],
    ['citalopram', 'ondansetron', 'ddi.onc.qt-qt'],
    ['apixaban', 'naproxen', 'ddi.anticoagulant-nsaid'],
  ])('%s with %s: %s, reported once', (a, b, code) => {
    const f = review([med('a', { name: a }), med('b', { name: b })]);
    expect(codes(f, 'ddi.')).toEqual([code]);
    expect(f.find((x) => x.code === code)!.source).toMatch(/label|Phansalkar/);
  });
  it('no finding when one of the pair has stopped', () => {
    expect(codes(review([med('warfarin'), med('ibuprofen', { phase: { times: ['08:00'], until: day('2026-03-01') } })]), 'ddi.')).toEqual([]);
  });
});

describe('separations against the scheduled times', () => {
  it.each([
    ['levothyroxine', '06:30', 'calcium carbonate', '08:00', ['sep.levothyroxine-cation']],
    ['levothyroxine', '06:30', 'calcium carbonate', '10:30', []],
    ['levothyroxine', '06:30', 'ferrous sulfate', '02:30', []],
    ['levothyroxine', '06:30', 'ferrous sulfate', '04:00', ['sep.levothyroxine-cation']],
    ['ciprofloxacin', '08:00', 'Tums', '10:00', []], // 2 h before
    ['ciprofloxacin', '08:00', 'Tums', '07:00', ['sep.quinolone-cation']], // only 1 h after
    ['ciprofloxacin', '14:00', 'Tums', '08:00', []], // 6 h after
    ['doxycycline', '08:00', 'iron', '09:00', ['sep.tetracycline-cation']],
  ])('%s at %s, %s at %s', (a, ta, b, tb, want) => {
    expect(codes(review([med('a', { name: a, phase: { times: [ta] } }), med('b', { name: b, phase: { times: [tb] } })]), 'sep.')).toEqual(want);
  });
  it('days that never meet do not clash (weekly on Sunday, the other on Monday)', () => {
    const f = review([med('levo', { name: 'levothyroxine', phase: { times: ['06:30'], days: [0] } }), med('ca', { name: 'calcium', phase: { times: ['06:30'], days: [1] } })]);
    expect(codes(f, 'sep.')).toEqual([]);
  });
  it('sep.bisphosphonate-first: breakfast or another medicine less than 30 minutes after alendronate', () => {
    const alendronate = () => med('alendronate', { phase: { times: ['06:30'], days: [0] } });
    expect(codes(review([alendronate()], { patient: { routine: { breakfast: 6 * 60 + 45 } } }), 'sep.')).toEqual(['sep.bisphosphonate-first']);
    expect(codes(review([alendronate()], { patient: { routine: { breakfast: 7 * 60 } } }), 'sep.')).toEqual([]);
    expect(codes(review([alendronate(), med('metformin', { phase: { times: ['06:40'] } })]), 'sep.')).toEqual(['sep.bisphosphonate-first']);
  });
});

describe('allergies', () => {
  it.each([
    [['penicillin'], 'amoxicillin 500 mg', ['allergy.class']],
    [['Sulfa'], 'Bactrim DS', ['allergy.class']],
    [['sulfonamide antibiotics'], 'sulfamethoxazole', ['allergy.class']],
    [['amoxicillin'], 'Augmentin 875', ['allergy.ingredient']],
    [['penicillin'], 'azithromycin', []],
    [[], 'amoxicillin', []],
  ])('allergies %j with %s', (allergies, name, want) => {
    const f = review([med('m', { name })], { patient: { allergies } });
    expect(codes(f, 'allergy.')).toEqual(want);
    for (const x of f.filter((x) => x.code.startsWith('allergy.'))) expect(x.severity).toBe('error');
  });
});

describe('older adults (Beers 2023)', () => {
  const old = { born: '1950-05-01' };
  it.each([
    ['diphenhydramine 25 mg', {}, 'beers.first-gen-antihistamine'],
    ['lorazepam', {}, 'beers.benzodiazepine'],
    ['zolpidem', {}, 'beers.z-drug'],
    ['glyburide', {}, 'beers.sulfonylurea'],
    ['cyclobenzaprine', {}, 'beers.muscle-relaxant'],
    ['amitriptyline', {}, 'beers.anticholinergic-antidepressant'],
    ['quetiapine', {}, 'beers.antipsychotic'],
    ['naproxen', {}, 'beers.nsaid-chronic'],
  ])('%s at 75: %s', (name, _x, code) => {
    const f = review([med('m', { name })], { patient: old });
    expect(codes(f, 'beers.')).toEqual([code]);
    expect(f.find((x) => x.code === code)!.source).toContain('J Am Geriatr Soc. 2023;71(7):2052-2081');
  });
  it('nothing under 65, nor without a birth date', () => {
    expect(codes(review([med('m', { name: 'diphenhydramine' })], { patient: { born: '1962-03-09' } }), 'beers.')).toEqual([]);
    expect(codes(review([med('m', { name: 'diphenhydramine' })], { patient: { born: '1961-03-08' } }), 'beers.')).toEqual(['beers.first-gen-antihistamine']);
    expect(codes(review([med('m', { name: 'diphenhydramine' })]), 'beers.')).toEqual([]);
  });
  it('doxepin at 6 mg a day or less is exempt; as-needed NSAIDs are not regular use', () => {
    expect(codes(review([med('m', { name: 'doxepin', strength: '3 mg' })], { patient: old }), 'beers.')).toEqual([]);
    expect(codes(review([med('m', { name: 'doxepin', strength: '25 mg' })], { patient: old }), 'beers.')).toEqual(['beers.anticholinergic-antidepressant']);
    expect(codes(review([med('m', { name: 'ibuprofen', phase: { asNeeded: true, maxPerDay: 3 } })], { patient: old }), 'beers.')).toEqual([]);
  });
  it('a PPI for less than 8 weeks is not flagged', () => {
    expect(codes(review([med('m', { name: 'omeprazole', phase: { times: ['08:00'], from: day('2026-02-01') } })], { patient: old }), 'beers.')).toEqual([]);
    expect(codes(review([med('m', { name: 'omeprazole', phase: { times: ['08:00'], from: day('2025-06-01') } })], { patient: old }), 'beers.')).toEqual(['beers.ppi-long-term']);
  });
});

describe('adherence and supply', () => {
  const daily = (id: string, from = '2025-11-01') => med(id, { phase: { times: ['08:00'], from: day(from) } });
  it('adherence.low: a scheduled medication with no doses taken over the 90 days', () => {
    expect(codes(review([daily('metformin')]), 'adherence.')).toEqual(['adherence.low']);
  });
  it('no adherence finding when every dose was taken', () => {
    const log: LogEntry[] = [];
    for (let d = day('2025-12-09'); d <= day('2026-03-08'); d++) log.push({ ...taken('metformin', '', log.length), at: clock.toInstant(d, 8 * 60 + 5), for: undefined });
    expect(codes(review([daily('metformin')], { log }), 'adherence.')).toEqual([]);
  });
  it('missed.high-risk: an anticoagulant with missed doses in the last 7 days; not for other medicines', () => {
    expect(codes(review([daily('warfarin')]), 'missed.')).toEqual(['missed.high-risk']);
    expect(codes(review([daily('levothyroxine')]), 'missed.')).toEqual([]);
  });
  it('dose.as-needed-over-max: more doses in a day than maxPerDay', () => {
    const prn = med('ibu', { name: 'ibuprofen', phase: { asNeeded: true, maxPerDay: 2 } });
    const log = ['06:00', '10:00', '14:00'].map((h, i) => taken('ibu', `2026-03-05T${h}`, i));
    expect(codes(review([prn], { log }), 'dose.as-needed')).toEqual(['dose.as-needed-over-max']);
    expect(codes(review([prn], { log: log.slice(0, 2) }), 'dose.as-needed')).toEqual([]);
  });
  it('supply.out and supply.expired', () => {
    const out = med('a', { phase: { times: ['08:00'] }, supply: { onHand: 0, countedAt: day('2026-03-07'), fills: [] } });
    expect(codes(review([out]), 'supply.')).toEqual(['supply.out']);
    const expired = med('b', { phase: { times: ['08:00'] }, supply: { onHand: 60, countedAt: day('2026-03-07'), expires: day('2026-03-01'), fills: [] } });
    expect(codes(review([expired]), 'supply.')).toEqual(['supply.expired']);
    const fine = med('c', { phase: { times: ['08:00'] }, supply: { onHand: 60, countedAt: day('2026-03-07'), refillsLeft: 2, fills: [] } });
    expect(codes(review([fine]), 'supply.')).toEqual([]);
  });
});

describe('the file', () => {
  it('file.future-entry: a log entry dated after now', () => {
    const f = review([med('m')], { log: [taken('m', '2026-03-09T08:00', 0)] });
    expect(codes(f, 'file.')).toContain('file.future-entry');
    expect(codes(review([med('m')], { log: [taken('m', '2026-03-08T08:00', 0)] }), 'file.future')).toEqual([]);
  });
});
