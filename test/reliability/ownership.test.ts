/**
 * Issue 15 item 3: a write keeps the file's owner, group and mode, refuses (exit 73, nothing
 * written) where the system does not let it keep them, and refuses a file with other hard links
 * rather than split them. Runs the built binary; the owner cases need root (CI runs as root) to
 * create files of other users and to run meds as uid 65534.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, read, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';
const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const OTHER = 4242; // a uid and gid no one on a test machine uses

const uidProbe = (() => {
  if (!IS_ROOT) return 'not running as root';
  const r = spawnSync(process.execPath, [BIN, '--version'], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', cwd: '/' });
  return r.status === 0 ? undefined : `uid ${NOBODY} cannot run the build: ${r.error?.message ?? r.stderr.split('\n')[0]}`;
})();

const dirs: string[] = [];
const summary = { cases: 0 };
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[reliability] ownership: ${JSON.stringify(summary)}`);
});
beforeAll(() => {
  if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'meds.cjs'))) throw new Error('run `npm run build` first');
});

function fresh(): { dir: string; file: string } {
  const dir = tempDir('meds-owner-');
  dirs.push(dir);
  fs.chmodSync(dir, 0o777); // writable by uid 65534 too
  const file = path.join(dir, 'regimen.yaml');
  fs.writeFileSync(file, FIXTURE);
  return { dir, file };
}

function take(file: string, uid?: number) {
  const r = spawnSync(process.execPath, [BIN, '--file', file, '--now', NOW, 'take', 'apixaban'], {
    encoding: 'utf8',
    cwd: '/',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: '/tmp' },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const owner = (p: string) => {
  const st = fs.statSync(p);
  return { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
};
const others = (dir: string) => fs.readdirSync(dir).filter((n) => !n.startsWith('regimen.yaml'));

describe.skipIf(!IS_ROOT)(`owner, group and mode are kept${IS_ROOT ? '' : ' — SKIPPED: not running as root'}`, () => {
  it("root recording a dose in another user's 0600 file leaves it theirs (was: root:root, its owner locked out)", () => {
    const { file } = fresh();
    fs.chownSync(file, OTHER, OTHER);
    fs.chmodSync(file, 0o600);
    const r = take(file);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(read(file)).toContain('med: apixaban');
    expect(owner(file)).toEqual({ uid: OTHER, gid: OTHER, mode: 0o600 });
    summary.cases++;
  });

  it('a group-shared 0660 file keeps its group', () => {
    const { file } = fresh();
    fs.chownSync(file, 0, OTHER);
    fs.chmodSync(file, 0o660);
    expect(take(file).code).toBe(0);
    expect(owner(file)).toEqual({ uid: 0, gid: OTHER, mode: 0o660 });
    summary.cases++;
  });
});

describe.skipIf(uidProbe !== undefined)(`where the owner or group cannot be kept, nothing is written${uidProbe ? ` — SKIPPED: ${uidProbe}` : ''}`, () => {
  it("uid 65534 writing a 0666 file owned by another user: exit 73 naming the owner; the file and its owner unchanged; nothing left", () => {
    const { dir, file } = fresh();
    fs.chownSync(file, OTHER, OTHER);
    fs.chmodSync(file, 0o666);
    const r = take(file, NOBODY);
    expect(r.code).toBe(73);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`could not write ${file}: the new file could not keep its owner (uid ${OTHER}); the original file is unchanged`);
    expect(r.stderr).toContain('hint: ');
    expect(read(file)).toBe(FIXTURE);
    expect(owner(file)).toEqual({ uid: OTHER, gid: OTHER, mode: 0o666 });
    expect(others(dir)).toEqual([]);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    summary.cases++;
  });

  it('uid 65534 writing its own file whose group it is not a member of: exit 73 naming the group', () => {
    const { file } = fresh();
    fs.chownSync(file, NOBODY, OTHER);
    fs.chmodSync(file, 0o660);
    const r = take(file, NOBODY);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain(`could not keep its group (gid ${OTHER})`);
    expect(read(file)).toBe(FIXTURE);
    expect(owner(file)).toEqual({ uid: NOBODY, gid: OTHER, mode: 0o660 });
    summary.cases++;
  });
});

describe('hard links', () => {
  it('a file with a second hard link is refused (exit 73, both names unchanged): a rename would split them', () => {
    const { dir, file } = fresh();
    const link = path.join(dir, 'regimen.yaml.backup');
    fs.linkSync(file, link);
    const r = take(file);
    expect(r.code).toBe(73);
    expect(r.stderr).toContain(`could not write ${file}: it has 2 hard links, and replacing it would leave the other name with the old content; the original file is unchanged`);
    expect(r.stderr).toContain('hint: Keep one name for the file');
    expect(read(file)).toBe(FIXTURE);
    expect(fs.statSync(file).ino).toBe(fs.statSync(link).ino);
    expect(fs.statSync(file).nlink).toBe(2);
    expect(others(dir)).toEqual([]);
    // Once the other name is gone, writes work again.
    fs.unlinkSync(link);
    expect(take(file).code).toBe(0);
    summary.cases++;
  });
});
