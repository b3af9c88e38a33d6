/**
 * Issue 15 item 1: another program's save while `meds` writes is never lost. The check that the
 * file is still the version read is made as late as possible: after the temporary file is durable,
 * just before the rename. Two attacks on the built binary: the temporary file's fsync delayed by
 * 2 s (strace fault injection) while an "editor" appends a line; and a burst of takes while an
 * editor keeps appending. Both lost lines before the check moved after the fsync.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, medsAsync, read, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T12:00';
const ids = Array.from({ length: 8 }, (_, i) => `med${i}`);
const REGIMEN = [
  'meds: 1',
  'patient:',
  '  timezone: Europe/Berlin',
  'medications:',
  ...ids.map((id) => `  - { id: ${id}, schedule: { asNeeded: true } }`),
  'log:',
  '  - { at: 2026-03-08T07:00+01:00, med: med0, status: taken }',
  '',
].join('\n');

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' };
const summary = { straceCases: 0, burstTakes: 0, burstEditorLines: 0, burstRefused: 0, takesLost: 0, editorLinesLost: 0 };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[reliability] late-change: ${JSON.stringify(summary)}`);
});
beforeAll(() => {
  if (!fs.existsSync(path.join(path.dirname(BIN), '..', 'dist', 'meds.cjs'))) throw new Error('run `npm run build` first');
});

function fresh(): { dir: string; file: string } {
  const dir = tempDir('meds-late-');
  dirs.push(dir);
  const file = path.join(dir, 'regimen.yaml');
  fs.writeFileSync(file, REGIMEN, { mode: 0o600 });
  return { dir, file };
}

const temps = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));
const count = (text: string, s: string) => text.split(s).length - 1;

describe.skipIf(!hasStrace)('a save while the temporary file is being made durable (fsync delayed 2 s by strace)', () => {
  // The editor's line: a comment (kept after the log's entries) and a hand-typed log entry.
  const cases = [
    { name: 'a comment', line: '# saved by the editor\n' },
    { name: 'a log entry', line: '  - { at: 2026-03-08T07:30+01:00, med: med2, status: taken }\n' },
  ];
  for (const c of cases) {
    it(`${c.name} appended during the delayed fsync is kept, and the take is recorded once on top of it`, async () => {
      const { dir, file } = fresh();
      // (strace tampers only with traced calls: `-e trace=none` would make the delay a no-op.)
      const started = Date.now();
      const child = spawn('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=fsync', '-e', 'inject=fsync:delay_enter=2000000:when=1', process.execPath, BIN, '--file', file, '--now', NOW, 'take', 'med1', '--at', '2026-03-08T08:01'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const done = new Promise<number | null>((res) => child.on('close', res));
      // Wait for the temporary file (its fsync is the one delayed), then save as an editor does.
      const t0 = Date.now();
      while (temps(dir).length === 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 5));
      expect(temps(dir)).toHaveLength(1);
      fs.appendFileSync(file, c.line);
      const code = await done;
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // the fsync really was held
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain('Recorded med1');
      const text = read(file);
      expect(count(text, c.line)).toBe(1); // the editor's save survived
      expect(count(text, 'med: med1,')).toBe(1); // and the take is there once
      expect(text.startsWith(REGIMEN)).toBe(true);
      expect(temps(dir)).toEqual([]);
      summary.straceCases++;
    }, 30_000);
  }
});

describe('a burst of takes while an editor keeps appending', () => {
  it('40 takes, 5 at a time, and an editor appending a comment every 15 ms in bursts: no take and no editor line is lost', async () => {
    const { dir, file } = fresh();
    let n = 0;
    // Saves come in bursts (every 15 ms for 300 ms, then 300 ms of quiet), so that takes have moments
    // to land in even on a slow machine; a take that meets only saves exits 75.
    const t0 = Date.now();
    const editor = setInterval(() => {
      if ((Date.now() - t0) % 600 < 300) fs.appendFileSync(file, `# editor line ${++n}\n`);
    }, 15);
    const TAKES = 40;
    const results = [];
    try {
      for (let i = 0; i < TAKES; i += 5) {
        results.push(...(await Promise.all([0, 1, 2, 3, 4].map((k) => medsAsync(['--file', file, '--now', NOW, 'take', ids[(i + k) % 8]!, '--at', `2026-03-08T09:${String(i + k).padStart(2, '0')}`], { env: { MEDS_LOCK_TIMEOUT_MS: '60000' } })))));
      }
    } finally {
      clearInterval(editor);
    }
    // A take either wrote its entry (exit 0) or, when the file changed on each of its attempts,
    // wrote nothing and said so (exit 75): never a lost line either way.
    results.forEach((r, i) => {
      if (r.code === 75) expect(r.stderr).toContain('kept changing while meds was writing it; nothing was written');
      else expect({ i, code: r.code, stderr: r.stderr }).toEqual({ i, code: 0, stderr: '' });
    });
    summary.burstRefused += results.filter((r) => r.code === 75).length;
    const text = read(file);
    for (let i = 0; i < TAKES; i++) {
      const found = count(text, `at: 2026-03-08T09:${String(i).padStart(2, '0')}+01:00,`);
      if (found !== (results[i]!.code === 0 ? 1 : 0)) summary.takesLost++;
    }
    for (let k = 1; k <= n; k++) if (count(text, `# editor line ${k}\n`) !== 1) summary.editorLinesLost++;
    summary.burstTakes += TAKES;
    summary.burstEditorLines += n;
    expect(n).toBeGreaterThan(50);
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(0);
    expect({ takesLost: summary.takesLost, editorLinesLost: summary.editorLinesLost }).toEqual({ takesLost: 0, editorLinesLost: 0 });
    expect(temps(dir)).toEqual([]);
  }, 120_000);
});
