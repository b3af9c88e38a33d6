/** The shipped program: no test hooks, and the version of package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, read, tempDir } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';

describe('the shipped bundle', () => {
  it('holds no test hook: MEDS_FAULT and MEDS_TEST_HOOK_BEFORE_WRITE are compiled out', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'meds.cjs'), 'utf8');
    expect(bundle).not.toContain('MEDS_FAULT');
    expect(bundle).not.toContain('MEDS_TEST_HOOK_BEFORE_WRITE');
    // The testing build keeps them (test/helpers/meds-testing.cjs).
    expect(readFileSync(join(ROOT, 'dist', 'meds-testing.cjs'), 'utf8')).toContain('MEDS_FAULT');
  });

  it('ignores MEDS_FAULT: a take with it set completes', () => {
    const file = join(tempDir(), 'regimen.yaml');
    const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1', MEDS_FAULT: 'before-rename' };
    const go = (...args: string[]) => spawnSync(process.execPath, [BIN, '--file', file, '--now', '2026-03-08T08:05', ...args], { env, encoding: 'utf8' });
    expect(go('init', '--timezone', 'UTC').status).toBe(0);
    expect(go('add', 'x', '--times', '08:00').status).toBe(0);
    const r = go('take', 'x');
    expect([r.status, r.signal]).toEqual([0, null]);
    expect(read(file)).toContain('med: x, for: 2026-03-08T08:00, status: taken');
  });

  it('--version is package.json\'s', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).stdout).toBe(`${version}\n`);
  });
});
