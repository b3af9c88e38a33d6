/** Run the built binary the way a script would: no TTY, no color, a fixed clock unless told otherwise. */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'meds.js');
/** The program built with its test hooks (MEDS_FAULT, MEDS_TEST_HOOK_BEFORE_WRITE), which the shipped bundle has not. */
export const BIN_TESTING = join(ROOT, 'test', 'helpers', 'meds-testing.cjs');

/** The binary to run with `env`: the testing build when it asks for a test hook. */
export function binFor(env: Record<string, string | undefined> = {}): string {
  return env.MEDS_FAULT !== undefined || env.MEDS_TEST_HOOK_BEFORE_WRITE !== undefined ? BIN_TESTING : BIN;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function meds(args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [binFor(opts.env), ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, asynchronously (for many processes at once). */
export function medsAsync(args: string[], opts: { env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [binFor(opts.env), ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

export function tempDir(prefix = 'meds-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A private copy of a fixture (or of examples/regimen.yaml) in a fresh temp dir. */
export function copyFixture(name = 'examples/regimen.yaml'): string {
  const dir = tempDir();
  const dest = join(dir, 'regimen.yaml');
  copyFileSync(join(ROOT, name), dest);
  return dest;
}

export function writeTemp(text: string, name = 'regimen.yaml'): string {
  const dir = tempDir();
  const dest = join(dir, name);
  writeFileSync(dest, text);
  return dest;
}

export const read = (p: string) => readFileSync(p, 'utf8');
