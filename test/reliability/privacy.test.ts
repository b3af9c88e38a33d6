/**
 * Issue 5, privacy: no network access at all, ever; new files are owner-only;
 * nothing is written outside the regimen file's folder. Runs the built binary
 * with a preload (`node --require`) that makes every way out of the machine
 * (sockets, DNS, http/https/tls, UDP, fetch) record itself and throw, and
 * records any child process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binFor, tempDir } from '../helpers/cli.js';

const PRELOAD = `
'use strict';
const fs = require('fs');
const LOG = process.env.MEDS_TEST_NET_LOG;
const rec = (what) => fs.appendFileSync(LOG, what + '\\n');
const block = (name) => function () { rec(name); throw new Error('network access blocked by the privacy test: ' + name); };
const net = require('net');
net.Socket.prototype.connect = block('net.Socket.prototype.connect');
net.connect = net.createConnection = block('net.connect');
const dns = require('dns');
for (const k of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'reverse']) dns[k] = block('dns.' + k);
for (const k of ['lookup', 'resolve', 'resolve4', 'resolve6']) dns.promises[k] = block('dns.promises.' + k);
for (const m of ['http', 'https']) { const mod = require(m); mod.request = block(m + '.request'); mod.get = block(m + '.get'); }
require('tls').connect = block('tls.connect');
require('dgram').createSocket = block('dgram.createSocket');
globalThis.fetch = block('fetch');
if (globalThis.WebSocket) globalThis.WebSocket = block('WebSocket');
const cp = require('child_process');
for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const orig = cp[k];
  cp[k] = function (...args) { rec('child_process.' + k + ' ' + String(args[0])); return orig.apply(this, args); };
}
`;

let root: string;
let preload: string;
let netLog: string;
let home: string;
let tmp: string;
let data: string;
beforeAll(() => {
  root = tempDir('meds-privacy-');
  preload = path.join(root, 'no-network.cjs');
  fs.writeFileSync(preload, PRELOAD);
  netLog = path.join(root, 'net.log');
  home = path.join(root, 'home');
  tmp = path.join(root, 'tmp');
  data = path.join(root, 'data');
  for (const d of [home, tmp, data]) fs.mkdirSync(d);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const summary = { commands: 0, networkAttempts: 0, childProcesses: 0 };
afterAll(() => console.log(`[reliability] privacy: ${JSON.stringify(summary)}`));

/** The binary with the preload, an empty HOME, XDG folders and TMPDIR, and umask 000 (the worst case for modes). */
function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('/bin/sh', ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, '--require', preload, binFor(env), ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      HOME: home,
      TMPDIR: tmp,
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      MEDS_TEST_NET_LOG: netLog,
      ...env,
    },
    timeout: 20_000,
  });
  summary.commands++;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const logged = () => (fs.existsSync(netLog) ? fs.readFileSync(netLog, 'utf8') : '');
const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [path.join(d, e.name) + '/', ...walk(path.join(d, e.name))] : [path.join(d, e.name)]));

describe('no network access, ever', () => {
  it('the preload really catches a connection, a DNS lookup, fetch and a child process (so the test below can fail)', () => {
    fs.rmSync(netLog, { force: true });
    const probe = `
      try { require('net').connect(9, '127.0.0.1'); } catch {}
      try { new (require('net').Socket)().connect(9, '127.0.0.1'); } catch {}
      try { require('dns').lookup('example.com', () => {}); } catch {}
      try { fetch('http://example.com'); } catch {}
      try { require('https').get('https://example.com'); } catch {}
      require('child_process').spawnSync('true');`;
    const r = spawnSync(process.execPath, ['--require', preload, '-e', probe], { env: { PATH: process.env.PATH ?? '', MEDS_TEST_NET_LOG: netLog }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(logged().trim().split('\n')).toEqual(['net.connect', 'net.Socket.prototype.connect', 'dns.lookup', 'fetch', 'https.get', 'child_process.spawnSync true']);
    fs.rmSync(netLog, { force: true });
  });

  it('a full session of every command (init, add, take, skip, undo, edit, stop, today, list, history, check, --json, errors) opens no socket, resolves no name, starts no process, and writes only the regimen file', () => {
    fs.rmSync(netLog, { force: true });
    const file = path.join(data, 'regimen.yaml');
    const f = ['--file', file, '--now', '2026-03-08T10:00'];
    const session: [string[], number][] = [
      [[...f, 'init', '--name', 'Sam', '--timezone', 'Europe/Paris', '--routine', 'wake=07:00,breakfast=07:30,dinner=19:00'], 0],
      [[...f, 'add', 'metformin', '--times', 'breakfast,dinner', '--strength', '500 mg', '--purpose', 'blood sugar'], 0],
      [[...f, 'add', 'ibuprofen', '--as-needed', '--min-interval', '6h', '--max-per-day', '4'], 0],
      [[...f, 'add', 'amox', '--every', '8h', '--from', '2026-03-07T06:00', '--count', '21'], 0],
      [[...f, 'take', 'metformin'], 0],
      [[...f, '--json', 'take', 'ibuprofen'], 0],
      [[...f, 'skip', 'amox', '--reason', 'nausea'], 0],
      [[...f, 'undo'], 0],
      [[...f, 'edit', 'metformin', '--dose', '2'], 0],
      [[...f, 'stop', 'ibuprofen'], 0],
      [[...f, 'today'], 0],
      [[...f, '--json', 'today'], 0],
      [[...f, 'list'], 0],
      [[...f, 'history', '--days', '30'], 0],
      [[...f, '--json', 'history'], 0],
      [[...f, 'check'], 0],
      [[...f], 0],
      [[...f, 'take', 'nosuch'], 2],
      [[...f, '--json', 'take', 'nosuch'], 2],
      [['--help'], 0],
      [['--version'], 0],
    ];
    for (const [args, code] of session) {
      const r = run(args);
      expect(r.code, `${args.slice(4).join(' ')}: ${r.stderr}`).toBe(code);
    }
    const log = logged();
    summary.networkAttempts = log.split('\n').filter((l) => l && !l.startsWith('child_process')).length;
    summary.childProcesses = log.split('\n').filter((l) => l.startsWith('child_process')).length;
    expect(log).toBe('');
    // Nothing outside the regimen's folder: HOME, the XDG folders and TMPDIR stay empty.
    expect(walk(home)).toEqual([]);
    expect(walk(tmp)).toEqual([]);
    expect(walk(data)).toEqual([file]);
  });

  it('the same with the default location ($XDG_DATA_HOME/meds/regimen.yaml): only that folder and file appear', () => {
    const xdg = path.join(root, 'xdg');
    fs.mkdirSync(xdg);
    const env = { XDG_DATA_HOME: xdg };
    expect(run(['init', '--timezone', 'UTC'], env).code).toBe(0);
    expect(run(['add', 'x', '--times', '08:00'], env).code).toBe(0);
    expect(run(['--now', '2026-03-08T08:05', 'take', 'x'], env).code).toBe(0);
    expect(walk(xdg)).toEqual([path.join(xdg, 'meds') + '/', path.join(xdg, 'meds', 'regimen.yaml')]);
    expect(walk(home)).toEqual([]);
    expect(logged()).toBe('');
  });
});

describe('new files are created owner-only, even with umask 000', () => {
  it('init: the file is 0600 and a folder it creates is 0700', () => {
    const xdg = path.join(root, 'modes');
    fs.mkdirSync(xdg);
    expect(run(['init', '--timezone', 'UTC'], { XDG_DATA_HOME: xdg }).code).toBe(0);
    expect(fs.statSync(path.join(xdg, 'meds')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(xdg, 'meds', 'regimen.yaml')).mode & 0o777).toBe(0o600);
  });

  it('the lock file and the temporary file (seen by killing meds before its rename) are 0600; a rewrite keeps a file\'s own mode', () => {
    const dir = path.join(root, 'lockmode');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'regimen.yaml');
    expect(run(['--file', file, 'init', '--timezone', 'UTC']).code).toBe(0);
    expect(run(['--file', file, 'add', 'x', '--times', '08:00']).code).toBe(0);
    const killed = run(['--file', file, '--now', '2026-03-08T08:05', 'take', 'x'], { MEDS_FAULT: 'before-rename' });
    expect(killed.code).toBe(null);
    const names = fs.readdirSync(dir).sort();
    expect(names.some((n) => n.endsWith('.lock'))).toBe(true);
    expect(names.some((n) => n.endsWith('.tmp'))).toBe(true);
    for (const n of names) expect(fs.statSync(path.join(dir, n)).mode & 0o777, n).toBe(0o600);
    // A file the user chose to share with a group keeps that choice.
    fs.chmodSync(file, 0o640);
    expect(run(['--file', file, '--now', '2026-03-08T08:06', 'take', 'x']).code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
  });
});
