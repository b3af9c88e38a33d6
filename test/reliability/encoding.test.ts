/**
 * Issue 15 item 4 against the built binary: a file that is not valid UTF-8 is refused with the
 * position of its first bad byte (exit 65), by `check` and by every write, and never rewritten:
 * decoding it would replace each bad byte with U+FFFD, and writing that back would change bytes
 * meds never edited (comments included).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, meds, read, tempDir } from '../helpers/cli.js';

const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const NOW = '2026-03-08T10:00';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
beforeAll(() => {
  if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'meds.cjs'))) throw new Error('run `npm run build` first');
});

function withBytes(b: Buffer): string {
  const d = tempDir('meds-enc-');
  dirs.push(d);
  const f = path.join(d, 'regimen.yaml');
  fs.writeFileSync(f, b);
  return f;
}

const lines = FIXTURE.split('\n').length; // the appended comment's line
const LATIN1 = Buffer.concat([Buffer.from(FIXTURE), Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' (saved as Latin-1)\n')]);

describe('a file with bytes that are not UTF-8', () => {
  it.each([
    ['check (was: exit 0, "clean")', ['check']],
    ['today', ['today']],
    ['take (was: rewrote the byte as U+FFFD)', ['take', 'apixaban']],
    ['skip', ['skip', 'metformin', '--for', '08:00', '--reason', 'x']],
    ['edit', ['edit', 'apixaban', '--strength', '2.5 mg']],
  ])('%s: exit 65 naming line and column; the file byte for byte as it was', (_, args) => {
    const f = withBytes(LATIN1);
    const r = meds(['--file', f, '--now', NOW, ...args]);
    expect(r.code).toBe(65);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`is not a valid regimen file: the file is not valid UTF-8 (byte 0xe9 at line ${lines}, column 6)`);
    expect(r.stderr).toContain(`at ${f}:${lines}:6`);
    expect(fs.readFileSync(f).equals(LATIN1)).toBe(true);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['regimen.yaml']);
  });

  it('valid UTF-8 beyond ASCII is untouched by a write except for the new line', () => {
    const text = FIXTURE.replace('name: Alex Rivera', 'name: Álex Rivera – 💊') + '# ü\n';
    const f = withBytes(Buffer.from(text));
    expect(meds(['--file', f, '--now', NOW, 'take', 'apixaban']).code).toBe(0);
    const after = read(f);
    expect(after.startsWith(text.slice(0, text.indexOf('# ü')))).toBe(true);
    expect(after.endsWith('# ü\n')).toBe(true);
    expect(meds(['--file', f, 'check']).code).toBe(0);
  });
});
