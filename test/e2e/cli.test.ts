/**
 * End-to-end: the built binary (bin/meds.js → dist/meds.cjs), run the way a script runs it: no TTY,
 * NO_COLOR=1 (the helpers), a fixed clock (--now), on private copies of files under test/fixtures/.
 * Each test checks the exit code, stdout and stderr. Run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, copyFixture, meds, read, tempDir, writeTemp, type RunResult } from '../helpers/cli.js';

const EXAMPLE = 'test/fixtures/example.yaml';
const NOW = '2026-03-08T10:00'; // a Sunday, America/New_York (EDT, -04:00)
const ESC = '\x1b';

/** Every result, so one test can check that none of them has an escape code. */
const all: { args: string[]; r: RunResult }[] = [];
function run(args: string[], opts: Parameters<typeof meds>[1] = {}): RunResult {
  const r = meds(args, opts);
  all.push({ args, r });
  return r;
}
/** meds --file <copy> --now <now> ... */
function on(file: string, now: string, ...args: string[]): RunResult {
  return run(['--file', file, '--now', now, ...args]);
}
const json = (r: RunResult) => JSON.parse(r.stdout) as Record<string, any>;
const lines = (s: string) => s.split('\n').filter(Boolean);

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'meds.cjs'))) throw new Error('dist/meds.cjs is missing: run `npm run build` first');
});

describe('meds today', () => {
  it('prints the day, the doses with their status, and the as-needed medications', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'today');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(lines(out)[0]).toBe('Alex Rivera: Today, Sunday 8 March 2026  (America/New_York, now 10:00)');
    expect(out).toMatch(/^TIME\s+MEDICATION\s+DOSE\s+STATUS$/m);
    expect(out).toMatch(/^06:30\s+alendronate 70 mg\s+1 unit\s+MISSED/m);
    expect(out).toMatch(/^07:00\s+Metformin 500 mg\s+1 tablet\s+taken 07:04$/m);
    expect(out).toMatch(/^09:00\s+Eliquis \(apixaban\) 5 mg\s+1 unit\s+skipped \(nausea\)$/m);
    expect(out).toMatch(/^18:00\s+Metformin 500 mg\s+1 tablet\s+upcoming$/m);
    expect(out).toMatch(/^21:00\s+Combined oral contraceptive\s+1 unit\s+upcoming$/m);
    // The day's table: the taper ended 2026-02-10, the 21-dose course on 2026-03-07 22:00 (a missed dose of an
    // earlier day is listed above the table while its advice applies).
    expect(out.slice(out.search(/^TIME/m))).not.toMatch(/prednisone|amoxicillin/);
    expect(out).toMatch(/^As needed$/m);
    expect(out).toMatch(/^ibuprofen 200 mg\s+2 units\s+0 of max 4 today\s+allowed now$/m);
  });

  it('--json: one versioned document with the day, the zone, the doses and the as-needed medications', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, '--json', 'today');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const j = json(r);
    expect(j.schemaVersion).toBe(1);
    expect(j.date).toBe('2026-03-08');
    expect(j.timezone).toBe('America/New_York');
    expect(j.doses.map((d: any) => `${d.at.slice(11, 16)} ${d.med} ${d.status}`)).toEqual([
      '06:30 alendronate missed',
      '06:30 levothyroxine missed',
      '07:00 metformin taken',
      '09:00 apixaban skipped',
      '18:00 metformin upcoming',
      '21:00 apixaban upcoming',
      '21:00 pill upcoming',
    ]);
    for (const d of j.doses) {
      expect(d).toEqual(expect.objectContaining({ med: expect.any(String), name: expect.any(String), at: expect.stringMatching(/^2026-03-08T\d\d:\d\d-04:00$/), dose: expect.any(Number), unit: expect.any(String), status: expect.any(String) }));
    }
    const taken = j.doses.find((d: any) => d.status === 'taken');
    expect(taken).toMatchObject({ med: 'metformin', name: 'Metformin', at: '2026-03-08T07:00-04:00', dose: 1, unit: 'tablet', takenAt: '2026-03-08T07:04-04:00', onTime: true });
    expect(j.doses.find((d: any) => d.status === 'skipped')).toMatchObject({ med: 'apixaban', reason: 'nausea' });
    const upcoming = j.doses.find((d: any) => d.status === 'upcoming');
    expect(upcoming).not.toHaveProperty('takenAt');
    expect(upcoming).not.toHaveProperty('onTime');
    expect(upcoming).not.toHaveProperty('reason');
    expect(j.asNeeded).toEqual([expect.objectContaining({ med: 'ibuprofen', takenToday: 0, maxPerDay: 4, nextAllowedAt: null })]);
  });

  it('a bare `meds` is `meds today`, for human and JSON output', () => {
    const f = copyFixture(EXAMPLE);
    const bare = run(['--file', f, '--now', NOW]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(on(f, NOW, 'today').stdout);
    expect(run(['--file', f, '--now', NOW, '--json']).stdout).toBe(on(f, NOW, '--json', 'today').stdout);
  });

  it('--date shows another day (yesterday: no "Today", no "now", Saturday has no alendronate)', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'today', '--date', '2026-03-07');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toBe('Alex Rivera: Saturday 7 March 2026  (America/New_York)');
    expect(r.stdout).not.toContain('alendronate');
    // The example's log begins on 8 March: the day before, recording had not begun (docs/format.md).
    expect(r.stdout).toMatch(/^07:00\s+Metformin 500 mg\s+1 tablet\s+not tracked \(before recording began\)/m);
    expect(r.stdout).not.toContain('MISSED');
    const j = json(on(f, NOW, '--json', 'today', '--date', '2026-03-07'));
    expect(j.date).toBe('2026-03-07');
    expect(j.doses.every((d: any) => d.at.endsWith('-05:00'))).toBe(true); // EST before the change that morning
  });

  it('rejects a bad --date with exit 2', () => {
    const r = on(copyFixture(EXAMPLE), NOW, 'today', '--date', '2026-02-30');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--date "2026-02-30" is not a date');
  });
});

describe('meds take / skip / undo', () => {
  it('takes a dose on time, saying which dose it credited', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, '2026-03-08T18:10', 'take', 'metformin');
    expect(r).toEqual({ code: 0, stdout: 'Recorded metformin 18:00 dose as taken at 18:10 (on time).\n', stderr: '' });
    expect(read(f)).toMatch(/\n {2}- \{ at: 2026-03-08T18:10-04:00, med: metformin, for: 2026-03-08T18:00, status: taken, dose: 1 \}\n$/);
  });

  it('takes a missed dose late', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'take', 'levothyroxine');
    expect(r).toEqual({ code: 0, stdout: 'Recorded levothyroxine 06:30 dose as taken at 10:00 (3 h 30 min late).\n', stderr: '' });
  });

  it('takes a dose early with --at and --for; `today` shows it as early', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, '2026-03-08T20:30', 'take', 'pill', '--for', '21:00', '--at', '19:30');
    expect(r).toEqual({ code: 0, stdout: 'Recorded pill 21:00 dose as taken at 19:30 (1 h 30 min early).\n', stderr: '' });
    expect(on(f, '2026-03-08T20:30', 'today').stdout).toMatch(/^21:00\s+Combined oral contraceptive\s+1 unit\s+taken 19:30 \(early\)$/m);
    const d = json(on(f, '2026-03-08T20:30', '--json', 'today')).doses.find((x: any) => x.med === 'pill');
    expect(d).toMatchObject({ status: 'taken', takenAt: '2026-03-08T19:30-04:00', onTime: false });
  });

  it('--at inside the early window is on time', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, '2026-03-08T20:30', 'take', 'pill', '--at', '20:15');
    expect(r.stdout).toBe('Recorded pill 21:00 dose as taken at 20:15 (on time).\n');
  });

  it('--for with a routine name and a full slot', () => {
    const f = copyFixture(EXAMPLE);
    expect(on(f, '2026-03-08T19:00', 'take', 'metformin', '--for', 'dinner').stdout).toBe('Recorded metformin 18:00 dose as taken at 19:00 (on time).\n');
    expect(on(f, '2026-03-08T19:00', 'take', 'apixaban', '--for', '2026-03-07T21:00', '--at', '2026-03-07T21:05').stdout).toBe('Recorded apixaban 21:00 dose as taken at 21:05 (on time).\n');
    expect(read(f)).toContain('med: apixaban, for: 2026-03-07T21:00, status: taken, dose: 1 }');
  });

  it('--for a time that is not scheduled: exit 2, naming the scheduled ones, nothing written', () => {
    const f = copyFixture(EXAMPLE);
    const before = read(f);
    const r = on(f, NOW, 'take', 'metformin', '--for', '12:00');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('metformin has no dose scheduled at 2026-03-08 12:00');
    expect(r.stderr).toContain('hint: scheduled near then:');
    expect(read(f)).toBe(before);
  });

  it('an extra dose of a dose already taken warns POSSIBLE DOUBLE DOSE on stderr, and is recorded', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'take', 'metformin');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Recorded metformin as an EXTRA dose taken at 10:00.\n');
    expect(r.stderr).toMatch(/^meds: warning: POSSIBLE DOUBLE DOSE: the 07:00 dose of metformin was already taken at 07:04; recorded as an extra dose\..*meds undo/);
    expect(read(f)).toContain('  - { at: 2026-03-08T10:00-04:00, med: metformin, status: taken, dose: 1, extra: true }\n');
    expect(on(f, NOW, 'today').stdout).toContain('Extra doses recorded (beyond the schedule): 10:00 metformin');
  });

  it('as needed: a dose inside minInterval warns but is recorded', () => {
    const f = copyFixture(EXAMPLE);
    expect(on(f, NOW, 'take', 'ibuprofen', '--at', '08:00')).toEqual({ code: 0, stdout: 'Recorded ibuprofen (as needed) as taken at 08:00.\n', stderr: '' });
    const r = on(f, NOW, 'take', 'ibuprofen');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Recorded ibuprofen (as needed) as taken at 10:00.\n');
    expect(r.stderr).toBe('meds: warning: only 2 h from the ibuprofen dose at 08:00; the minimum interval is 6 h\n');
    expect(read(f).match(/med: ibuprofen/g)).toHaveLength(2);
    const j = json(on(f, NOW, '--json', 'today'));
    expect(j.asNeeded[0]).toMatchObject({ med: 'ibuprofen', takenToday: 2, maxPerDay: 4, nextAllowedAt: '2026-03-08T16:00-04:00' });
    expect(on(f, NOW, 'today').stdout).toMatch(/^ibuprofen 200 mg\s+2 units\s+2 of max 4 today\s+next allowed 16:00$/m);
  });

  it('as needed: a fifth dose in 24 hours warns about maxPerDay but is recorded', () => {
    const f = copyFixture(EXAMPLE);
    const now = '2026-03-09T23:30';
    for (const at of ['2026-03-09T00:00', '2026-03-09T06:00', '2026-03-09T12:00', '2026-03-09T18:00']) {
      const r = on(f, now, 'take', 'ibuprofen', '--at', at);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    const r = on(f, now, 'take', 'ibuprofen', '--at', '23:30');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('this makes 5 doses of ibuprofen within 24 hours; the maximum is 4');
    expect(read(f).match(/med: ibuprofen/g)).toHaveLength(5);
  });

  it('skip --reason records the reason (quoted when it needs quotes)', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, '2026-03-08T20:30', 'skip', 'apixaban', '--reason', 'felt dizzy, BP low');
    expect(r).toEqual({ code: 0, stdout: 'Recorded apixaban 21:00 dose as skipped at 20:30: felt dizzy, BP low.\n', stderr: '' });
    expect(read(f)).toContain('  - { at: 2026-03-08T20:30-04:00, med: apixaban, for: 2026-03-08T21:00, status: skipped, reason: "felt dizzy, BP low" }\n');
    const d = json(on(f, '2026-03-08T20:30', '--json', 'today')).doses.find((x: any) => x.med === 'apixaban' && x.at.includes('T21:00'));
    expect(d).toMatchObject({ status: 'skipped', reason: 'felt dizzy, BP low' });
  });

  it('skip of a dose already taken: exit 2, pointing at undo', () => {
    const r = on(copyFixture(EXAMPLE), NOW, 'skip', 'metformin', '--for', '07:00');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already recorded as taken at 07:04');
    expect(r.stderr).toContain('meds undo');
  });

  it('undo says what it removed, and take then undo leaves the file byte for byte', () => {
    const f = copyFixture(EXAMPLE);
    const before = read(f);
    on(f, '2026-03-08T20:30', 'skip', 'apixaban', '--reason', 'felt dizzy, BP low');
    on(f, '2026-03-08T20:30', 'take', 'metformin');
    const u1 = on(f, '2026-03-08T20:30', 'undo');
    expect(u1).toEqual({ code: 0, stdout: 'Removed the last entry: metformin taken at 2026-03-08T20:30-04:00 for the 2026-03-08 18:00 dose.\n', stderr: '' });
    const u2 = on(f, '2026-03-08T20:30', '--json', 'undo');
    expect(u2.code).toBe(0);
    expect(json(u2)).toEqual({ schemaVersion: 1, removed: { med: 'apixaban', at: '2026-03-08T20:30-04:00', for: '2026-03-08T21:00', status: 'skipped', reason: 'felt dizzy, BP low' } });
    expect(read(f)).toBe(before);
  });

  it('undo on an empty log: exit 2, nothing written', () => {
    const f = copyFixture(EXAMPLE);
    on(f, NOW, 'undo');
    on(f, NOW, 'undo');
    const before = read(f);
    const r = on(f, NOW, 'undo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the log is empty: nothing to undo');
    expect(read(f)).toBe(before);
  });

  it('take without a medication and without a terminal: exit 2 (never a prompt)', () => {
    const r = on(copyFixture(EXAMPLE), NOW, 'take');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('name the medication to record');
  });

  // Regression test (a bug found and fixed; the text says what used to happen):
  // `take` writes the new line at the indentation of the entry's content and is refused (exit 2,
  // "this change would make the file invalid"); `undo` also deletes the line after the log (`settings:`).
  it('take and undo work on a hand-written block-style log followed by another key', () => {
    const f = copyFixture('test/fixtures/block-log.yaml');
    const before = read(f);
    const t = on(f, '2026-03-08T20:05', 'take', 'metformin');
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    const u = on(f, '2026-03-08T20:05', 'undo');
    expect(u.code).toBe(0);
    expect(read(f)).toBe(before);
  });
});

describe('meds list / history', () => {
  it('lists each medication with its schedule in words', () => {
    const r = on(copyFixture(EXAMPLE), NOW, 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ID\s+NAME\s+STRENGTH\s+DOSE\s+SCHEDULE\s+PURPOSE\s*$/m);
    expect(r.stdout).toMatch(/^metformin\s+Metformin\s+500 mg\s+1 tablet\s+twice daily at breakfast \(07:00\) and dinner \(18:00\)\s+blood sugar\s*$/m);
    expect(r.stdout).toMatch(/^apixaban\s+Eliquis \(apixaban\)\s+5 mg\s+1 unit\s+twice daily at 09:00 and 21:00\s*$/m);
    expect(r.stdout).toMatch(/^alendronate\s+70 mg\s+1 unit\s+every Sunday at 06:30\s*$/m);
    expect(r.stdout).toMatch(/^levothyroxine\s+1 unit\s+every other day at wake \(06:30\), from 2026-01-01\s*$/m);
    expect(r.stdout).toMatch(/^amoxicillin\s+500 mg\s+1 unit\s+every 8 h from 2026-03-01 06:00, 21 doses/m);
    expect(r.stdout).toMatch(/^ibuprofen\s+200 mg\s+2 units\s+as needed, at least 6 h apart, at most 4 a day\s*$/m);
    expect(r.stdout).toMatch(/^prednisone\s+5 mg\s+2 units\s+2 units once daily at 08:00, from 2026-02-06, until 2026-02-10 \(phase 2 of 2; one more with --all\) \(ended 2026-02-10\)$/m);
  });

  it('--json lists every medication with its status', () => {
    const j = json(on(copyFixture(EXAMPLE), NOW, '--json', 'list'));
    expect(j.schemaVersion).toBe(1);
    expect(j.medications.map((m: any) => `${m.med}:${m.status}`)).toEqual([
      'metformin:active',
      'apixaban:active',
      'alendronate:active',
      'amoxicillin:ended', // its count of 21 ran out on 2026-03-07
      'pill:active',
      'prednisone:ended', // its last phase's until passed
      'levothyroxine:active',
      'ibuprofen:active',
    ]);
    expect(j.medications.find((m: any) => m.med === 'prednisone')).toMatchObject({ status: 'ended', lastDay: '2026-02-10', startsOn: null });
  });

  it('history shows the log of the last days', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'history');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toHaveLength(3);
    expect(r.stdout).toMatch(/^DATE\s+TIME\s+MEDICATION\s+STATUS\s+FOR\s+DOSE\s+REASON\s*$/m);
    expect(r.stdout).toMatch(/^2026-03-08\s+07:04\s+metformin\s+taken\s+07:00\s*$/m);
    expect(r.stdout).toMatch(/^2026-03-08\s+09:30\s+apixaban\s+skipped\s+09:00\s+nausea\s*$/m);
    const j = json(on(f, NOW, '--json', 'history', '--med', 'apixaban'));
    expect(j.entries).toEqual([{ at: '2026-03-08T09:30-04:00', med: 'apixaban', status: 'skipped', for: '2026-03-08T09:00', extra: false, reason: 'nausea', dose: null }]);
    expect(on(f, '2026-03-20T10:00', 'history').stdout).toBe('No entries in the last 7 days.\n');
    expect(on(f, '2026-03-20T10:00', 'history', '--days', '30').stdout).toContain('nausea');
  });

  it('history --days 0 and --med of an unknown id: exit 2', () => {
    const f = copyFixture(EXAMPLE);
    expect(on(f, NOW, 'history', '--days', '0').code).toBe(2);
    const r = on(f, NOW, 'history', '--med', 'aspirin');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no medication "aspirin"');
  });
});

describe('meds init / add / edit / stop / check', () => {
  it('init by flags creates a 0600 file that check accepts silently', () => {
    const dir = tempDir();
    const f = join(dir, 'sub', 'regimen.yaml');
    const r = run(['--file', f, 'init', '--name', "Sam O'Neil", '--timezone', 'Europe/London', '--routine', 'wake=06:30,breakfast=07:00,dinner=18:00']);
    expect(r).toEqual({ code: 0, stdout: `Created ${f}. Next: \`meds add <id> --times 08:00\`.\n`, stderr: '' });
    expect(statSync(f).mode & 0o777).toBe(0o600);
    const text = read(f);
    expect(text).toContain('  timezone: Europe/London\n');
    expect(text).toContain('  routine: { wake: "06:30", breakfast: "07:00", dinner: "18:00" }\n');
    expect(run(['--file', f, 'check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    // never replaces a file without --force
    const again = run(['--file', f, 'init', '--timezone', 'UTC']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(read(f)).toBe(text);
    expect(run(['--file', f, 'init', '--timezone', 'UTC', '--force']).code).toBe(0);
    expect(read(f)).toContain('timezone: UTC');
  });

  it('init rejects an unknown zone and a bad routine with exit 2, writing nothing', () => {
    const dir = tempDir();
    const f = join(dir, 'regimen.yaml');
    const z = run(['--file', f, 'init', '--timezone', 'Mars/Olympus']);
    expect(z.code).toBe(2);
    expect(z.stderr).toContain('unknown time zone "Mars/Olympus"');
    const rt = run(['--file', f, 'init', '--timezone', 'UTC', '--routine', 'wake=25:00']);
    expect(rt.code).toBe(2);
    expect(rt.stderr).toContain('"wake=25:00" is not name=HH:MM');
    expect(existsSync(f)).toBe(false);
  });

  it('add by flags, then list shows it (starting today, so earlier days never count as missed)', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'add', 'vitd', '--name', 'Vitamin D', '--strength', '1000 IU', '--times', '08:00', '--days', 'sun', '--purpose', 'bones');
    expect(r).toEqual({ code: 0, stdout: 'Added vitd: { times: ["08:00"], days: [sun], from: 2026-03-08 }.\n', stderr: '' });
    expect(on(f, NOW, 'list').stdout).toMatch(/^vitd\s+Vitamin D\s+1000 IU\s+1 unit\s+every Sunday at 08:00, from 2026-03-08\s+bones\s*$/m);
    expect(on(f, NOW, 'check')).toEqual({ code: 0, stdout: '', stderr: '' });
    const dup = on(f, NOW, 'add', 'vitd', '--times', '09:00');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('there is already a medication "vitd"');
  });

  it('add on a file made by init, then list', () => {
    const f = join(tempDir(), 'regimen.yaml');
    expect(run(['--file', f, 'init', '--timezone', 'Europe/London']).code).toBe(0);
    const r = on(f, NOW, 'add', 'metformin', '--times', 'breakfast,dinner', '--strength', '500 mg');
    expect(r.code).toBe(0);
    expect(on(f, NOW, 'list').stdout).toMatch(/^metformin\s+500 mg\s+1 unit\s+twice daily at breakfast \(07:30\) and dinner \(18:30\), from 2026-03-08\s*$/m);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): the second `add` on a file made by `init`
  // (`log: []` after the medications) inserts the new item after `log: []` and is refused with exit 73.
  it('add twice on a file made by init', () => {
    const f = join(tempDir(), 'regimen.yaml');
    run(['--file', f, 'init', '--timezone', 'Europe/London']);
    expect(on(f, NOW, 'add', 'a', '--times', '08:00').code).toBe(0);
    const second = on(f, NOW, 'add', 'b', '--times', '09:00');
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
  });

  it('add without a schedule and without a terminal: exit 2 with an example', () => {
    const r = on(copyFixture(EXAMPLE), NOW, 'add', 'vitd');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('say when vitd is taken');
    expect(r.stderr).toContain('--times 08:00,20:00');
  });

  it('edit --times starts a new phase today; yesterday keeps the old schedule', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'edit', 'metformin', '--times', '08:00,20:00');
    expect(r).toEqual({ code: 0, stdout: 'Edited metformin: from 2026-03-08: { times: ["08:00", "20:00"], from: 2026-03-08 }.\n', stderr: '' });
    const times = (date: string) =>
      json(on(f, NOW, '--json', 'today', '--date', date))
        .doses.filter((d: any) => d.med === 'metformin')
        .map((d: any) => d.at.slice(11, 16));
    expect(times('2026-03-07')).toEqual(['07:00', '18:00']);
    expect(times('2026-03-08')).toEqual(['08:00', '20:00']);
    expect(times('2026-03-09')).toEqual(['08:00', '20:00']);
    expect(on(f, NOW, 'list', '--all').stdout).toContain('twice daily at breakfast (07:00) and dinner (18:00), until 2026-03-07; then 1 tablet twice daily at 08:00 and 20:00, from 2026-03-08');
    expect(on(f, NOW, 'check')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('edit of a name keeps everything else', () => {
    const f = copyFixture(EXAMPLE);
    const before = read(f);
    expect(on(f, NOW, 'edit', 'apixaban', '--purpose', 'stroke prevention').code).toBe(0);
    const after = read(f);
    expect(after.split('\n').length).toBe(before.split('\n').length + 1);
    expect(after.replace('    purpose: stroke prevention\n', '')).toBe(before);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): a medication whose last key holds a block list (prednisone's phases).
  it('edit --purpose on a medication whose schedule is a block list of phases', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'edit', 'prednisone', '--purpose', 'taper');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('stop ends the schedule now; the past stays', () => {
    const f = copyFixture(EXAMPLE);
    const r = on(f, NOW, 'stop', 'apixaban');
    expect(r).toEqual({ code: 0, stdout: 'Stopped apixaban: no scheduled dose from 2026-03-08 10:00 on (the last day is 2026-03-08). Its history stays in the log.\n', stderr: '' });
    expect(read(f)).toContain('    schedule: { times: ["09:00", "21:00"] }\n    stopped: 2026-03-08T10:00\n');
    const meds9 = json(on(f, '2026-03-09T10:00', '--json', 'today')).doses.map((d: any) => d.med);
    expect(meds9).not.toContain('apixaban');
    expect(on(f, '2026-03-09T10:00', 'list').stdout).toMatch(/^apixaban .*twice daily at 09:00 and 21:00.* \(stopped 2026-03-08\)$/m);
    const again = on(f, NOW, 'stop', 'apixaban');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('apixaban was already stopped on 2026-03-08 10:00');
  });

  it('check prints nothing and exits 0 on a clean file', () => {
    expect(run(['--file', copyFixture(EXAMPLE), 'check'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(run(['--file', copyFixture('test/fixtures/dst-london.yaml'), 'check'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('check warns about an unknown key on stderr (exit 0), naming the nearest key', () => {
    const f = writeTemp(read(join(ROOT, EXAMPLE)).replace('    strength: 5 mg\n', '    strenght: 5 mg\n'));
    const r = run(['--file', f, 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^meds: warning: .*regimen\.yaml:\d+:5: unknown key `strenght` in medications\[1\] .*\(did you mean `strength`\?\)\n$/);
  });
});

describe('daylight saving time (Europe/London)', () => {
  it('spring forward: 01:30 does not exist and moves to 02:30; an 8-hourly course counts elapsed time', () => {
    const f = copyFixture('test/fixtures/dst-london.yaml');
    const j = json(on(f, '2026-03-29T12:00', '--json', 'today'));
    expect(j.doses.map((d: any) => `${d.med} ${d.at} ${d.slot} ${d.status}`)).toEqual([
      'night 2026-03-29T02:30+01:00 2026-03-29T01:30 taken',
      'abx 2026-03-29T03:00+01:00 2026-03-29T03:00 missed',
      'abx 2026-03-29T11:00+01:00 2026-03-29T11:00 due',
      'abx 2026-03-29T19:00+01:00 2026-03-29T19:00 upcoming',
      'night 2026-03-29T22:00+01:00 2026-03-29T22:00 upcoming',
    ]);
    expect(j.doses[0]).toMatchObject({ takenAt: '2026-03-29T02:35+01:00', onTime: true });
  });

  it('fall back: the repeated 01:30 is the first one (BST)', () => {
    const f = copyFixture('test/fixtures/dst-london.yaml');
    const j = json(on(f, '2026-10-25T12:00', '--json', 'today'));
    expect(j.doses.map((d: any) => d.at)).toEqual(['2026-10-25T01:30+01:00', '2026-10-25T22:00+00:00']);
  });

  it('take on the day of the change credits the moved dose', () => {
    const f = copyFixture('test/fixtures/dst-london.yaml');
    const r = on(f, '2026-03-29T12:00', 'take', 'abx');
    expect(r).toEqual({ code: 0, stdout: 'Recorded abx 11:00 dose as taken at 12:00 (on time).\n', stderr: '' });
    expect(read(f)).toContain('  - { at: 2026-03-29T12:00+01:00, med: abx, for: 2026-03-29T11:00, status: taken, dose: 1 }\n');
  });
});

describe('errors: exit codes and messages', () => {
  it('an unknown option: exit 2', () => {
    const r = run(['--file', copyFixture(EXAMPLE), 'today', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: unknown option '--bogus'");
  });

  it('an unknown command: exit 2 with a suggestion', () => {
    const r = run(['--file', copyFixture(EXAMPLE), 'tody']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("error: unknown command 'tody'");
    expect(r.stderr).toContain('meds: error: unknown command \'tody\'\n  hint: did you mean `today`?');
  });

  it('an unknown medication: exit 2 naming the nearest id and the known ids', () => {
    const f = copyFixture(EXAMPLE);
    const before = read(f);
    const r = on(f, NOW, 'take', 'metfromin');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'meds: error: no medication "metfromin" in the regimen\n' +
        '  hint: did you mean `metformin`? known: metformin, apixaban, alendronate, amoxicillin, pill, prednisone, levothyroxine, ibuprofen\n',
    );
    expect(read(f)).toBe(before);
  });

  it('a medication can be named by its label name, case-insensitively', () => {
    const r = on(copyFixture(EXAMPLE), '2026-03-08T18:10', 'take', 'METFORMIN');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Recorded metformin 18:00 dose');
  });

  it.each([['2026-13-01T10:00'], ['yesterday'], ['2026-03-08T25:00'], ['2026-02-30']])('a bad --now (%s): exit 2 with an example', (now) => {
    const r = on(copyFixture(EXAMPLE), now, 'today');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`--now ${JSON.stringify(now)} is not a date-time`);
    expect(r.stderr).toContain('hint: write it as 2026-03-08T07:30');
  });

  it('an invalid file: exit 65, the message names file:line:col, for every command that reads it', () => {
    const f = writeTemp(read(join(ROOT, EXAMPLE)).replace('timezone: America/New_York ', 'timezone: America/New_Yrok '));
    const line = read(f).split('\n').findIndex((l) => l.includes('New_Yrok')) + 1;
    for (const cmd of [['check'], ['today'], ['take', 'metformin'], ['list'], ['history'], ['undo'], ['add', 'x', '--times', '08:00']]) {
      const before = read(f);
      const r = on(f, NOW, ...cmd);
      expect(r.code, cmd.join(' ')).toBe(65);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`meds: error: ${f} is not a valid regimen file: patient.timezone: unknown time zone "America/New_Yrok"`);
      expect(r.stderr).toContain(`  at ${f}:${line}:13\n`);
      expect(r.stderr).toContain('  hint: did you mean `America/New_York`? (an IANA name');
      expect(read(f)).toBe(before);
    }
  });

  it('an invalid file with --json: the error as a JSON document on stdout too', () => {
    const f = writeTemp('meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - id: a\n    schedule: { times: ["25:00"] }\n');
    const r = on(f, NOW, '--json', 'check');
    expect(r.code).toBe(65);
    const j = json(r);
    expect(j.schemaVersion).toBe(1);
    expect(j.error).toMatchObject({ code: 'invalid', exitCode: 65, position: { file: f, line: 6, col: 25 } });
    expect(j.error.message).toContain('medications[0].schedule.times[0]: "25:00" is not a time');
  });

  it('a YAML syntax error: exit 65 at its line', () => {
    const f = writeTemp('meds: 1\npatient:\n  timezone: UTC\n  routine: { wake: "06:30"\nmedications: []\n');
    const r = run(['--file', f, 'check']);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(new RegExp(`at ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
  });

  it('a missing file: exit 66, the hint mentions `meds init`', () => {
    const f = join(tempDir(), 'nope.yaml');
    for (const cmd of [['today'], ['check'], ['take', 'x'], ['list']]) {
      const r = on(f, NOW, ...cmd);
      expect(r.code).toBe(66);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`meds: error: no regimen file at ${f}\n  hint: create one with \`meds init\`, or point at one with --file or $MEDS_FILE\n`);
    }
  });

  it('$MEDS_FILE and $MEDS_NOW stand for --file and --now', () => {
    const f = copyFixture(EXAMPLE);
    const r = run(['today'], { env: { MEDS_FILE: f, MEDS_NOW: NOW } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(on(f, NOW, 'today').stdout);
  });
});

describe('help and version', () => {
  it('--help: exit 0, usage on stdout', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: meds \[options\] \[command\]/);
    for (const c of ['today', 'take', 'skip', 'undo', 'list', 'history', 'check', 'init', 'add', 'edit', 'stop']) expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(r.stderr).toBe('');
    expect(run(['take', '--help']).code).toBe(0);
  });

  it('a run registers only its command (buildProgram(name)); help, `help <command>`, an unknown command and global options before the command behave as with all of them', async () => {
    const { buildProgram, COMMANDS, commandName } = await import('../../src/cli/main.js');
    expect(new Set(buildProgram().commands.map((c) => c.name()))).toEqual(COMMANDS);
    for (const name of COMMANDS) expect(buildProgram(name).commands.map((c) => c.name())).toEqual([name]);
    expect(commandName(['node', 'meds', '--file', 'today', 'list', '--json'])).toBe('list'); // (a value that looks like a command)
    expect(commandName(['node', 'meds', '--json', '--now', '2026-03-08T10:00', 'take', 'metformin'])).toBe('take');
    expect(commandName(['node', 'meds', '--', 'today'])).toBeUndefined();
    expect(commandName(['node', 'meds', '--file=x', '-fx', '--now=2026-03-08T10:00', '--no-color', 'take'])).toBe('take');
    // After --help, an unknown option or a bare '-', commander runs no command: the program's help lists every command.
    for (const argv of [['--help', 'take'], ['--bogus', 'today', '--help'], ['-', 'today', '--help'], ['-x', 'refills', '-h']]) {
      expect(commandName(['node', 'meds', ...argv]), argv.join(' ')).toBeUndefined();
      const r = run(argv);
      expect([r.code, r.stdout], argv.join(' ')).toEqual([0, run(['--help']).stdout]);
    }
    const help = run(['help', 'take']);
    expect([help.code, help.stdout]).toEqual([0, run(['take', '--help']).stdout]);
    expect(help.stdout).toMatch(/^Usage: meds take \[options\] \[med\.\.\.\]/);
    const unknown = run(['tkae']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('hint: did you mean `take`?');
  });

  it('--version: exit 0, the package version', () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { version: string };
    expect(run(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect(run(['-V']).stdout).toBe(`${pkg.version}\n`);
  });
});

// ---------------------------------------------------------------------------
// Color and pipes.

/** Spawn without the helpers' NO_COLOR, with exactly this environment. */
function rawRun(args: string[], env: Record<string, string>): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: '', cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('color', () => {
  let f: string;
  beforeAll(() => {
    f = copyFixture(EXAMPLE);
  });

  it('with NO_COLOR unset but piped, output is plain (stdout and stderr)', () => {
    for (const args of [['today'], ['list'], ['history'], ['take', 'metformin'], ['take', 'metfromin'], ['bogus']]) {
      const r = rawRun(['--file', f, '--now', NOW, ...args], {});
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain(ESC);
      expect(r.stdout + r.stderr).not.toBe('');
    }
  });

  it('FORCE_COLOR=1 gives color', () => {
    const r = rawRun(['--file', f, '--now', NOW, 'today'], { FORCE_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ESC}[`);
    const w = rawRun(['--file', f, '--now', NOW, 'take', 'metfromin'], { FORCE_COLOR: '1' });
    expect(w.stderr).toContain(`${ESC}[`);
  });

  it('FORCE_COLOR=1 does not color --json', () => {
    const r = rawRun(['--file', f, '--now', NOW, '--json', 'today'], { FORCE_COLOR: '1' });
    expect(r.stdout).not.toContain(ESC);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('TERM=dumb and --no-color are plain too', () => {
    expect(rawRun(['--file', f, '--now', NOW, 'today'], { TERM: 'dumb' }).stdout).not.toContain(ESC);
    expect(rawRun(['--file', f, '--now', NOW, '--no-color', 'today'], {}).stdout).not.toContain(ESC);
  });
});

describe('a closed pipe', () => {
  it('`meds today | head -1` prints the first line, exits 0, no EPIPE', () => {
    const f = copyFixture(EXAMPLE);
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; "${process.execPath}" "${BIN}" --file "${f}" --now ${NOW} today | head -1`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(r.stdout).toBe('Alex Rivera: Today, Sunday 8 March 2026  (America/New_York, now 10:00)\n');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.status).toBe(0);
  });

  it('a long history into `head -1`: the reader goes away mid-output, still exit 0 and a quiet stderr', () => {
    const entries: string[] = [];
    for (let i = 0; i < 3000; i++) {  // ~280 KB of output, far more than a pipe holds
      const t = new Date(Date.UTC(2026, 0, 1, 12) + i * 30 * 60_000).toISOString().slice(0, 16);
      entries.push(`  - { at: ${t}Z, med: ibuprofen, status: taken, reason: "long enough to fill the pipe buffer quickly ${i}" }`);
    }
    const text = read(join(ROOT, EXAMPLE)).replace(/\nlog:[^\n]*\n[\s\S]*$/, '\nlog:\n' + entries.join('\n') + '\n');
    const f = join(tempDir(), 'regimen.yaml');
    writeFileSync(f, text);
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -o pipefail; "${process.execPath}" "${BIN}" --file "${f}" --now 2027-02-01T00:00 history --days 400 | head -1`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(r.stdout).toMatch(/^DATE\s+TIME\s+MEDICATION/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a closed pipe keeps the exit code', () => {
  // Regression test (a bug found and fixed; the text says what used to happen): writing straight to
  // the file descriptor, a closed pipe ended the process at once with exit 0, before the command had
  // set its code: `meds missed | true` exited 0 instead of 1, an invalid file 0 instead of 65.
  const status = (cmd: string) =>
    spawnSync('bash', ['--norc', '--noprofile', '-c', `"${process.execPath}" "${BIN}" ${cmd} 2>/dev/null | true; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } }).status;
  it('`meds missed | true` exits 1 (a dose needs action), an invalid file 65, a missing one 66', () => {
    const f = copyFixture(EXAMPLE);
    expect(status(`--file "${f}" --now ${NOW} missed`)).toBe(1);
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, 'meds: 1\npatient: {}\n');
    expect(status(`--file "${bad}" --now ${NOW} today --json`)).toBe(65);
    expect(status(`--file "${join(tempDir(), 'none.yaml')}" --now ${NOW} today`)).toBe(66);
  });
});

describe('no ANSI escape codes when piped', () => {
  it('in any run of this file so far (checked again after all)', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const { args, r } of all) expect(r.stdout + r.stderr, args.join(' ')).not.toContain(ESC);
  });
});
