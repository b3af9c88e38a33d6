/**
 * Issue 5, concurrency: many real `meds` processes on one file, a held lock,
 * a lock left by a killed process, and a file saved by an editor between a
 * `meds` read and its write. Every process here is the built binary
 * (run `npm run build` first), never an in-process call.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, BIN_TESTING, meds, medsAsync, read, tempDir } from '../helpers/cli.js';
import { acquireLock } from '../../src/store/lock.js';
import { mutate } from '../../src/store/transaction.js';
import { appendLogEntry } from '../../src/store/edit.js';
import { parseRegimen } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { MedsError } from '../../src/errors.js';

const WRITERS = 32;
const RUNS = 20;
const NOW = '2026-03-08T12:00';
const ids = Array.from({ length: WRITERS }, (_, i) => `med${String(i).padStart(2, '0')}`);

/** 32 as-needed medications, comments everywhere a user puts them, one entry already logged. */
const REGIMEN = [
  '# Concurrency fixture: 32 as-needed medications.',
  'meds: 1                      # format version',
  'patient:',
  '  name: Test Person          # who',
  '  timezone: Europe/Berlin    # every schedule is computed here',
  'medications:',
  ...ids.flatMap((id, i) => [`  # ${id}: comment above`, `  - { id: ${id}, schedule: { asNeeded: true } }   # trailing ${i}`]),
  '# a comment between the medications and the log',
  'log:                         # one entry per line',
  '  - { at: 2026-03-08T07:00+01:00, med: med00, status: taken }   # logged before the test',
  '',
].join('\n');

const atOf = (i: number) => `2026-03-08T08:${String(i).padStart(2, '0')}`;
const argsOf = (file: string, i: number) =>
  i % 2 === 0
    ? ['--file', file, '--now', NOW, 'take', ids[i]!, '--at', atOf(i)]
    : ['--file', file, '--now', NOW, 'skip', ids[i]!, '--at', atOf(i), '--reason', `run ${i}`];

const stray = (dir: string) => fs.readdirSync(dir).filter((n) => n !== 'regimen.yaml');

const LOCK_TIMEOUT_MS = 60_000;
const summary = { slowestRunMs: 0, runs: 0, processes: 0, entriesFound: 0, entriesLost: 0, duplicates: 0, readsDuringWrites: 0, tornReads: 0 };
afterAll(() => {
  // The counts docs/reliability.md quotes.
  console.log(`[reliability] concurrency: ${JSON.stringify(summary)}`);
});

beforeAll(() => {
  if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'meds.cjs'))) throw new Error('run `npm run build` first');
});

describe('32 concurrent writers', () => {
  it(`${WRITERS} take/skip processes started at once, ${RUNS} times: the file stays valid, every entry is there exactly once, comments are kept, nothing is left behind`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const dir = tempDir('meds-conc-');
      const file = path.join(dir, 'regimen.yaml');
      fs.writeFileSync(file, REGIMEN, { mode: 0o600 });

      // A reader polling while the writers run must only ever see a whole, valid file.
      // (Parsed only when it changed, so the poller does not starve the writers of CPU.)
      let reads = 0;
      let lastCount = 1;
      let lastText = REGIMEN;
      const torn: string[] = [];
      const poll = setInterval(() => {
        const text = fs.readFileSync(file, 'utf8');
        reads++;
        if (text === lastText) return;
        lastText = text;
        try {
          const l = parseRegimen(text, file);
          if (l.logCount < lastCount) torn.push(`log shrank from ${lastCount} to ${l.logCount}`);
          lastCount = l.logCount;
        } catch (err) {
          torn.push((err as Error).message);
        }
      }, 15);

      // Spawn all, then await all: they really start at once. The lock timeout is raised from
      // its 10 s default: 32 cold starts of node on 2 cores shared with the other suites can
      // take longer than that, and a process that times out exits 75 without writing (that
      // bounded wait is proven in 'the lock' below). Here the guarantee is: no entry lost.
      const t0 = Date.now();
      const children = ids.map((_, i) => medsAsync(argsOf(file, i), { env: { MEDS_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) } }));
      const results = await Promise.all(children);
      clearInterval(poll);
      summary.slowestRunMs = Math.max(summary.slowestRunMs, Date.now() - t0);

      results.forEach((r, i) => {
        expect({ i, code: r.code, stderr: r.stderr }).toEqual({ i, code: 0, stderr: '' });
        expect(r.stdout).toContain(`Recorded ${ids[i]}`);
      });

      const text = read(file);
      // Comments and every byte of the original are kept; the new entries come after them.
      expect(text.startsWith(REGIMEN)).toBe(true);
      const added = text.slice(REGIMEN.length).split('\n').filter((l) => l !== '');
      expect(added).toHaveLength(WRITERS);
      for (let i = 0; i < WRITERS; i++) {
        const mine = added.filter((l) => l.includes(`med: ${ids[i]},`) && l.includes(`at: ${atOf(i)}+01:00,`));
        if (mine.length === 0) summary.entriesLost++;
        if (mine.length > 1) summary.duplicates++;
        expect(mine, `${ids[i]} in run ${run}`).toHaveLength(1);
        expect(mine[0]).toContain(i % 2 === 0 ? 'status: taken' : `status: skipped, reason: run ${i}`);
        summary.entriesFound++;
      }
      // The parser agrees: 1 + 32 entries, each medication's entries as written.
      const loaded = parseRegimen(text, file, { full: true });
      expect(loaded.regimen.log).toHaveLength(WRITERS + 1);
      expect(new Set(loaded.regimen.log.slice(1).map((e) => `${e.med}@${e.atText}`)).size).toBe(WRITERS);

      const check = meds(['--file', file, 'check']);
      expect(check).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(stray(dir)).toEqual([]); // no .tmp, no .lock
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(torn).toEqual([]);

      summary.runs++;
      summary.processes += WRITERS;
      summary.readsDuringWrites += reads;
      summary.tornReads += torn.length;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the lock', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = tempDir('meds-lockwait-');
    file = path.join(dir, 'regimen.yaml');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fresh = () => {
    for (const n of fs.readdirSync(dir)) fs.rmSync(path.join(dir, n), { force: true });
    fs.writeFileSync(file, REGIMEN);
  };

  it('a take while another meds holds the lock waits its timeout, then exits 75 naming the holder, and writes nothing', async () => {
    fresh();
    const release = acquireLock(file); // this (live) process holds it, exactly as a running meds would
    try {
      const t0 = Date.now();
      const r = await medsAsync(['--file', file, '--now', NOW, 'take', 'med01', '--at', atOf(1)], { env: { MEDS_LOCK_TIMEOUT_MS: '700' } });
      const waited = Date.now() - t0;
      expect(r.code).toBe(75);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`meds: error: another meds (pid ${process.pid}, since `);
      expect(r.stderr).toContain(`is using ${file}`);
      expect(r.stderr).toContain(`hint: Try again in a moment; if no meds is running, remove ${file}.lock`);
      expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
      expect(waited).toBeGreaterThanOrEqual(700);
      expect(waited).toBeLessThan(700 + 5_000);
      expect(read(file)).toBe(REGIMEN);
    } finally {
      release();
    }
    expect(stray(dir)).toEqual([]);
  });

  it('the default wait is bounded too (10 s), and a waiter proceeds as soon as the holder releases', async () => {
    fresh();
    const release = acquireLock(file);
    const t0 = Date.now();
    const waiting = medsAsync(['--file', file, '--now', NOW, 'take', 'med02', '--at', atOf(2)]);
    setTimeout(release, 600);
    const r = await waiting;
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(read(file)).toContain(`med: med02`);
    expect(stray(dir)).toEqual([]);
  });

  it('a lock left by a meds killed with SIGKILL while holding it is detected as stale and taken over', () => {
    fresh();
    const killed = spawnSync(process.execPath, [BIN_TESTING, '--file', file, '--now', NOW, 'take', 'med03', '--at', atOf(3)], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', MEDS_FAULT: 'before-rename' },
      encoding: 'utf8',
    });
    expect(killed.signal).toBe('SIGKILL');
    const owner = JSON.parse(read(`${file}.lock`));
    expect(owner.pid).toBe(killed.pid);
    const t0 = Date.now();
    const r = meds(['--file', file, '--now', NOW, 'take', 'med04', '--at', atOf(4)], { env: { MEDS_LOCK_TIMEOUT_MS: '3000' } });
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000); // not by waiting out the timeout
    const text = read(file);
    expect(text.startsWith(REGIMEN)).toBe(true);
    expect(text).toContain('med: med04');
    expect(text).not.toContain('med: med03'); // the killed write never landed
    expect(stray(dir)).toEqual([]); // its lock and its temporary file are gone
  });

  it('eight processes racing for one stale lock: all succeed, each entry once', async () => {
    fresh();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: os.hostname(), createdAt: '2026-01-01T00:00:00.000Z' }));
    const rs = await Promise.all([5, 6, 7, 8, 9, 10, 11, 12].map((i) => medsAsync(argsOf(file, i), { env: { MEDS_LOCK_TIMEOUT_MS: '8000' } })));
    rs.forEach((r) => expect(r.code).toBe(0));
    const text = read(file);
    for (const i of [5, 6, 7, 8, 9, 10, 11, 12]) expect(text.split(`med: ${ids[i]},`).length - 1).toBe(1);
    expect(stray(dir)).toEqual([]);
  });

  it('a lock whose owner is alive, or on another host, is never broken; an empty lock is broken only once it is old', async () => {
    fresh();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const cases: [string, string, number][] = [
        ['live pid', JSON.stringify({ pid: sleeper.pid, host: os.hostname(), createdAt: '2026-01-01T00:00:00.000Z' }), 75],
        ['dead pid on another host', JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '0']).pid, host: `not-${os.hostname()}`, createdAt: '2026-01-01T00:00:00.000Z' }), 75],
        ['empty, fresh (a meds between creating and writing it)', '', 75],
      ];
      for (const [, content, code] of cases) {
        fs.writeFileSync(`${file}.lock`, content);
        const r = meds(['--file', file, '--now', NOW, 'take', 'med13', '--at', atOf(13)], { env: { MEDS_LOCK_TIMEOUT_MS: '300' } });
        expect(r.code).toBe(code);
        expect(read(`${file}.lock`)).toBe(content);
        expect(read(file)).toBe(REGIMEN);
      }
      // Empty and 11 s old: left by a crash, taken over.
      fs.writeFileSync(`${file}.lock`, '');
      const old = (Date.now() - 11_000) / 1000;
      fs.utimesSync(`${file}.lock`, old, old);
      const r = meds(['--file', file, '--now', NOW, 'take', 'med13', '--at', atOf(13)], { env: { MEDS_LOCK_TIMEOUT_MS: '2000' } });
      expect(r.code).toBe(0);
      expect(stray(dir)).toEqual([]);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});

// `append`: the save lands between the read and the write (the check before the rename sees it);
// `late-append`: it lands after that check, just before the rename, into the version the rename
// replaces (the descriptor kept on that version sees it, and the save is put back).
describe.each(['append', 'late-append'])('a file saved by an editor between the read and the write (%s)', (kind) => {
  const hook = (file: string, text: string) => ({ MEDS_TEST_HOOK_BEFORE_WRITE: `${kind}:${file}:${text}` });
  const ours = '  - { at: 2026-03-08T08:06+01:00, med: med06, status: taken, dose: 1 }\n';
  const cases: { name: string; appended: string; code: number; expectEntry: boolean; final?: string }[] = [
    // A comment after the last entry stays the last line: our entry goes at the end of the log's entries.
    { name: 'a comment', appended: '# saved from the editor\n', code: 0, expectEntry: true, final: REGIMEN + ours + '# saved from the editor\n' },
    { name: 'a log entry typed by hand', appended: '  - { at: 2026-03-08T07:30+01:00, med: med05, status: taken }\n', code: 0, expectEntry: true, final: REGIMEN + '  - { at: 2026-03-08T07:30+01:00, med: med05, status: taken }\n' + ours },
    { name: 'a half-typed, invalid line', appended: '  - { at: 2026-03-08T07:30+01:00, med: med05, status: tak\n', code: 65, expectEntry: false },
    { name: 'a medication id the log does not know', appended: '  - { at: 2026-03-08T07:30+01:00, med: nosuch, status: taken }\n', code: 65, expectEntry: false },
  ];
  for (const c of cases) {
    it(`${c.name}: the change is detected, never overwritten; meds ${c.code === 0 ? 'retries on the new content' : 'stops with a clear message'}`, () => {
      const dir = tempDir('meds-editor-');
      const file = path.join(dir, 'regimen.yaml');
      fs.writeFileSync(file, REGIMEN);
      const r = meds(['--file', file, '--now', NOW, 'take', 'med06', '--at', atOf(6)], { env: hook(file, c.appended) });
      expect(fs.existsSync(`${file}.hooked`)).toBe(true); // the hook really ran
      expect(r.code).toBe(c.code);
      const text = read(file);
      if (c.expectEntry) {
        expect(text).toBe(c.final); // the editor's save is kept byte for byte, and our entry is there once
        expect(meds(['--file', file, 'check']).code).toBe(0);
      } else {
        expect(text).toBe(REGIMEN + c.appended); // nothing of ours was written
        expect(r.stderr).toMatch(/^meds: error: .* is not a valid regimen file: /);
        expect(r.stderr).toMatch(/\n {2}at .*regimen\.yaml:\d+:\d+\n/);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  it('a file that keeps changing on every attempt: after 5 attempts meds stops (exit 75), and only the editor\'s saves are in the file', () => {
    const dir = tempDir('meds-editor-');
    const file = path.join(dir, 'regimen.yaml');
    fs.writeFileSync(file, REGIMEN);
    let attempts = 0;
    let err: unknown;
    try {
      mutate(file, (l) => {
        attempts++;
        fs.appendFileSync(file, `# editor save ${attempts}\n`); // the editor saves while meds computes
        return { text: appendLogEntry(l, { at: '2026-03-08T08:07+01:00', med: 'med07', status: 'taken' }), result: undefined };
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MedsError);
    expect((err as MedsError).exitCode).toBe(75);
    expect((err as MedsError).message).toContain('kept changing while meds was writing it; nothing was written');
    expect(attempts).toBe(5);
    expect(read(file)).toBe(REGIMEN + [1, 2, 3, 4, 5].map((n) => `# editor save ${n}\n`).join(''));
    expect(stray(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
