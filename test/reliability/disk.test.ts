/**
 * Issue 5, the disk: a full disk (ENOSPC), a read-only file system, a
 * read-only folder or file (for a user root's permissions do not bypass), a
 * regimen file that is a symlink, and a file on another file system than the
 * temporary folder. Each gives a clear error with the original intact, or
 * succeeds correctly. Runs the built binary.
 *
 * Needs: root and a working `mount` (tmpfs, remount read-only) for the ENOSPC
 * and read-only-mount cases; root (to run as uid 65534) for the permission
 * cases. Where a capability is missing the test is skipped and its name says why.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, read, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';
const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], opts: { uid?: number; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, '--now', NOW, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/tmp', NO_COLOR: '1', ...opts.env },
    cwd: '/',
    timeout: 20_000,
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A clear error: one "meds: error:" line, a hint, no stack trace, nothing on stdout. */
function expectClearError(r: Run, code: number, message: RegExp): void {
  expect(r.signal).toBe(null);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^meds: error: /);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/\n {2}hint: /);
  expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
}

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const f of cleanup.reverse()) {
    try {
      f();
    } catch {
      // best effort
    }
  }
});

function sh(cmd: string, args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

/** Mount a tmpfs of `size` on a new folder; unmounted after the file's tests. */
function tmpfs(size: string): string {
  const dir = tempDir('meds-mnt-');
  const m = sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  if (!m.ok) throw new Error(`mount failed: ${m.err}`);
  cleanup.push(() => {
    sh('umount', ['-l', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

// Capability probes, once.
const mountProbe = (() => {
  if (!IS_ROOT) return 'not running as root';
  const dir = tempDir('meds-probe-');
  try {
    const m = sh('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    if (!m.ok) return `mount -t tmpfs failed: ${m.err}`;
    const ro = sh('mount', ['-o', 'remount,ro', dir]);
    sh('umount', [dir]);
    if (!ro.ok) return `mount -o remount,ro failed: ${ro.err}`;
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})();
const CAN_MOUNT = mountProbe === undefined;
const uidProbe = (() => {
  if (!IS_ROOT) return 'not running as root (cannot switch to another uid)';
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(BIN.replace(/bin\/meds\.js$/, 'dist/meds.cjs'))} + '')`], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', cwd: '/' });
  // Loading the bundle with no arguments runs `meds today`: any exit but a crash of the loader proves uid 65534 can run it.
  return r.error ? `cannot run node as uid ${NOBODY}: ${r.error.message}` : /Cannot find module|EACCES/.test(r.stderr) ? `uid ${NOBODY} cannot read the build: ${r.stderr.split('\n')[0]}` : undefined;
})();
const CAN_SETUID = uidProbe === undefined;

const summary: Record<string, string> = {};
afterAll(() => console.log(`[reliability] disk: ${JSON.stringify(summary)}`));

/** Fill the file system holding `dir` completely, then free `leave` bytes. */
function fill(dir: string, leave: number): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 0x61);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  if (leave > 0) fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - leave));
  return filler;
}

/** A regimen file larger than a few pages: the fixture with 400 more log lines. */
const BIG = FIXTURE + Array.from({ length: 400 }, (_, i) => `  - { at: 2026-02-${String(1 + (i % 28)).padStart(2, '0')}T12:00-05:00, med: ibuprofen, status: taken }\n`).join('');

describe.skipIf(!CAN_MOUNT)(`a full disk (tmpfs)${CAN_MOUNT ? '' : ` — SKIPPED: ${mountProbe}`}`, () => {
  it('no room even for the lock: exit 73 with a clear message; the original intact, nothing left behind', () => {
    const mnt = tmpfs('256k');
    const file = path.join(mnt, 'regimen.yaml');
    fs.writeFileSync(file, BIG);
    fill(mnt, 0);
    const r = run(['--file', file, 'take', 'apixaban']);
    expectClearError(r, 73, /ENOSPC|disk is full/);
    expect(read(file)).toBe(BIG);
    expect(fs.readdirSync(mnt).sort()).toEqual(['filler', 'regimen.yaml']);
    summary.enospcNoLock = `exit ${r.code}`;
  });

  it('room for the lock but not the new file: exit 73 "the disk is full; the original file is unchanged"; nothing left behind; a write succeeds once there is room', () => {
    const mnt = tmpfs('256k');
    const file = path.join(mnt, 'regimen.yaml');
    fs.writeFileSync(file, BIG);
    const filler = fill(mnt, 8192);
    const r = run(['--file', file, 'take', 'apixaban']);
    expectClearError(r, 73, /could not write .*regimen\.yaml: the disk is full; the original file is unchanged/);
    expect(r.stderr).toContain('hint: Free some disk space and try again.');
    expect(read(file)).toBe(BIG);
    expect(fs.readdirSync(mnt).sort()).toEqual(['filler', 'regimen.yaml']);
    fs.rmSync(filler);
    const again = run(['--file', file, 'take', 'apixaban']);
    expect(again.code, again.stderr).toBe(0);
    expect(read(file).startsWith(BIG)).toBe(true);
    expect(read(file).split('\n')).toHaveLength(BIG.split('\n').length + 1);
    summary.enospcNoRoomForFile = `exit ${r.code}, then 0 after freeing space`;
  });

  it('init on a full disk: exit 73, no file and no temporary file created', () => {
    const mnt = tmpfs('64k');
    fill(mnt, 0);
    const file = path.join(mnt, 'new.yaml');
    const r = run(['--file', file, 'init', '--timezone', 'UTC']);
    expectClearError(r, 73, /ENOSPC|disk is full/);
    expect(fs.readdirSync(mnt)).toEqual(['filler']);
  });
});

describe.skipIf(!CAN_MOUNT)(`a read-only file system${CAN_MOUNT ? '' : ` — SKIPPED: ${mountProbe}`}`, () => {
  it('writes fail with exit 73 naming the read-only file system; reads still work; the original intact', () => {
    const mnt = tmpfs('256k');
    const file = path.join(mnt, 'regimen.yaml');
    fs.writeFileSync(file, FIXTURE);
    expect(sh('mount', ['-o', 'remount,ro', mnt]).ok).toBe(true);
    for (const args of [['take', 'apixaban'], ['skip', 'metformin', '--for', '18:00'], ['undo'], ['add', 'x', '--times', '08:00'], ['stop', 'ibuprofen']]) {
      const r = run(['--file', file, ...args]);
      expectClearError(r, 73, /read-only file system/i);
    }
    for (const args of [['check'], ['today'], ['list'], ['history']]) expect(run(['--file', file, ...args]).code).toBe(0);
    expect(read(file)).toBe(FIXTURE);
    expect(fs.readdirSync(mnt)).toEqual(['regimen.yaml']);
    summary.readOnlyMount = 'exit 73 for 5 write commands, 0 for 4 read commands';
  });
});

describe.skipIf(!CAN_SETUID)(`read-only folder and file for a user root's rights do not bypass (uid ${NOBODY})${CAN_SETUID ? '' : ` — SKIPPED: ${uidProbe}`}`, () => {
  function userDir(): string {
    const parent = tempDir('meds-user-');
    fs.chmodSync(parent, 0o755);
    const dir = path.join(parent, 'data');
    fs.mkdirSync(dir);
    fs.chownSync(dir, NOBODY, NOBODY);
    cleanup.push(() => fs.rmSync(parent, { recursive: true, force: true }));
    return dir;
  }

  it('a read-only folder: exit 73 "permission denied"; the original intact, nothing left behind', () => {
    const dir = userDir();
    const file = path.join(dir, 'regimen.yaml');
    fs.writeFileSync(file, FIXTURE, { mode: 0o644 });
    fs.chownSync(file, NOBODY, NOBODY);
    fs.chmodSync(dir, 0o555);
    const r = run(['--file', file, 'take', 'apixaban'], { uid: NOBODY });
    expectClearError(r, 73, /permission denied/i);
    expect(read(file)).toBe(FIXTURE);
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
    expect(run(['--file', file, 'check'], { uid: NOBODY }).code).toBe(0);
  });

  it('a read-only file (0444) in a writable folder: meds replaces it by rename (as editors and sed -i do) and keeps its mode; the content is the complete new file', () => {
    const dir = userDir();
    const file = path.join(dir, 'regimen.yaml');
    fs.writeFileSync(file, FIXTURE);
    fs.chownSync(file, NOBODY, NOBODY);
    fs.chmodSync(file, 0o444);
    const r = run(['--file', file, 'take', 'apixaban'], { uid: NOBODY });
    // Documented behaviour (docs/reliability.md): the file's mode is not a lock; the folder's is.
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(read(file).startsWith(FIXTURE)).toBe(true);
    expect(read(file).slice(FIXTURE.length)).toMatch(/^ {2}- \{ at: 2026-03-08T10:00-04:00, med: apixaban, for: 2026-03-08T09:00, status: taken, dose: 1 \}\n$/);
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
  });

  it('an unreadable file: exit 74 with a clear message, nothing written', () => {
    const dir = userDir();
    const file = path.join(dir, 'regimen.yaml');
    fs.writeFileSync(file, FIXTURE, { mode: 0o000 });
    const r = run(['--file', file, 'take', 'apixaban'], { uid: NOBODY });
    expectClearError(r, 74, /cannot read .*regimen\.yaml: EACCES/);
    expect(read(file)).toBe(FIXTURE);
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
  });
});

describe('a regimen file that is a symlink: writes go through to the target, the link is kept', () => {
  function layout() {
    const base = tempDir('meds-link-');
    cleanup.push(() => fs.rmSync(base, { recursive: true, force: true }));
    const real = path.join(base, 'real');
    const links = path.join(base, 'links');
    fs.mkdirSync(real);
    fs.mkdirSync(links);
    const target = path.join(real, 'regimen.yaml');
    return { base, real, links, target };
  }
  const cases: { name: string; make: (l: ReturnType<typeof layout>) => string }[] = [
    { name: 'absolute link', make: (l) => (fs.symlinkSync(l.target, path.join(l.links, 'r.yaml')), path.join(l.links, 'r.yaml')) },
    { name: 'relative link', make: (l) => (fs.symlinkSync('../real/regimen.yaml', path.join(l.links, 'r.yaml')), path.join(l.links, 'r.yaml')) },
    {
      name: 'chain of two links',
      make: (l) => {
        fs.symlinkSync(l.target, path.join(l.links, 'hop.yaml'));
        fs.symlinkSync('hop.yaml', path.join(l.links, 'r.yaml'));
        return path.join(l.links, 'r.yaml');
      },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: take, then undo, edit the target; every link stays a link`, () => {
      const l = layout();
      fs.writeFileSync(l.target, FIXTURE, { mode: 0o640 });
      const link = c.make(l);
      const linksBefore = fs.readdirSync(l.links).map((n) => [n, fs.readlinkSync(path.join(l.links, n))]);
      const r = run(['--file', link, 'take', 'apixaban']);
      expect(r.code, r.stderr).toBe(0);
      expect(read(l.target).startsWith(FIXTURE)).toBe(true);
      expect(read(l.target).length).toBeGreaterThan(FIXTURE.length);
      expect(fs.readdirSync(l.links).map((n) => [n, fs.readlinkSync(path.join(l.links, n))])).toEqual(linksBefore);
      expect(fs.statSync(l.target).mode & 0o777).toBe(0o640);
      expect(run(['--file', link, 'undo']).code).toBe(0);
      expect(read(l.target)).toBe(FIXTURE);
      expect(fs.readdirSync(l.real)).toEqual(['regimen.yaml']); // no lock or temp left beside the target
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    });
  }

  it('a dangling link: init creates the target (owner-only) and keeps the link', () => {
    const l = layout();
    const link = path.join(l.links, 'r.yaml');
    fs.symlinkSync('../real/regimen.yaml', link);
    const r = run(['--file', link, 'init', '--timezone', 'UTC']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(l.target).mode & 0o777).toBe(0o600);
    expect(run(['--file', link, 'check']).code).toBe(0);
    expect(fs.readdirSync(l.real)).toEqual(['regimen.yaml']);
  });

  it('a symlink loop: a clear error, no stack trace, nothing created', () => {
    const l = layout();
    const a = path.join(l.links, 'a.yaml');
    fs.symlinkSync('b.yaml', a);
    fs.symlinkSync('a.yaml', path.join(l.links, 'b.yaml'));
    for (const args of [['take', 'apixaban'], ['check']]) {
      const r = run(['--file', a, ...args]);
      expect(r.code === 73 || r.code === 74, `${args[0]}: ${r.code} ${r.stderr}`).toBe(true);
      expect(r.stderr).toMatch(/^meds: error: .*(symbolic links|ELOOP)/);
      expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
    }
    expect(fs.readdirSync(l.links).sort()).toEqual(['a.yaml', 'b.yaml']);
  });
});

describe('a file on another file system than the temporary folder', () => {
  // A tmpfs we mount, else /dev/shm (a tmpfs on most Linux machines).
  const other = CAN_MOUNT ? undefined : fs.existsSync('/dev/shm') ? '/dev/shm' : undefined;
  const possible = CAN_MOUNT || other !== undefined;
  it.skipIf(!possible)(`writes land on the file's own file system (temporary file beside it, never in $TMPDIR), also through a link from another file system${possible ? '' : ' — SKIPPED: no second file system'}`, () => {
    const mnt = other ? fs.mkdtempSync(path.join(other, 'meds-')) : tmpfs('1m');
    if (other) cleanup.push(() => fs.rmSync(mnt, { recursive: true, force: true }));
    const tmp = tempDir('meds-tmpdir-');
    cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    expect(fs.statSync(mnt).dev).not.toBe(fs.statSync(tmp).dev); // really two file systems
    const file = path.join(mnt, 'regimen.yaml');
    fs.writeFileSync(file, FIXTURE);
    const r = run(['--file', file, 'take', 'apixaban'], { env: { TMPDIR: tmp } });
    expect(r.code, r.stderr).toBe(0);
    expect(read(file).startsWith(FIXTURE)).toBe(true);
    // Through a link that lives on the temp folder's file system.
    const link = path.join(tmp, 'link.yaml');
    fs.symlinkSync(file, link);
    const r2 = run(['--file', link, 'undo'], { env: { TMPDIR: tmp } });
    expect(r2.code, r2.stderr).toBe(0);
    expect(read(file)).toBe(FIXTURE);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(mnt)).toEqual(['regimen.yaml']);
    expect(fs.readdirSync(tmp)).toEqual(['link.yaml']);
    summary.otherFs = CAN_MOUNT ? 'tmpfs mount vs ext4 temp folder' : `${other} vs ${os.tmpdir()}`;
  });
});

describe('a regimen path that is not a regular file', () => {
  // Before the fix in src/store/load.ts (readSnapshot), `--file /dev/zero` read forever (6.8 GB in 20 s) and a FIFO blocked.
  it('a device (/dev/zero) or a FIFO: exit 74 at once, "is not a regular file", no hang, no memory blow-up', () => {
    const dir = tempDir('meds-special-');
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const fifo = path.join(dir, 'fifo.yaml');
    const made = spawnSync('mkfifo', [fifo]).status === 0;
    const targets = fs.existsSync('/dev/zero') ? ['/dev/zero'] : [];
    if (made) targets.push(fifo);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      for (const args of [['check'], ['today']]) {
        const t0 = Date.now();
        const r = spawnSync(process.execPath, ['--max-old-space-size=128', BIN, '--file', t, '--now', NOW, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, timeout: 10_000 });
        expect(r.signal, `${t} ${args[0]}`).toBe(null);
        expect(r.status).toBe(74);
        expect(r.stderr).toContain(`meds: error: ${t} is not a regular file`);
        expect(Date.now() - t0).toBeLessThan(10_000);
      }
    }
    summary.specialFiles = targets.join(', ');
  });
});
