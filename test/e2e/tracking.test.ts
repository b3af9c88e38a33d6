/**
 * End to end: when recording began. A schedule's anchor (a pill pack's start) is not when the
 * patient began recording, and the start of recording comes from the whole log, whichever way the
 * file is read (LF or CRLF line ends, a log built whole or only its recent part).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { copyFixture, meds, read, tempDir } from '../helpers/cli.js';
import { join } from 'node:path';

const run = (file: string, now: string, ...args: string[]) => meds(['--file', file, '--now', now, ...args]);

/** The README's combined pill, 21 days on and 7 off, added on 10 March with `--from` at its pack start. */
function pillAddedMidPack(): string {
  const file = join(tempDir(), 'regimen.yaml');
  expect(run(file, '2026-03-10T10:00', 'init', '--timezone', 'Europe/London').code).toBe(0);
  const add = run(file, '2026-03-10T10:00', 'add', 'pill', '--name', 'Combined oral contraceptive', '--times', '21:00', '--cycle', '21/7', '--from', '2026-03-01');
  expect(add.code, add.stderr).toBe(0);
  return file;
}

describe('a pill pack begun before set-up (meds add --from at the pack start)', () => {
  it('add records the day recording began, apart from the schedule\'s anchor', () => {
    const text = read(pillAddedMidPack());
    expect(text).toMatch(/from: 2026-03-01/);
    expect(text).toMatch(/^ {4}trackedSince: 2026-03-10$/m);
  });

  it('add leaves it out when the schedule starts today (nothing before it to tell apart)', () => {
    const file = join(tempDir(), 'regimen.yaml');
    run(file, '2026-03-10T10:00', 'init', '--timezone', 'Europe/London');
    expect(run(file, '2026-03-10T10:00', 'add', 'a', '--times', '08:00').code).toBe(0);
    expect(read(file)).not.toContain('trackedSince');
  });

  it('gives no advice about the pills before set-up, and adherence does not count them', () => {
    const file = pillAddedMidPack();
    const missed = run(file, '2026-03-10T10:00', 'missed', '--json');
    expect(missed.code, missed.stdout).toBe(0);
    expect(JSON.parse(missed.stdout).advice).toEqual([]);
    const adh = JSON.parse(run(file, '2026-03-10T10:00', 'adherence', '--days', '30', '--json').stdout);
    expect(adh.medications[0]).toMatchObject({ med: 'pill', scheduled: 0, missed: 0 });
    const today = JSON.parse(run(file, '2026-03-10T10:00', 'today', '--date', '2026-03-09', '--json').stdout);
    expect(today.doses.map((d: { status: string }) => d.status)).toEqual(['untracked']);
  });

  it('the day after, advice and counts agree: one pill missed, of one', () => {
    const file = pillAddedMidPack();
    const now = '2026-03-11T09:00';
    const missed = JSON.parse(run(file, now, 'missed', '--days', '30', '--json').stdout);
    expect(missed.advice.map((a: { scheduledAt: string }) => a.scheduledAt)).toEqual(['2026-03-10T21:00+00:00']);
    expect(missed.advice[0].message).not.toMatch(/earlier missed/);
    expect(missed.patterns.medications[0]).toMatchObject({ total: 1, missed: 1 });
    const adh = JSON.parse(run(file, now, 'adherence', '--days', '30', '--json').stdout);
    expect(adh.medications[0]).toMatchObject({ scheduled: 1, missed: 1, taken: 0 });
  });

  it('a file\'s own trackedSince is read, and is a real date', () => {
    const file = pillAddedMidPack();
    writeFileSync(file, read(file).replace('trackedSince: 2026-03-10', 'trackedSince: 2026-03-05'));
    const adh = JSON.parse(run(file, '2026-03-10T10:00', 'adherence', '--days', '30', '--json').stdout);
    expect(adh.medications[0]).toMatchObject({ scheduled: 5, missed: 5 });
    writeFileSync(file, read(file).replace('trackedSince: 2026-03-05', 'trackedSince: 2026-02-30'));
    const bad = run(file, '2026-03-10T10:00', 'list');
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('trackedSince');
  });
});

describe('the start of recording comes from the whole log', () => {
  it('missed after a six-week gap: the same advice with LF and CRLF line ends', () => {
    const lf = copyFixture();
    const crlf = join(tempDir(), 'regimen.yaml');
    writeFileSync(crlf, readFileSync(lf, 'utf8').replace(/\n/g, '\r\n'));
    const now = '2026-04-25T09:00';
    const a = run(lf, now, 'missed', '--json');
    const b = run(crlf, now, 'missed', '--json');
    expect(a.stdout).toBe(b.stdout);
    const pill = JSON.parse(a.stdout).advice.find((x: { med: string }) => x.med === 'pill');
    // Recording began on 8 March (the log's first entry): every pill since then was missed.
    expect(pill.warnings.join(' ')).toMatch(/extra contraception/);
  });
});
