import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { acquireLock } from '../../src/store/lock.js';
import { EXIT, MedsError } from '../../src/errors.js';

let dir: string;
let file: string;
let lock: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meds-lock-'));
  file = path.join(dir, 'regimen.yaml');
  lock = `${file}.lock`;
  fs.writeFileSync(file, '');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function writeOwner(pid: number, host = os.hostname()): string {
  const text = JSON.stringify({ pid, host, createdAt: '2024-01-02T03:04:05.000Z' });
  fs.writeFileSync(lock, text);
  return text;
}

/** /proc/<pid>/stat field 22 (the start time in clock ticks since boot), as the lock records it. */
function startOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}
const BOOT = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();

function ageBy(p: string, ms: number): void {
  const t = (Date.now() - ms) / 1000;
  fs.utimesSync(p, t, t);
}

function lockedError(f: () => void): MedsError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MedsError);
    return err as MedsError;
  }
  throw new Error('expected the lock to be refused');
}

describe('acquireLock in one process', () => {
  it('creates <file>.lock naming our pid, host and start time; release removes it, twice is harmless', () => {
    const release = acquireLock(file);
    const owner = JSON.parse(fs.readFileSync(lock, 'utf8'));
    expect(owner).toEqual({ pid: process.pid, host: os.hostname(), createdAt: expect.any(String), start: startOf(process.pid), boot: BOOT });
    expect(Date.parse(owner.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    release();
    expect(fs.existsSync(lock)).toBe(false);
    expect(() => release()).not.toThrow();
  });

  it('works before the regimen file exists', () => {
    fs.rmSync(file);
    const release = acquireLock(file);
    expect(fs.existsSync(lock)).toBe(true);
    release();
  });

  it('locks the target of a symlink, not the link', () => {
    const link = path.join(dir, 'link.yaml');
    fs.symlinkSync('regimen.yaml', link);
    const release = acquireLock(link);
    expect(fs.existsSync(lock)).toBe(true);
    expect(fs.existsSync(`${link}.lock`)).toBe(false);
    release();
  });

  it('a second acquire times out with exit 75 within the bounded time, naming the holder', () => {
    const release = acquireLock(file);
    const start = Date.now();
    const err = lockedError(() => acquireLock(file, { timeoutMs: 200 }));
    const elapsed = Date.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(1500);
    expect(err.code).toBe('locked');
    expect(err.exitCode).toBe(EXIT.locked);
    expect(err.message).toMatch(new RegExp(`^another meds \\(pid ${process.pid}, since \\d{4}-.+\\) is using ${file}$`));
    expect(err.hint).toBe(`Try again in a moment; if no meds is running, remove ${lock}`);
    release();
    acquireLock(file, { timeoutMs: 0 })(); // free again
  });

  it('takes its default timeout from MEDS_LOCK_TIMEOUT_MS', () => {
    const release = acquireLock(file);
    const saved = process.env.MEDS_LOCK_TIMEOUT_MS;
    process.env.MEDS_LOCK_TIMEOUT_MS = '100';
    try {
      const start = Date.now();
      expect(lockedError(() => acquireLock(file)).exitCode).toBe(EXIT.locked);
      expect(Date.now() - start).toBeLessThan(1500);
    } finally {
      if (saved === undefined) delete process.env.MEDS_LOCK_TIMEOUT_MS;
      else process.env.MEDS_LOCK_TIMEOUT_MS = saved;
      release();
    }
  });

  it('takes over the lock of a dead pid on this host', () => {
    writeOwner(deadPid());
    const release = acquireLock(file, { timeoutMs: 2000 });
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('does not take over the lock of a live pid', () => {
    const text = writeOwner(process.ppid);
    const err = lockedError(() => acquireLock(file, { timeoutMs: 100 }));
    expect(err.message).toContain(`pid ${process.ppid}, since 2024-01-02T03:04:05.000Z`);
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
  });

  it('never takes over a lock from another host, even if that pid is dead here', () => {
    const text = writeOwner(deadPid(), `not-${os.hostname()}`);
    const err = lockedError(() => acquireLock(file, { timeoutMs: 100 }));
    expect(err.message).toContain(` on not-${os.hostname()}`);
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
  });

  it('waits on a fresh empty lock (its owner may be writing it) but takes over one older than 10 s', () => {
    fs.writeFileSync(lock, '');
    expect(lockedError(() => acquireLock(file, { timeoutMs: 100 })).message).toBe(`another meds is using ${file}`);
    ageBy(lock, 11_000);
    acquireLock(file, { timeoutMs: 2000 })();
  });

  it('breaks a stale lock only through the break lock; a break lock older than 10 s is itself stale', () => {
    writeOwner(deadPid());
    fs.writeFileSync(`${lock}.break`, '');
    lockedError(() => acquireLock(file, { timeoutMs: 100 })); // someone else is breaking it
    ageBy(`${lock}.break`, 11_000);
    const release = acquireLock(file, { timeoutMs: 2000 });
    expect(fs.existsSync(`${lock}.break`)).toBe(false);
    release();
  });

  it('release leaves alone a lock that no longer names us', () => {
    const release = acquireLock(file);
    const text = writeOwner(process.ppid);
    release();
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
  });

  it('registers an exit handler while held and removes it on release', () => {
    const before = process.listenerCount('exit');
    const release = acquireLock(file);
    expect(process.listenerCount('exit')).toBe(before + 1);
    release();
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('what is found at the lock path is read safely (issue 15 item 10)', () => {
  const odd: [string, () => void, string][] = [
    ['a FIFO (was: hung forever, past the timeout)', () => spawnSync('mkfifo', [lock]), 'a FIFO'],
    ['a symbolic link to /dev/zero (was: read until memory ran out)', () => fs.symlinkSync('/dev/zero', lock), 'a symbolic link'],
    ['a symbolic link to a regular file', () => (fs.writeFileSync(path.join(dir, 'other'), 'x'), fs.symlinkSync('other', lock)), 'a symbolic link'],
    ['a folder', () => fs.mkdirSync(lock), 'a folder'],
  ];
  it.each(odd)('%s: refused at once (exit 73, "not a lock file meds made"), and left alone', (_, make, kind) => {
    make();
    const start = Date.now();
    const err = lockedError(() => acquireLock(file, { timeoutMs: 5000 }));
    expect(Date.now() - start).toBeLessThan(1000);
    expect(err.exitCode).toBe(EXIT.cantWrite);
    expect(err.message).toBe(`${lock} is ${kind}, not a lock file meds made; nothing was written`);
    expect(err.hint).toBe(`Remove ${lock} (no meds makes it), then try again.`);
    expect(fs.lstatSync(lock)).toBeTruthy();
  });

  it('a large regular file there reads as garbled: waited on while fresh, taken over once old', () => {
    fs.writeFileSync(lock, 'x'.repeat(4 << 20));
    expect(lockedError(() => acquireLock(file, { timeoutMs: 100 })).message).toBe(`another meds is using ${file}`);
    ageBy(lock, 11_000);
    acquireLock(file, { timeoutMs: 2000 })();
  });
});

describe('lock ownership survives pid reuse; leftovers are cleaned (issue 15 item 11)', () => {
  const forged = (pid: number, extra: object) => {
    const text = JSON.stringify({ pid, host: os.hostname(), createdAt: '2024-01-02T03:04:05.000Z', ...extra });
    fs.writeFileSync(lock, text);
    return text;
  };

  it('a lock naming a live pid with another start time (the pid was reused) is taken over (was: blocked every write)', () => {
    forged(process.ppid, { start: String(Number(startOf(process.ppid)) + 1), boot: BOOT });
    const release = acquireLock(file, { timeoutMs: 2000 });
    expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('a lock written before a reboot (another boot id) is taken over, even if its pid is alive now', () => {
    forged(process.ppid, { start: startOf(process.ppid), boot: '00000000-0000-0000-0000-000000000000' });
    acquireLock(file, { timeoutMs: 2000 })();
  });

  it('a lock naming a live pid with its start time and this boot is never taken over', () => {
    const text = forged(process.ppid, { start: startOf(process.ppid), boot: BOOT });
    expect(lockedError(() => acquireLock(file, { timeoutMs: 150 })).exitCode).toBe(EXIT.locked);
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
  });

  it('a .lock.break left by a process killed while breaking (its pid dead) is removed by the next acquire (was: stayed for good)', () => {
    fs.writeFileSync(`${lock}.break`, JSON.stringify({ pid: deadPid(), host: os.hostname(), createdAt: '2024-01-02T03:04:05.000Z' }));
    const release = acquireLock(file, { timeoutMs: 2000 });
    expect(fs.existsSync(`${lock}.break`)).toBe(false);
    release();
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
  });

  it('a .lock.break of a live process is left alone', () => {
    const text = JSON.stringify({ pid: process.ppid, host: os.hostname(), createdAt: '2024-01-02T03:04:05.000Z', start: startOf(process.ppid), boot: BOOT });
    fs.writeFileSync(`${lock}.break`, text);
    acquireLock(file, { timeoutMs: 2000 })();
    expect(fs.readFileSync(`${lock}.break`, 'utf8')).toBe(text);
  });

  it("a waiter's ticket left by a killed process does not hold up the queue, and is removed", () => {
    const ticket = `${lock}.q-00000000000000000001-${deadPid()}`;
    fs.writeFileSync(ticket, JSON.stringify({ pid: Number(ticket.split('-').pop()), host: os.hostname(), createdAt: '2024-01-02T03:04:05.000Z' }));
    const start = Date.now();
    acquireLock(file, { timeoutMs: 3000 })();
    expect(Date.now() - start).toBeLessThan(1000);
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
  });

  it("a live waiter's ticket ahead is respected: the lock is not taken while it waits", () => {
    fs.writeFileSync(`${lock}.q-00000000000000000001-${process.ppid}`, JSON.stringify({ pid: process.ppid, host: os.hostname(), createdAt: '2024-01-02T03:04:05.000Z' }));
    expect(lockedError(() => acquireLock(file, { timeoutMs: 150 })).exitCode).toBe(EXIT.locked);
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.includes('.q-'))).toHaveLength(1); // ours is gone, theirs kept
  });
});

describe('acquireLock across processes', () => {
  // Children run our real lock code, bundled from src by esbuild.
  let bin: string;
  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'meds-lock-bin-'));
    buildSync({
      entryPoints: [fileURLToPath(new URL('../../src/store/lock.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: path.join(bin, 'lock.mjs'),
      logLevel: 'error',
    });
    // argv: file, id, iterations. Each iteration appends one line by read-modify-write under the lock.
    fs.writeFileSync(
      path.join(bin, 'append.mjs'),
      `import * as fs from 'node:fs';
import { acquireLock } from './lock.mjs';
const [file, id, n] = process.argv.slice(2);
for (let i = 0; i < Number(n); i++) {
  const release = acquireLock(file, { timeoutMs: 30000 });
  const text = fs.readFileSync(file, 'utf8');
  const until = Date.now() + 1;
  while (Date.now() < until); // widen the window in which an unlocked writer would lose a line
  fs.writeFileSync(file, text + id + '-' + i + '\\n');
  release();
}
`,
    );
    // argv: file, how. Takes the lock and ends without releasing it.
    fs.writeFileSync(
      path.join(bin, 'hold.mjs'),
      `import { acquireLock } from './lock.mjs';
acquireLock(process.argv[2]);
if (process.argv[3] === 'kill') process.kill(process.pid, 'SIGKILL');
`,
    );
  });
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

  function run(script: string, args: string[]): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(bin, script), ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
  }

  it('a process that ends without releasing still removes its lock (exit handler)', async () => {
    expect(await run('hold.mjs', [file, 'exit'])).toBe(0);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('a lock left by a process killed with SIGKILL is taken over', async () => {
    await run('hold.mjs', [file, 'kill']);
    expect(fs.existsSync(lock)).toBe(true);
    acquireLock(file, { timeoutMs: 2000 })();
  });

  it.each([
    ['no lock', false],
    ['a stale lock of a dead pid', true],
  ])('8 processes × 20 read-modify-write appends lose no line, starting from %s', async (_, stale) => {
    if (stale) writeOwner(deadPid());
    const codes = await Promise.all(Array.from({ length: 8 }, (_, id) => run('append.mjs', [file, String(id), '20'])));
    expect(codes).toEqual(Array(8).fill(0));
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(160);
    expect(new Set(lines).size).toBe(160);
    for (let id = 0; id < 8; id++) {
      // each child appended its own lines in order
      const own = lines.filter((l) => l.startsWith(`${id}-`));
      expect(own).toEqual(Array.from({ length: 20 }, (_, i) => `${id}-${i}`));
    }
    expect(fs.existsSync(lock)).toBe(false);
    expect(fs.existsSync(`${lock}.break`)).toBe(false);
  }, 60_000);
});
