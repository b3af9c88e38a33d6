/**
 * Issue 15 items 6, 7 and 12 against the built binary: which file meds uses. An empty --file or
 * $MEDS_FILE is a usage error (never a fall-back to another file); `init --force` replaces only a
 * regular file; a relative $XDG_DATA_HOME is ignored; a path with bytes that are not UTF-8 gets a
 * clear error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, meds, read, tempDir } from '../helpers/cli.js';

const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const NOW = '2026-03-08T10:00';
const IS_ROOT = process.getuid?.() === 0;
const dirs: string[] = [];
const summary = { cases: 0 };
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[reliability] paths: ${JSON.stringify(summary)}`);
});
beforeAll(() => {
  if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'meds.cjs'))) throw new Error('run `npm run build` first');
});
const dir = () => {
  const d = tempDir('meds-paths-');
  dirs.push(d);
  return d;
};

describe('an empty path is a usage error, never a fall-back', () => {
  const cases: [string, string[], Record<string, string>, string][] = [
    ['--file "" with $MEDS_FILE set (was: wrote into $MEDS_FILE)', ['--file', ''], {}, 'meds: error: --file "" names no file\n'],
    ['--file= with $MEDS_FILE set', ['--file='], {}, 'meds: error: --file "" names no file\n'],
    ['an empty $MEDS_FILE (was: wrote into the default file)', [], { MEDS_FILE: '' }, 'meds: error: $MEDS_FILE is set but empty\n'],
  ];
  it.each(cases)('%s: exit 2, nothing written anywhere', (_, args, extra, message) => {
    const d = dir();
    const other = path.join(d, 'other.yaml');
    fs.writeFileSync(other, FIXTURE);
    const home = path.join(d, 'home');
    fs.mkdirSync(home);
    const r = meds([...args, '--now', NOW, 'take', 'apixaban'], { env: { MEDS_FILE: other, HOME: home, XDG_DATA_HOME: path.join(d, 'xdg'), ...extra } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr).toContain('hint: ');
    expect(read(other)).toBe(FIXTURE);
    expect(fs.readdirSync(d).sort()).toEqual(['home', 'other.yaml']);
    expect(fs.readdirSync(home)).toEqual([]);
    summary.cases++;
  });
});

describe('init --force replaces only a regular file', () => {
  const kinds: [string, (p: string) => void, string, boolean][] = [
    ['a FIFO', (p) => spawnSync('mkfifo', [p]), 'a FIFO', true],
    ['a folder', (p) => fs.mkdirSync(p), 'a folder', true],
    ['a device node (a copy of /dev/null, made with mknod)', (p) => spawnSync('mknod', [p, 'c', '1', '3']), 'a device', IS_ROOT],
    ['a symlink to a FIFO', (p) => (spawnSync('mkfifo', [`${p}.fifo`]), fs.symlinkSync(`${p}.fifo`, p)), 'a FIFO', true],
  ];
  for (const [name, make, kind, can] of kinds) {
    it.skipIf(!can)(`${name}: exit 73, left as it was${can ? '' : ' — SKIPPED: mknod needs root'}`, () => {
      const p = path.join(dir(), 'regimen.yaml');
      make(p);
      const before = fs.statSync(p);
      const r = meds(['--file', p, 'init', '--force', '--timezone', 'UTC']);
      expect(r.code).toBe(73);
      expect(r.stderr).toContain(`${p} is ${kind}, not a regular file; init --force replaces only a regular file, so nothing was written`);
      const after = fs.statSync(p);
      expect({ ino: after.ino, mode: after.mode, rdev: after.rdev }).toEqual({ ino: before.ino, mode: before.mode, rdev: before.rdev });
      summary.cases++;
    });
  }

  it('a regular file, and a symlink to one, are still replaced (the link kept)', () => {
    const d = dir();
    const target = path.join(d, 'real.yaml');
    fs.writeFileSync(target, FIXTURE);
    const link = path.join(d, 'regimen.yaml');
    fs.symlinkSync('real.yaml', link);
    expect(meds(['--file', link, 'init', '--force', '--timezone', 'UTC']).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(read(target)).not.toBe(FIXTURE);
    summary.cases++;
  });
});

describe('the default location', () => {
  it('a relative $XDG_DATA_HOME is ignored (XDG Base Directory spec): the file goes to ~/.local/share, not below the working folder', () => {
    const d = dir();
    const home = path.join(d, 'home');
    const cwd = path.join(d, 'cwd');
    fs.mkdirSync(home);
    fs.mkdirSync(cwd);
    const r = meds(['init', '--timezone', 'UTC'], { cwd, env: { HOME: home, XDG_DATA_HOME: 'relative/data' } });
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(home, '.local', 'share', 'meds', 'regimen.yaml'))).toBe(true);
    expect(fs.readdirSync(cwd)).toEqual([]);
    summary.cases++;
  });

  it('a path with bytes that are not UTF-8: exit 2 saying so (was: "no regimen file", exit 66)', () => {
    const d = dir();
    // A folder named "caf\xe9" (Latin-1), holding a valid regimen file.
    const folder = Buffer.concat([Buffer.from(`${d}/caf`), Buffer.from([0xe9])]);
    fs.mkdirSync(folder);
    fs.writeFileSync(Buffer.concat([folder, Buffer.from('/regimen.yaml')]), FIXTURE);
    const r = spawnSync('/bin/sh', ['-c', `MEDS_FILE="$(printf '%s/caf\\351/regimen.yaml' "$D")" exec "$NODE" "$BIN" --now ${NOW} today`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: d, D: d, NODE: process.execPath, BIN },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('meds: error: the path from $MEDS_FILE holds bytes that are not UTF-8');
    expect(r.stderr).toContain('hint: rename the file or folder to a UTF-8 name');
    summary.cases++;
  });
});
