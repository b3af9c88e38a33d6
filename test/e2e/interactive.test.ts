/**
 * The prompts, driven through a real pseudo-terminal (util-linux `script`), as a person would:
 * keystrokes in, the screen and the file checked afterwards.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, copyFixture, read } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Run meds in a pty, typing `keys` (one write per step, with pauses so each prompt is drawn first). */
function inPty(args: string[], keys: string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: '/tmp', TERM: 'xterm', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    let i = 0;
    const next = () => {
      if (i < keys.length) child.stdin.write(keys[i++]!);
      if (i < keys.length) setTimeout(next, 400);
    };
    setTimeout(next, 1200);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

describe.runIf(hasScript)('in a terminal', () => {
  it('meds take with no medication offers a checklist of due and missed doses and records the ticked one', async () => {
    const f = copyFixture();
    const r = await inPty(['--file', f, '--now', '2026-03-08T10:00', 'take'], [' ', '\r']);
    expect(r.screen).toContain('Which doses did you take?');
    expect(r.screen).toContain('06:30  alendronate  (missed)');
    expect(r.screen).toContain('Recorded alendronate 06:30 dose as taken at 10:00');
    expect(r.code).toBe(0);
    expect(read(f)).toContain('- { at: 2026-03-08T10:00-04:00, med: alendronate, for: 2026-03-08T06:30, status: taken, dose: 1 }');
  }, 20_000);

  it('meds add with no flags asks for the medication and its times', async () => {
    const f = copyFixture();
    const r = await inPty(['--file', f, 'add'], ['vitd\r', 'Vitamin D\r', '1000 IU\r', '\r', '08:00\r', 'bones\r']);
    expect(r.screen).toContain('Added vitd');
    expect(r.code).toBe(0);
    expect(read(f)).toMatch(/  - id: vitd\n    name: Vitamin D\n    strength: "1000 IU"\n    purpose: bones\n    schedule: \{ times: \["08:00"\], from: \d{4}-\d{2}-\d{2} \}\n/);
  }, 20_000);
});
