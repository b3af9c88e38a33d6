/**
 * Bounded memory for every file meds accepts (docs/reliability.md, "Memory and time"): CRLF line
 * ends or a byte-order mark use the fast path, and edits keep them; a file in a shape only the
 * general YAML parser reads is refused above its cap instead of exhausting memory.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, copyFixture, meds, read, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';

/** Ten years of a twice-daily log (about 7,300 lines, 600 KB) under the example's head. */
function bigLog(lines = 7300): string {
  const head = readFileSync(copyFixture(), 'utf8').split('\nlog:')[0]!;
  const out: string[] = [];
  const t0 = Date.UTC(2016, 2, 8, 12, 0);
  for (let k = 0; k < lines; k++) {
    const t = new Date(t0 + k * 12 * 3600_000).toISOString().slice(0, 16);
    out.push(`  - { at: ${t}Z, med: metformin, for: ${t}, status: taken }`);
  }
  return `${head}\nlog:\n${out.join('\n')}\n`;
}

/** meds with a small heap: the general parser would need several times more for these files. */
function tight(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=48', BIN, '--file', file, '--now', '2026-03-08T10:00', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CRLF line ends and a byte-order mark', () => {
  it('a CRLF file is read in bounded memory, with the answers of its LF copy', () => {
    const dir = tempDir();
    const text = bigLog(40_000); // about 3.5 MB
    const lf = join(dir, 'lf.yaml'), crlf = join(dir, 'crlf.yaml');
    writeFileSync(lf, text);
    writeFileSync(crlf, text.replace(/\n/g, '\r\n'));
    for (const cmd of [['today', '--json'], ['adherence', '--days', '90', '--json'], ['missed', '--json']]) {
      const a = tight(lf, ...cmd), b = tight(crlf, ...cmd);
      expect(b.code, b.stderr.slice(0, 500)).toBe(a.code);
      expect(b.stdout).toBe(a.stdout);
    }
  });

  it('take, undo, add and edit keep every line end CRLF, and the byte-order mark', () => {
    const f = copyFixture();
    const lfRef = copyFixture();
    writeFileSync(f, `\ufeff${read(f).replace(/\n/g, '\r\n')}`);
    const steps = [['take', 'metformin'], ['add', 'vitd', '--times', '09:00'], ['edit', 'vitd', '--dose', '2'], ['undo'], ['take', 'apixaban']];
    for (const s of steps) {
      const a = meds(['--file', f, '--now', NOW, ...s]);
      const b = meds(['--file', lfRef, '--now', NOW, ...s]);
      expect(a.code, a.stderr).toBe(b.code);
      expect(a.stdout.split(f).join('F')).toBe(b.stdout.split(lfRef).join('F'));
      const got = read(f);
      expect(got.startsWith('\ufeff')).toBe(true);
      expect(/(?<!\r)\n/.test(got), `a bare LF after ${s.join(' ')}`).toBe(false);
      expect(got.slice(1).replace(/\r\n/g, '\n')).toBe(read(lfRef));
    }
  });
});

describe('an entry in block style', () => {
  it('is read alone: a long log with one such entry is read in bounded memory, with the answers of the log without it', () => {
    const dir = tempDir();
    const text = bigLog(40_000);
    const odd = '  - at: 2026-03-08T07:04-04:00\n    med: metformin\n    for: 2026-03-08T07:00\n    status: taken\n';
    const flat = join(dir, 'flat.yaml'), block = join(dir, 'block.yaml');
    writeFileSync(flat, text.replace('\nlog:\n', '\nlog:\n  - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }\n'));
    writeFileSync(block, text.replace('\nlog:\n', `\nlog:\n${odd}`));
    for (const cmd of [['today', '--json'], ['history', '--days', '3', '--json']]) {
      const a = tight(flat, ...cmd), b = tight(block, ...cmd);
      expect(b.code, b.stderr.slice(0, 500)).toBe(a.code);
      expect(b.stdout).toBe(a.stdout);
    }
  });
});

describe('a file only the general parser reads', () => {
  it('is read up to 1 MB, and refused above it with exit 65 and a clear message, never an out-of-memory crash', () => {
    const dir = tempDir();
    // The log as a flow list: valid YAML, but not the shape read line by line.
    const asFlow = (t: string) => t.replace(/\nlog:\n([\s\S]*)$/, (_, body: string) => `\nlog: [\n${body.trimEnd().split('\n').map((l) => l.replace(/^ {2}- /, '  ')).join(',\n')}\n]\n`);
    const small = join(dir, 'small.yaml'), large = join(dir, 'large.yaml');
    writeFileSync(small, asFlow(bigLog(2000)));
    writeFileSync(large, asFlow(bigLog(40_000)));
    expect(tight(small, 'list').code).toBe(0);
    const r = tight(large, 'today');
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/larger than 1 MB and not in the shape meds reads line by line/);
    expect(r.stderr).not.toMatch(/heap|FATAL|at .*\.cjs/);
  });
});
