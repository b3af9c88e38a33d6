/**
 * Issue 5, crashes: a `meds` killed with SIGKILL at each step of a write
 * (MEDS_FAULT, see src/store/atomic.ts) leaves the old file or the new one,
 * byte for byte, never a mix; what it leaves behind (its lock, its temporary
 * file) never trips a later run, and the next write cleans it up. Also: writers
 * killed from outside at random moments. Runs the built binary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, binFor, meds, read, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';
const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const STEPS = ['before-temp', 'after-temp-write', 'before-rename', 'after-rename'] as const;
type Step = (typeof STEPS)[number];

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...extra });

function run(file: string, args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [binFor(extra), '--file', file, '--now', NOW, ...args], { encoding: 'utf8', env: env(extra), timeout: 20_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, pid: r.pid };
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => n !== 'regimen.yaml').sort();
const kinds = (names: string[]) => names.map((n) => (n.endsWith('.lock') ? 'lock' : /^\.regimen\.yaml\.meds-\d+-[0-9a-f]+\.tmp$/.test(n) ? 'temp' : n));

/** A fresh directory holding `text` as regimen.yaml (or nothing, for init). */
function fresh(text: string | undefined): { dir: string; file: string } {
  const dir = tempDir('meds-crash-');
  const file = path.join(dir, 'regimen.yaml');
  if (text !== undefined) fs.writeFileSync(file, text, { mode: 0o600 });
  return { dir, file };
}
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[reliability] crash: ${JSON.stringify(summary)}`);
});
const summary = { faultCases: 0, leftOld: 0, leftNew: 0, mixed: 0, recoveries: 0, randomKills: 0, randomKillRounds: 0 };

const COMMANDS: { name: string; args: string[]; start?: string }[] = [
  { name: 'take', args: ['take', 'apixaban'] },
  { name: 'skip', args: ['skip', 'metformin', '--for', '18:00', '--reason', 'out of pills'] },
  { name: 'undo', args: ['undo'] },
  { name: 'add', args: ['add', 'vitd', '--times', '08:00', '--strength', '1000 IU'] },
  { name: 'edit', args: ['edit', 'apixaban', '--strength', '2.5 mg'] },
  { name: 'stop', args: ['stop', 'ibuprofen'] },
  { name: 'init', args: ['init', '--timezone', 'Europe/Paris', '--name', 'Sam'], start: undefined },
];

/** What a clean run of `args` makes of `text` (the "new" file), memoised. */
const cleanResults = new Map<string, string>();
function cleanResult(text: string | undefined, args: string[]): string {
  const key = JSON.stringify([text, args]);
  let out = cleanResults.get(key);
  if (out === undefined) {
    const f = fresh(text);
    dirs.push(f.dir);
    const r = run(f.file, args);
    expect(r.code, r.stderr).toBe(0);
    out = read(f.file);
    cleanResults.set(key, out);
  }
  return out;
}

// The write that proves a later run is not tripped: an as-needed take, or (for a file made by init) an add.
const recoveryArgs = (text: string) => (text.includes('id: ibuprofen') ? ['take', 'ibuprofen', '--at', '2026-03-08T09:59'] : ['add', 'later', '--times', '09:00']);

describe('SIGKILL at each step of a write leaves the old file or the new one, never a mix', () => {
  for (const c of COMMANDS) {
    const old = c.name === 'init' ? undefined : FIXTURE;
    for (const step of STEPS) {
      it(`${c.name}, killed ${step}: the file is the ${step === 'after-rename' ? 'new' : 'old'} one; the next run is not tripped and cleans up`, () => {
        const expectedNew = cleanResult(old, c.args);
        const { dir, file } = fresh(old);
        dirs.push(dir);

        const killed = run(file, c.args, { MEDS_FAULT: step });
        expect(killed.signal).toBe('SIGKILL');
        summary.faultCases++;

        // Old or new, byte for byte.
        const now = fs.existsSync(file) ? read(file) : undefined;
        if (now === old) summary.leftOld++;
        else if (now === expectedNew) summary.leftNew++;
        else summary.mixed++;
        expect(now).toBe(step === 'after-rename' ? expectedNew : old);
        if (now !== undefined) expect(fs.statSync(file).mode & 0o777).toBe(0o600);

        // What the crash left: always its lock; its temporary file when killed between writing and renaming it.
        const expectLeft = step === 'after-temp-write' || step === 'before-rename' ? ['lock', 'temp'] : ['lock'];
        expect(kinds(leftovers(dir)).sort()).toEqual(expectLeft);
        const lockOwner = JSON.parse(read(`${file}.lock`));
        expect(lockOwner.pid).toBe(killed.pid);
        for (const t of leftovers(dir).filter((n) => n.endsWith('.tmp'))) {
          expect(t).toContain(`-${killed.pid}-`);
          expect(read(path.join(dir, t))).toBe(expectedNew); // a whole new file, never renamed
        }

        // Readers are not tripped by the leftovers.
        if (now !== undefined) expect(meds(['--file', file, 'check'])).toEqual({ code: 0, stdout: '', stderr: '' });

        // The next write takes the dead process's lock over at once and removes its temporary file.
        let base = now;
        if (now === undefined) {
          // init was killed before its file existed: running it again must work.
          const again = run(file, c.args);
          expect(again.code, again.stderr).toBe(0);
          base = read(file);
          expect(base).toBe(expectedNew);
          expect(leftovers(dir)).toEqual([]); // the re-run removed the killed one's lock and temporary file
        }
        const t0 = Date.now();
        const next = run(file, recoveryArgs(base!), { MEDS_LOCK_TIMEOUT_MS: '5000' });
        expect(next.code, next.stderr).toBe(0);
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(read(file)).toBe(cleanResult(base, recoveryArgs(base!)));
        expect(leftovers(dir)).toEqual([]);
        expect(meds(['--file', file, 'check']).code).toBe(0);
        summary.recoveries++;
      });
    }
  }

  it('temporary files that are not a dead meds process\'s are left alone and do not disturb a write', () => {
    const { dir, file } = fresh(FIXTURE);
    dirs.push(dir);
    const foreign = ['.regimen.yaml.meds-1-abcdef.tmp' /* pid 1 is alive */, '.regimen.yaml.meds-junk.tmp', 'regimen.yaml.tmp', '.other.yaml.meds-999999-00.tmp'];
    for (const n of foreign) fs.writeFileSync(path.join(dir, n), 'junk: [');
    const r = run(file, ['take', 'apixaban']);
    expect(r.code, r.stderr).toBe(0);
    expect(read(file)).toBe(cleanResult(FIXTURE, ['take', 'apixaban']));
    expect(leftovers(dir)).toEqual([...foreign].sort());
  });
});

describe('writers killed from outside at random moments', () => {
  const ROUNDS = 6;
  const WRITERS = 12;
  it(`${ROUNDS} rounds of ${WRITERS} concurrent takes, half of them SIGKILLed at a random moment: the file is always valid, no survivor's entry is lost, no entry is doubled`, async () => {
    const ids = Array.from({ length: WRITERS }, (_, i) => `prn${i}`);
    const text = [
      '# random kills',
      'meds: 1',
      'patient: { timezone: UTC }',
      'medications:',
      ...ids.map((id) => `  - { id: ${id}, schedule: { asNeeded: true } }`),
      'log:',
      '',
    ].join('\n');
    for (let round = 0; round < ROUNDS; round++) {
      const { dir, file } = fresh(text);
      dirs.push(dir);
      const kids = ids.map((id, i) => {
        const child = spawn(process.execPath, [BIN, '--file', file, '--now', NOW, 'take', id, '--at', `2026-03-08T09:${String(10 + i)}`], { env: env({ MEDS_LOCK_TIMEOUT_MS: '60000' }), stdio: 'ignore' });
        const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
        if (i % 2 === 1) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 1500));
        return done;
      });
      const results = await Promise.all(kids);
      const after = read(file);
      expect(after.startsWith(text)).toBe(true);
      expect(meds(['--file', file, 'check']).code).toBe(0);
      results.forEach((r, i) => {
        const n = after.split(`med: ${ids[i]},`).length - 1;
        if (r.code === 0) expect(n, `survivor ${ids[i]}`).toBe(1);
        else {
          expect(r.signal).toBe('SIGKILL');
          expect(n).toBeLessThanOrEqual(1); // killed before or after its rename
          summary.randomKills++;
        }
      });
      // A later write is not tripped by whatever the killed ones left.
      const later = run(file, ['take', 'prn0', '--at', '2026-03-08T09:59'], { MEDS_LOCK_TIMEOUT_MS: '5000' });
      expect(later.code, later.stderr).toBe(0);
      expect(leftovers(dir)).toEqual([]);
      summary.randomKillRounds++;
    }
  }, 120_000);
});
