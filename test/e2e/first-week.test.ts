/**
 * End-to-end: what a patient meets in the first week (issue #17), run on the built binary the way a
 * script runs it (no TTY, NO_COLOR=1, a fixed clock): each test checks the exit code, stdout, stderr
 * and the file. Run `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, meds, read, tempDir, writeTemp, type RunResult } from '../helpers/cli.js';

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'meds.cjs'))) throw new Error('dist/meds.cjs is missing: run `npm run build` first');
});

const HEAD = `meds: 1
patient:
  name: Sam Okafor
  timezone: America/New_York
  routine: { wake: "06:30", breakfast: "07:00", lunch: "12:00", dinner: "18:00", bed: "22:00" }
medications:
`;

/** A regimen file with these medication lines and log lines. */
function file(meds: string, log: string[] = []): string {
  return writeTemp(`${HEAD}${meds}log:${log.length ? '\n' + log.map((l) => `  - ${l}`).join('\n') : ' []'}\n`);
}
function on(path: string, now: string, ...args: string[]): RunResult {
  return meds(['--file', path, '--now', now, ...args]);
}
const json = (r: RunResult) => JSON.parse(r.stdout) as Record<string, any>;

describe('#17.1 a taper or a course is ended and entered by flags', () => {
  it('edit --until ends the course in force (an every-8h course), and nothing else changes', () => {
    const f = file('  - id: amox\n    schedule: { every: 8h, from: 2026-03-01T06:00, count: 21 }\n');
    const r = on(f, '2026-03-03T09:00', 'edit', 'amox', '--until', '2026-03-04');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Edited amox: the schedule from 2026-03-01 now ends on 2026-03-04.\n');
    expect(read(f)).toContain('schedule: { every: 8h, from: 2026-03-01T06:00, count: 21, until: 2026-03-04 }');
    expect(json(on(f, '2026-03-05T09:00', '--json', 'today')).doses).toEqual([]);
  });

  it('edit --times --from --until writes the until of the phase it creates', () => {
    const f = file('  - id: lis\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n');
    const r = on(f, '2026-03-05T09:00', 'edit', 'lis', '--times', '09:00', '--from', '2026-03-05', '--until', '2026-03-10');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('2026-03-05 to 2026-03-10');
    const text = read(f);
    expect(text).toContain('- { times: ["08:00"], from: 2026-03-01, until: 2026-03-04 }');
    expect(text).toContain('- { times: ["09:00"], from: 2026-03-05, until: 2026-03-10 }');
  });

  it('a whole taper by flags: add with --phase, each phase starting the day after the one before', () => {
    const f = file('');
    const r = on(f, '2026-03-01T07:00', 'add', 'pred', '--strength', '5 mg', '--times', '08:00', '--dose', '4', '--for', '5d', '--phase', 'dose=2 for=5d', '--phase', 'dose=1 until=2026-03-13');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = read(f);
    expect(text).toContain('- { times: ["08:00"], from: 2026-03-01, until: 2026-03-05 }');
    expect(text).toContain('- { times: ["08:00"], dose: 2, from: 2026-03-06, until: 2026-03-10 }');
    expect(text).toContain('- { times: ["08:00"], dose: 1, from: 2026-03-11, until: 2026-03-13 }');
    const day = (d: string) => json(on(f, `${d}T12:00`, '--json', 'today')).doses.map((x: any) => x.dose);
    expect(day('2026-03-05')).toEqual([4]);
    expect(day('2026-03-06')).toEqual([2]);
    expect(day('2026-03-13')).toEqual([1]);
    expect(day('2026-03-14')).toEqual([]);
  });

  it('edit after a phase that starts later: the new phase goes before it, and an overlap is refused (exit 2, file unchanged)', () => {
    const f = file('  - id: pred\n    schedule:\n      - { from: 2026-03-01, until: 2026-03-05, times: ["08:00"], dose: 4 }\n      - { from: 2026-03-10, until: 2026-03-12, times: ["08:00"], dose: 2 }\n');
    const before = read(f);
    const bad = on(f, '2026-03-03T09:00', 'edit', 'pred', '--dose', '3', '--from', '2026-03-06', '--until', '2026-03-10');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('meds: error: the new schedule (2026-03-06 to 2026-03-10) would overlap the phase that starts 2026-03-10');
    expect(bad.stderr).toContain('--until 2026-03-09');
    expect(read(f)).toBe(before);
    const ok = on(f, '2026-03-03T09:00', 'edit', 'pred', '--dose', '3', '--from', '2026-03-06', '--until', '2026-03-09');
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    expect(read(f)).toContain('      - { from: 2026-03-01, until: 2026-03-05, times: ["08:00"], dose: 4 }\n      - { from: 2026-03-06, until: 2026-03-09, times: ["08:00"], dose: 3 }\n      - { from: 2026-03-10, until: 2026-03-12, times: ["08:00"], dose: 2 }\n');
  });

  it('a bad --phase names the flag and the keys it takes (exit 2)', () => {
    const f = file('');
    const r = on(f, '2026-03-01T07:00', 'add', 'pred', '--times', '08:00', '--phase', 'dosage=2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('meds: error: --phase "dosage=2": unknown key "dosage"');
    expect(read(f)).not.toContain('pred');
  });
});

const PILL = '  - id: pill\n    name: Combined oral contraceptive\n    schedule: { times: ["21:00"], cycle: { on: 21, off: 7 }, from: 2026-03-01 }\n  - id: lis\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n';
const PILL_LOG = [1, 2, 3].map((d) => `{ at: 2026-03-0${d}T21:00-05:00, med: pill, for: 2026-03-0${d}T21:00, status: taken }`);

describe('#17.3 today shows every missed dose whose advice still applies, whatever day it was due', () => {
  it('at 09:00, last night\'s missed pill is on today\'s page with the advice `missed` gives, in text and JSON', () => {
    const f = file(PILL, PILL_LOG);
    const missed = on(f, '2026-03-05T09:00', '--json', 'missed');
    expect(missed.code).toBe(1);
    const advice = json(missed).advice[0];
    expect(advice.action).toBe('take-now');
    const r = on(f, '2026-03-05T09:00', 'today');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Missed before today, still to decide');
    expect(r.stdout).toMatch(/2026-03-04 21:00 +Combined oral contraceptive +1 unit +MISSED take-now: /);
    expect(r.stdout).toContain(advice.message);
    const j = json(on(f, '2026-03-05T09:00', '--json', 'today'));
    expect(j.missedEarlier).toEqual([
      { med: 'pill', name: 'Combined oral contraceptive', at: '2026-03-04T21:00-05:00', slot: '2026-03-04T21:00', dose: 1, unit: 'unit', status: 'missed', advice: { action: 'take-now', message: advice.message, warnings: advice.warnings } },
    ]);
  });

  it('once the advice no longer applies (the next pill is due), the earlier dose leaves today\'s page', () => {
    const f = file(PILL, [...PILL_LOG, '{ at: 2026-03-05T09:05-05:00, med: pill, for: 2026-03-04T21:00, status: skipped }']);
    const r = on(f, '2026-03-05T09:10', 'today');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Missed before today');
    expect(json(on(f, '2026-03-05T09:10', '--json', 'today')).missedEarlier).toEqual([]);
  });
});

describe('#17.4 as-needed refills come from recent use, the maximum shown apart', () => {
  const IBU = '  - id: ibuprofen\n    strength: 200 mg\n    dose: 2\n    schedule: { asNeeded: true, minInterval: 6h, maxPerDay: 4, from: 2026-02-01 }\n    supply: { onHand: 24, countedAt: 2026-02-01, refillsLeft: 2 }\n';
  it('24 tablets, none taken for weeks: ok, exit 0, with the maximum\'s run-out as a bound', () => {
    const f = file(IBU, ['{ at: 2026-02-03T10:00-05:00, med: ibuprofen, status: taken }']);
    const r = on(f, '2026-03-08T10:00', 'refills');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/ibuprofen +22 +0 recently \(max 8\) +— \(at max: 2026-03-10\) +— +2 +— +ok/);
    const j = json(on(f, '2026-03-08T10:00', '--json', 'refills'));
    expect(j.medications[0]).toMatchObject({ med: 'ibuprofen', onHand: 22, dailyUse: 8, recentDailyUse: 0, runsOutOn: null, runsOutAtMaxOn: '2026-03-10', refillBy: null, status: 'ok' });
  });

  it('used lately: the run-out date follows that use; refill-now once the order-by date (run-out − 7 days) has come', () => {
    // 11 doses of 2 on 02-07, 02-09 .. 02-27: 22 units in the 30 days 02-07..03-08, 0.733 a day; 40 - 22 = 18 on hand.
    // Day k from today starts with 18 - 0.733k tablets, below one dose (2) from k = 22: runs out 03-30, order by 03-23.
    const log = Array.from({ length: 11 }, (_, k) => `{ at: 2026-02-${String(7 + 2 * k).padStart(2, '0')}T10:00-05:00, med: ibuprofen, status: taken }`);
    const f = file(IBU.replace('onHand: 24', 'onHand: 40'), log);
    const r = on(f, '2026-03-08T10:00', '--json', 'refills');
    expect(r.code).toBe(0);
    expect(json(r).medications[0]).toMatchObject({ onHand: 18, recentDailyUse: 0.7333, runsOutOn: '2026-03-30', runsOutAtMaxOn: '2026-03-10', refillBy: '2026-03-23', status: 'ok' });
    // The same use with 25 days to order ahead: order by 03-05, passed: refill now, exit 1.
    const g = file(IBU.replace('onHand: 24', 'onHand: 40, leadDays: 25'), log);
    const late = on(g, '2026-03-08T10:00', 'refills');
    expect(late.code).toBe(1);
    expect(late.stderr).toBe('');
    expect(late.stdout).toMatch(/ibuprofen +18 +0\.73 recently \(max 8\) +2026-03-30 \(at max: 2026-03-10\) +2026-03-05 .* refill now/);
  });
});

describe('#17.5 a recorded dose keeps the amount it was taken with', () => {
  it('metformin taken at 07:20 as 1 tablet, then edit --dose 2 at 09:05: today and refills still count 1 for it', () => {
    const f = file('  - id: metformin\n    form: tablet\n    schedule: { times: [breakfast, dinner], from: 2026-03-01 }\n    supply: { onHand: 60, countedAt: 2026-03-08, refillsLeft: 2 }\n');
    const take = on(f, '2026-03-08T07:20', 'take', 'metformin');
    expect(take).toEqual({ code: 0, stdout: 'Recorded metformin 07:00 dose as taken at 07:20 (on time).\n', stderr: '' });
    expect(read(f)).toContain('  - { at: 2026-03-08T07:20-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, dose: 1 }\n');
    expect(on(f, '2026-03-08T09:05', 'edit', 'metformin', '--dose', '2').code).toBe(0);
    const today = on(f, '2026-03-08T09:10', 'today');
    expect(today.code).toBe(0);
    expect(today.stdout).toMatch(/^07:00 +metformin +1 tablet +taken 07:20$/m);
    expect(today.stdout).toMatch(/^18:00 +metformin +2 tablets +upcoming$/m);
    const j = json(on(f, '2026-03-08T09:10', '--json', 'today')).doses[0];
    expect(j).toMatchObject({ slot: '2026-03-08T07:00', dose: 2, takenDose: 1, status: 'taken' });
    expect(json(on(f, '2026-03-08T09:10', '--json', 'refills')).medications[0].onHand).toBe(59);
  });

  it('take --dose 0.5 says so, and writes it', () => {
    const f = file('  - id: metformin\n    form: tablet\n    schedule: { times: [breakfast, dinner], from: 2026-03-01 }\n');
    const r = on(f, '2026-03-08T07:20', 'take', 'metformin', '--dose', '0.5');
    expect(r).toEqual({ code: 0, stdout: 'Recorded metformin 07:00 dose as taken at 07:20 (on time): 0.5 tablets (the schedule says 1 tablet).\n', stderr: '' });
    expect(read(f)).toContain('status: taken, dose: 0.5 }\n');
    expect(json(on(f, '2026-03-08T07:30', '--json', 'take', 'metformin', '--dose', '0.5', '--for', 'dinner', '--at', '07:30')).recorded).toMatchObject({ dose: 0.5, units: 0.5 });
  });
});

describe('#17.6 taking a stopped medicine says it was stopped, and records an extra', () => {
  it('stopped six days ago: an EXTRA with the stop date, never "POSSIBLE DOUBLE DOSE" about an old dose', () => {
    const f = file('  - id: lisinopril\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n', ['{ at: 2026-03-08T08:05-04:00, med: lisinopril, for: 2026-03-08T08:00, status: taken, dose: 1 }']);
    expect(on(f, '2026-03-08T15:00', 'stop', 'lisinopril').code).toBe(0);
    const r = on(f, '2026-03-14T08:00', 'take', 'lisinopril');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Recorded lisinopril as an EXTRA dose taken at 08:00.\n');
    expect(r.stderr).toMatch(/^meds: warning: lisinopril was STOPPED on 2026-03-08 15:00: no dose of it is scheduled\. Recorded as an extra dose\./);
    expect(r.stderr).not.toContain('DOUBLE');
    expect(read(f)).toMatch(/  - \{ at: 2026-03-14T08:00-04:00, med: lisinopril, status: taken, dose: 1, extra: true \}\n$/);
    const j = json(on(f, '2026-03-14T08:01', '--json', 'take', 'lisinopril'));
    expect(j.recorded.kind).toBe('extra');
    expect(j.warnings[0]).toContain('STOPPED on 2026-03-08 15:00');
  });
});

describe('#17.7 status is one of active, ended, stopped, not-started; ended medications are not in refills', () => {
  it('list --json after a course ran out, a stop, a future start; refills leaves out the finished ones', () => {
    const f = file(
      '  - id: amox\n    schedule: { every: 8h, from: 2026-03-01T06:00, count: 6 }\n    supply: { onHand: 10, countedAt: 2026-03-01 }\n' +
        '  - id: pred\n    schedule: { times: ["08:00"], from: 2026-03-01, until: 2026-03-03 }\n    supply: { onHand: 10, countedAt: 2026-03-01 }\n' +
        '  - id: lis\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n    supply: { onHand: 30, countedAt: 2026-03-01 }\n    stopped: 2026-03-05T12:00\n' +
        '  - id: met\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n    supply: { onHand: 30, countedAt: 2026-03-01 }\n' +
        '  - id: vitd\n    schedule: { times: ["08:00"], from: 2026-04-01 }\n',
    );
    const r = on(f, '2026-03-08T10:00', '--json', 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(json(r).medications.map((m: any) => [m.med, m.status, m.lastDay, m.startsOn])).toEqual([
      ['amox', 'ended', '2026-03-02', null],
      ['pred', 'ended', '2026-03-03', null],
      ['lis', 'stopped', '2026-03-05', null],
      ['met', 'active', null, null],
      ['vitd', 'not-started', null, '2026-04-01'],
    ]);
    const refills = on(f, '2026-03-08T10:00', '--json', 'refills');
    expect(json(refills).medications.map((m: any) => m.med)).toEqual(['met', 'vitd']);
    expect(on(f, '2026-03-08T10:00', 'refills').stdout).not.toMatch(/amox|pred|lis/);
  });
});

const BID = '  - id: lisinopril\n    schedule: { times: ["08:00", "20:00"], from: 2026-03-01 }\n';

describe('#17.8 a take where no dose is pending is an extra with a warning, never a late credit beyond the rule', () => {
  it('the 08:00 dose at 15:00 (past the halfway point to 20:00, where the rule says skip): an extra, the 08:00 dose stays missed', () => {
    const f = file(BID);
    const r = on(f, '2026-03-08T15:00', 'take', 'lisinopril');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Recorded lisinopril as an EXTRA dose taken at 15:00.\n');
    expect(r.stderr).toMatch(/^meds: warning: NOT A SCHEDULED DOSE: no dose of lisinopril is pending at 15:00; the 2026-03-08 08:00 dose is 7 h late, and its missed-dose rule \(general\) says: Skip your 08:00 lisinopril/);
    expect(read(f)).toMatch(/  - \{ at: 2026-03-08T15:00-04:00, med: lisinopril, status: taken, dose: 1, extra: true \}\n$/);
    const today = json(on(f, '2026-03-08T15:01', '--json', 'today'));
    expect(today.doses[0]).toMatchObject({ slot: '2026-03-08T08:00', status: 'missed' });
    expect(today.extra).toEqual([{ med: 'lisinopril', takenAt: '2026-03-08T15:00-04:00' }]);
  });

  it('inside the rule\'s window (10:30) the take is the 08:00 dose, late', () => {
    const f = file(BID);
    expect(on(f, '2026-03-08T10:30', 'take', 'lisinopril')).toEqual({ code: 0, stdout: 'Recorded lisinopril 08:00 dose as taken at 10:30 (2 h 30 min late).\n', stderr: '' });
  });
});

describe('#17.9 stop means no more doses from now', () => {
  it('stopped at 15:00: tonight\'s 20:00 dose is not due, and next morning nothing is advised (exit 0)', () => {
    const f = file(BID, ['{ at: 2026-03-08T08:05-04:00, med: lisinopril, for: 2026-03-08T08:00, status: taken, dose: 1 }']);
    const r = on(f, '2026-03-08T15:00', 'stop', 'lisinopril');
    expect(r).toEqual({ code: 0, stdout: 'Stopped lisinopril: no scheduled dose from 2026-03-08 15:00 on (the last day is 2026-03-08). Its history stays in the log.\n', stderr: '' });
    expect(read(f)).toContain('    schedule: { times: ["08:00", "20:00"], from: 2026-03-01 }\n    stopped: 2026-03-08T15:00\n');
    expect(json(on(f, '2026-03-08T21:00', '--json', 'today')).doses.map((d: any) => [d.slot, d.status])).toEqual([['2026-03-08T08:00', 'taken']]);
    const missed = on(f, '2026-03-09T09:00', 'missed');
    expect(missed.code).toBe(0);
    expect(missed.stdout).toMatch(/^Sam Okafor: missed doses at 2026-03-09 09:00\nNo missed doses that need a decision now\./);
  });

  it('a dose missed before the stop gets no take-now advice after it', () => {
    const f = file(BID);
    expect(json(on(f, '2026-03-08T11:00', '--json', 'missed')).advice.map((a: any) => a.action)).toEqual(['take-now']);
    expect(on(f, '2026-03-08T11:00', 'stop', 'lisinopril').code).toBe(0);
    const r = on(f, '2026-03-08T11:05', '--json', 'missed');
    expect(r.code).toBe(0);
    expect(json(r).advice).toEqual([]);
  });

  it('adherence does not count the doses after a mid-day stop', () => {
    const f = file(BID, ['{ at: 2026-03-08T08:05-04:00, med: lisinopril, for: 2026-03-08T08:00, status: taken, dose: 1 }']);
    expect(on(f, '2026-03-08T15:00', 'stop', 'lisinopril').code).toBe(0);
    const r = on(f, '2026-03-09T10:00', '--json', 'adherence', '--from', '2026-03-08', '--to', '2026-03-08');
    expect(r.code).toBe(0);
    expect(json(r).medications[0]).toMatchObject({ med: 'lisinopril', scheduled: 1, taken: 1, missed: 0 });
  });

  it('stop --date keeps that day\'s doses and none after', () => {
    const f = file(BID);
    expect(on(f, '2026-03-08T09:00', 'stop', 'lisinopril', '--date', '2026-03-10').code).toBe(0);
    expect(read(f)).toContain('    stopped: 2026-03-11\n');
    expect(json(on(f, '2026-03-10T09:00', '--json', 'today')).doses).toHaveLength(2);
    expect(json(on(f, '2026-03-11T09:00', '--json', 'today')).doses).toHaveLength(0);
  });
});

describe('#17.10 skip prefers the missed dose whose advice is pending, and says which', () => {
  it('at 07:05, skip amoxicillin skips the missed 00:00 dose, not the 08:00 one; a second skip takes the 08:00', () => {
    const f = file('  - id: amoxicillin\n    schedule: { every: 8h, from: 2026-03-01T08:00, count: 21 }\n', ['{ at: 2026-03-03T16:00-05:00, med: amoxicillin, for: 2026-03-03T16:00, status: taken }']);
    const r = on(f, '2026-03-04T07:05', 'skip', 'amoxicillin', '--reason', 'slept through');
    expect(r).toEqual({ code: 0, stdout: 'Recorded amoxicillin 00:00 dose (the missed one) as skipped at 07:05: slept through.\n', stderr: '' });
    expect(read(f)).toMatch(/  - \{ at: 2026-03-04T07:05-05:00, med: amoxicillin, for: 2026-03-04T00:00, status: skipped, reason: slept through \}\n$/);
    const again = on(f, '2026-03-04T07:06', '--json', 'skip', 'amoxicillin');
    expect(again.code).toBe(0);
    expect(json(again).recorded).toMatchObject({ for: '2026-03-04T08:00', status: 'skipped' });
  });
});

describe('#17.11 --file given twice is refused', () => {
  it.each([
    [['--file', 'A', '--file', 'B', 'list']],
    [['-f', 'A', 'list', '--file=B']],
    [['list', '--file', 'A', '-f', 'B']],
  ])('%j: exit 2, nothing read, nothing on stdout', (args) => {
    const a = file('  - id: a\n    schedule: { times: ["08:00"] }\n');
    const b = file('  - id: b\n    schedule: { times: ["08:00"] }\n');
    const r = meds(args.map((x) => x.replace(/^A$/, a).replace(/^B$/, b).replace('=B', `=${b}`)));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('meds: error: --file is given more than once\n  hint: give one file: meds reads one regimen file at a time\n');
  });
});

describe('#17.12 missed-pill advice never points "below" at an item printed above it', () => {
  it('two pills not taken: one advice for both, naming the earlier pill it leaves out', () => {
    const f = file(PILL, PILL_LOG);
    const r = on(f, '2026-03-06T09:00', 'missed', 'pill');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/see below|see above/);
    // One piece of advice for the pack (core/missed.ts pillCombined): the latest pill now, the earlier one
    // left out, so never three pills in a day; it refers to nothing printed elsewhere.
    expect(r.stdout).toContain('pill  2026-03-05 21:00 dose');
    expect(r.stdout).not.toContain('pill  2026-03-04 21:00 dose');
    expect(r.stdout).toContain('leave out the 1 earlier pill you missed');
  });
});

describe('#17.13 a schedule that can never give a dose, and overlapping phases, are warned about', () => {
  const NEVER = 'mtx\'s schedule gives no dose in its first year: every 1w counted from wed 2026-03-04 and days mon, thu never meet';
  it('add warns (exit 0, written), check warns with the position (exit 0), and the hint says how to write it', () => {
    const f = file('');
    const r = on(f, '2026-03-04T07:00', 'add', 'mtx', '--every', '1w', '--days', 'mon,thu', '--from', '2026-03-04', '--times', '08:00');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Added mtx: { times: ["08:00"], days: [mon, thu], every: "1w", from: 2026-03-04 }.\n');
    expect(r.stderr).toContain(`meds: warning: ${f}:`);
    expect(r.stderr).toContain(NEVER);
    expect(r.stderr).toContain('write `days: [mon, thu], cycle: { on: 7, off: 7 }, from: <a Monday>`');
    expect(read(f)).toContain('  - id: mtx\n');
    const check = meds(['--file', f, 'check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    expect(check.stderr).toMatch(new RegExp(`^meds: warning: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:\\d+: ${NEVER.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });

  it('the way the docs give ("Mondays and Thursdays, every other week") gives those doses, with no warning', () => {
    const f = file('');
    const r = on(f, '2026-03-02T07:00', 'add', 'mtx', '--days', 'mon,thu', '--cycle', '7/7', '--from', '2026-03-02', '--times', '08:00');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const has = (d: string) => json(on(f, `${d}T07:00`, '--json', 'today')).doses.length;
    expect(['2026-03-02', '2026-03-05', '2026-03-09', '2026-03-12', '2026-03-16', '2026-03-19'].map(has)).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it('edit warns too; and check warns about overlapping phases, naming the days', () => {
    const f = file('  - id: lis\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n');
    const e = on(f, '2026-03-04T07:00', 'edit', 'lis', '--days', 'mon', '--every', '1w', '--from', '2026-03-04');
    expect(e.code).toBe(0);
    expect(e.stderr).toContain("phase 2 of lis's schedule gives no dose in its first year: every 1w counted from wed 2026-03-04 and days mon never meet");
    const g = file('  - id: pred\n    schedule:\n      - { from: 2026-03-01, until: 2026-03-06, times: ["08:00"], dose: 4 }\n      - { from: 2026-03-05, until: 2026-03-10, times: ["08:00"], dose: 2 }\n');
    const c = meds(['--file', g, 'check']);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain('phase 1 of pred runs until 2026-03-06, but phase 2 starts 2026-03-05: from 2026-03-05 the later phase is used (end phase 1 on 2026-03-04, or start phase 2 on 2026-03-07)');
  });
});

describe('rough edges: command-line parser errors look like meds errors', () => {
  it.each([
    [['today', 'extra'], "meds: error: too many arguments for 'today'. Expected 0 arguments but got 1.\n  hint: `meds today --help` lists its arguments and options\n", 'excess-arguments'],
    [['tody'], "meds: error: unknown command 'tody'\n  hint: did you mean `today`? `meds --help` lists the commands\n", 'unknown-command'],
    [['skip'], "meds: error: missing required argument 'med'\n  hint: `meds skip --help` lists its arguments and options\n", 'missing-argument'],
    [['today', '--bogus'], "meds: error: unknown option '--bogus'\n  hint: `meds today --help` lists its arguments and options\n", 'unknown-option'],
  ])('%j: exit 2, `meds: error:` with a hint; in JSON a kebab-case code', (args, stderr, code) => {
    const f = file('');
    const r = meds(['--file', f, ...args]);
    expect(r).toEqual({ code: 2, stdout: '', stderr });
    const j = meds(['--file', f, '--json', ...args]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code, exitCode: 2 });
  });
});

describe('rough edges: command-line mistakes name the flag, not a path in the file', () => {
  it.each([
    [['add', 'bad id!', '--times', '08:00'], 'the id "bad id!" is not in the expected form: letters, digits', ''],
    [['add', 'x', '--every', '8h'], '--every needs `--from`: where the counting starts', 'hint: for example --from 2026-03-01T06:00'],
    [['add', 'x', '--times', 'brekfast'], '--times: "brekfast" is neither a time "HH:MM" nor a routine name', 'hint: did you mean `breakfast`?'],
    [['add', 'x', '--times', '08:00', '--min-interval', '6h'], '--min-interval and --max-per-day apply to as-needed schedules', 'hint: add --as-needed'],
  ])('%j: exit 2, in flag words, nothing written', (args, says, hint) => {
    const f = file('');
    const before = read(f);
    const r = on(f, '2026-03-08T09:00', ...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(says);
    if (hint) expect(r.stderr).toContain(hint);
    expect(r.stderr).not.toMatch(/medications\[|schedule\.|from: 20/);
    expect(read(f)).toBe(before);
  });
});

describe('rough edges: list shows the schedule in force, fits the width, --all for every phase, data in --json', () => {
  const TAPER = '  - id: pred\n    strength: 5 mg\n    purpose: a flare of the joints, after the rheumatology visit in February\n    schedule:\n      - { from: 2026-03-01, until: 2026-03-05, times: ["08:00"], dose: 4 }\n      - { from: 2026-03-06, until: 2026-03-10, times: ["08:00"], dose: 2 }\n      - { from: 2026-03-11, until: 2026-03-15, times: ["08:00"], dose: 1 }\n  - id: alendronate\n    strength: 70 mg\n    schedule: { days: [sun], times: ["06:30"] }\n';
  it('the phase in force only, the strength in its own column (never as the name), every line within COLUMNS=80', () => {
    const f = file(TAPER);
    const r = meds(['--file', f, '--now', '2026-03-07T09:00', 'list'], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(r.stdout).toMatch(/^ID\s+NAME\s+STRENGTH\s+DOSE\s+SCHEDULE\s+PURPOSE$/m);
    expect(r.stdout).toMatch(/^pred\s+5 mg\s+2 units\s+2 units once daily at/m);
    expect(r.stdout).not.toContain('4 units');
    expect(r.stdout).toMatch(/^alendronate\s+70 mg\s+1 unit\s+every Sunday at 06:30$/m);
    const all = meds(['--file', f, '--now', '2026-03-07T09:00', 'list', '--all']);
    expect(all.stdout).toContain('4 units once daily at 08:00, from 2026-03-01, until 2026-03-05; then 2 units once daily at 08:00, from 2026-03-06, until 2026-03-10; then 1 unit');
  });

  it('list --json gives each phase as data and which is in force', () => {
    const f = file(TAPER);
    const j = json(meds(['--file', f, '--now', '2026-03-07T09:00', '--json', 'list']));
    const pred = j.medications[0];
    expect(pred.currentPhase).toBe(1);
    expect(pred.phases).toHaveLength(3);
    expect(pred.phases[1]).toEqual({ from: '2026-03-06', until: '2026-03-10', count: null, dose: 2, asNeeded: false, times: [{ at: '08:00', label: '08:00', dose: 2 }], days: null, monthDays: null, everyDays: null, everyHours: null, cycle: null, minIntervalMinutes: null, maxPerDay: null });
    expect(j.medications[1].phases[0]).toMatchObject({ days: ['sun'], times: [{ at: '06:30', label: '06:30', dose: 1 }] });
  });
});

describe('rough edges: history, patterns and take say what they mean', () => {
  it('history: the scheduled dose under FOR, the units under DOSE', () => {
    const f = file('  - id: metformin\n    form: tablet\n    schedule: { times: [breakfast, dinner], from: 2026-03-01 }\n', ['{ at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, dose: 0.5 }']);
    const r = on(f, '2026-03-08T10:00', 'history');
    expect(r).toEqual({ code: 0, stdout: 'DATE        TIME   MEDICATION  STATUS  FOR    DOSE         REASON\n2026-03-08  07:04  metformin   taken   07:00  0.5 tablets\n', stderr: '' });
  });

  it('missed --days: each pattern names the medication once', () => {
    const f = file('  - id: metformin\n    name: Metformin\n    schedule: { times: [breakfast], from: 2026-03-01 }\n');
    const r = on(f, '2026-03-08T10:00', 'missed', '--days', '7');
    expect(r.stdout).toContain('\n  Metformin: missed 7 of 7 doses (100%).');
    expect(r.stdout).not.toContain('metformin: Metformin:');
  });

  it('take a b takes both, each as if alone; an unknown name records nothing (exit 2)', () => {
    const f = file('  - id: lisinopril\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n  - id: metformin\n    form: tablet\n    schedule: { times: ["08:00", "18:00"], from: 2026-03-01 }\n');
    const bad = on(f, '2026-03-08T08:10', 'take', 'lisinopril', 'metfromin');
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(read(f)).toMatch(/log: \[\]\n$/);
    const r = on(f, '2026-03-08T08:10', 'take', 'lisinopril', 'metformin');
    expect(r).toEqual({ code: 0, stdout: 'Recorded lisinopril 08:00 dose as taken at 08:10 (on time).\nRecorded metformin 08:00 dose as taken at 08:10 (on time).\n', stderr: '' });
    expect(read(f)).toContain('  - { at: 2026-03-08T08:10-04:00, med: lisinopril, for: 2026-03-08T08:00, status: taken, dose: 1 }\n  - { at: 2026-03-08T08:10-04:00, med: metformin, for: 2026-03-08T08:00, status: taken, dose: 1 }\n');
  });
});

describe('rough edges: meds supply sets the count, refills and expiry', () => {
  it('--on-hand --refills --expires on a medication with no supply yet; then refills counts from it', () => {
    const f = file('  - id: metformin\n    form: tablet\n    schedule: { times: ["08:00", "18:00"], from: 2026-03-01 }\n');
    const r = on(f, '2026-03-08T12:00', 'supply', 'metformin', '--on-hand', '30', '--refills', '2', '--expires', '2027-01-31');
    expect(r).toEqual({ code: 0, stdout: 'Set the supply of metformin: onHand 30, countedAt 2026-03-08, refillsLeft 2, expires 2027-01-31. `meds refills` counts from here.\n', stderr: '' });
    expect(read(f)).toContain('    schedule: { times: ["08:00", "18:00"], from: 2026-03-01 }\n    supply:\n      onHand: 30\n      countedAt: 2026-03-08\n      refillsLeft: 2\n      expires: 2027-01-31\n');
    expect(meds(['--file', f, 'check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(json(on(f, '2026-03-08T12:00', '--json', 'refills')).medications[0]).toMatchObject({ med: 'metformin', onHand: 30, refillsLeft: 2, expires: '2027-01-31' });
    const again = on(f, '2026-03-09T12:00', '--json', 'supply', 'metformin', '--on-hand', '28');
    expect(json(again).supply).toEqual({ med: 'metformin', onHand: 28, countedAt: '2026-03-09' });
    expect(read(f)).toContain('    supply:\n      onHand: 28\n      countedAt: 2026-03-09\n      refillsLeft: 2\n      expires: 2027-01-31\n');
  });

  it('nothing to set, or a bad number: exit 2, nothing written', () => {
    const f = file('  - id: metformin\n    schedule: { times: ["08:00"] }\n');
    const before = read(f);
    expect(on(f, '2026-03-08T12:00', 'supply', 'metformin').code).toBe(2);
    const bad = on(f, '2026-03-08T12:00', 'supply', 'metformin', '--on-hand', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('meds: error: --on-hand "lots" is not a whole number (0 or more)');
    expect(read(f)).toBe(before);
  });
});

describe('rough edges: the patient\'s name heads today, missed and refills, and is in their JSON', () => {
  it.each([
    ['today', /^Sam Okafor: Today, Sunday 8 March 2026 {2}\(America\/New_York, now 10:00\)\n/],
    ['missed', /^Sam Okafor: missed doses at 2026-03-08 10:00\n/],
    ['refills', /^Sam Okafor: supply on 2026-03-08\n/],
  ])('%s', (cmd, head) => {
    const f = file('  - id: lisinopril\n    schedule: { times: ["08:00"], from: 2026-03-01 }\n    supply: { onHand: 30, countedAt: 2026-03-01 }\n');
    const r = on(f, '2026-03-08T10:00', cmd);
    expect(r.stdout).toMatch(head);
    expect(json(on(f, '2026-03-08T10:00', '--json', cmd)).patient).toEqual({ name: 'Sam Okafor' });
    const anon = writeTemp(read(f).replace('  name: Sam Okafor\n', ''));
    expect(meds(['--file', anon, '--now', '2026-03-08T10:00', cmd]).stdout).not.toContain(':  ');
    expect(json(meds(['--file', anon, '--now', '2026-03-08T10:00', '--json', cmd])).patient).toEqual({ name: null });
  });
});

describe('rough edges: init writes a schema comment that survives moving meds', () => {
  it('outside meds\'s folder: the schema\'s name in the package, never an absolute path into it', () => {
    const dir = tempDir();
    const f = join(dir, 'regimen.yaml');
    const r = meds(['--file', f, 'init', '--timezone', 'UTC']);
    expect(r.code).toBe(0);
    const text = read(f);
    expect(text.split('\n')[0]).toBe('# JSON Schema for editors: schema/meds.schema.json in the meds package (point your YAML language server at it).');
    expect(text).not.toContain(ROOT);
  });
});

describe('rough edges: --help gives examples, and the program\'s help the exit codes', () => {
  it('meds --help lists the exit codes; each command\'s help has an example of itself', () => {
    const top = meds(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('\nExit codes:\n  0   fine\n  1   something to act on');
    expect(top.stdout).toMatch(/^ {2}65 {2}the regimen file is invalid/m);
    for (const cmd of ['today', 'take', 'skip', 'missed', 'refills', 'supply', 'list', 'add', 'edit', 'stop', 'init']) {
      const r = meds([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(new RegExp(`\\nExamples:\\n {2}meds${cmd === 'today' ? '' : ` ${cmd}`}`));
    }
  });
});
