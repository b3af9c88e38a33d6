#!/usr/bin/env node
/**
 * The bulk case of the benchmark (issue #18): `meds check DIR --format ndjson > /dev/null` over
 * 10,000 generated regimen files of 12 medications and 500 log entries each, beside the raw floor
 * measured in the same run (a child process reading the same files, found the same way, with no
 * parsing). Target on the 2-core machine: at least 1,000 files a second end to end, peak RSS under
 * 300 MB.
 *
 *   node bench/bulk-check.mjs [--files N] [--runs N] [--jobs N]
 *
 * bench/run.mjs runs it after its own cases (one line there). The files are written once into
 * bench/data/bulk-<N>/ (again when this generator's version changes); generateBulkFile is also
 * what test/check/differential.test.ts reads varied files from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const VERSION = 1; // of the generator: a change writes the files again
export const BULK_NOW = '2026-11-20T09:00';

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Medications a file draws from: [name, strength, times]; some pairs interact, some duplicate, some need separating. */
const POOL = [
  ['Lisinopril', '10 mg', ['08:00']], ['Atorvastatin', '40 mg', ['21:00']], ['Metformin', '500 mg', ['08:00', '18:00']],
  ['Amlodipine', '5 mg', ['08:00']], ['Levothyroxine', '50 mcg', ['06:30']], ['Omeprazole', '20 mg', ['07:30']],
  ['Losartan', '50 mg', ['08:00']], ['Sertraline', '50 mg', ['08:00']], ['Gabapentin', '300 mg', ['08:00', '14:00', '22:00']],
  ['Metoprolol succinate', '50 mg', ['08:00']], ['Warfarin', '5 mg', ['18:00']], ['Ibuprofen', '400 mg', ['08:00', '14:00', '20:00']],
  ['Tylenol', '500 mg', ['06:00', '12:00', '18:00', '23:00']], ['Calcium carbonate', '600 mg', ['08:00']], ['Simvastatin', '20 mg', ['21:00']],
  ['Clarithromycin', '500 mg', ['08:00', '20:00']], ['Apixaban', '5 mg', ['09:00', '21:00']], ['Furosemide', '40 mg', ['08:00']],
  ['Montelukast', '10 mg', ['21:00']], ['Escitalopram', '10 mg', ['08:00']], ['Pantoprazole', '40 mg', ['07:00']],
  ['Hydrochlorothiazide', '25 mg', ['08:00']], ['Prednisone', '10 mg', ['08:00']], ['Tamsulosin', '0.4 mg', ['21:00']],
  ['Diphenhydramine', '25 mg', ['22:00']], ['Lorazepam', '0.5 mg', ['22:00']], ['Glipizide', '5 mg', ['07:30']],
  ['Allopurinol', '300 mg', ['08:00']], ['Clopidogrel', '75 mg', ['08:00']], ['Ferrous sulfate', '325 mg', ['08:00']],
];
const ZONES = [['Asia/Dubai', '+04:00'], ['Asia/Tokyo', '+09:00'], ['America/Phoenix', '-07:00'], ['Asia/Kolkata', '+05:30']];
const pad = (n) => String(n).padStart(2, '0');
const dateOf = (day) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const NOW_DAY = Math.round(Date.UTC(2026, 10, 20) / 86_400_000);

/** One regimen file: 12 medications, 500 log entries ending the day before BULK_NOW, in the zone's fixed offset (no DST). */
export function generateBulkFile(i, { meds = 12, entries = 500 } = {}) {
  const rand = mulberry32(0x5eed + i * 7919);
  const [zone, offset] = ZONES[i % ZONES.length];
  const picked = [...POOL].sort(() => rand() - 0.5).slice(0, meds);
  const out = ['meds: 1', 'patient:', `  name: Patient ${i}`, `  timezone: ${zone}`, `  born: ${1935 + Math.floor(rand() * 60)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`];
  if (rand() < 0.2) out.push('  allergies: [penicillin]');
  out.push('  routine: { wake: "06:30", breakfast: "07:00", lunch: "12:00", dinner: "18:00", bed: "22:00" }', 'medications:');
  const ids = picked.map(([name], k) => `m${k + 1}-${name.toLowerCase().split(' ')[0]}`);
  picked.forEach(([name, strength, times], k) => {
    out.push(`  - id: ${ids[k]}`, `    name: ${name}`, `    strength: ${strength}`, '    dose: 1', `    schedule: { times: [${times.map((t) => `"${t}"`).join(', ')}] }`);
    if (rand() < 0.5) out.push(`    supply: { onHand: ${Math.floor(rand() * 90)}, countedAt: ${dateOf(NOW_DAY - 10)}, refillsLeft: ${Math.floor(rand() * 3)} }`);
  });
  out.push('log:');
  // The doses of the last days, most taken, some skipped, some missed, until there are `entries`.
  const lines = [];
  for (let day = NOW_DAY - 1; lines.length < entries; day--) {
    const dayLines = [];
    picked.forEach(([, , times], k) => {
      for (const t of times) {
        const r = rand();
        if (r > 0.97) continue;
        const [h, m] = t.split(':').map(Number);
        const late = Math.floor(rand() * 40);
        const at = `${dateOf(day)}T${pad(h + Math.floor((m + late) / 60))}:${pad((m + late) % 60)}${offset}`;
        dayLines.push(r < 0.94 ? `  - { at: ${at}, med: ${ids[k]}, for: ${dateOf(day)}T${t}, status: taken }` : `  - { at: ${at}, med: ${ids[k]}, for: ${dateOf(day)}T${t}, status: skipped, reason: nausea }`);
      }
    });
    lines.unshift(...dayLines.sort());
  }
  out.push(...lines.slice(lines.length - entries));
  return out.join('\n') + '\n';
}

/** The files, written once per generator version, 100 to a folder. */
export function writeBulk(files, dir = join(HERE, 'data', `bulk-${files}`)) {
  const stamp = join(dir, '.version');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === String(VERSION)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `p${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `patient-${String(i).padStart(5, '0')}.yaml`), generateBulkFile(i));
  }
  writeFileSync(stamp, String(VERSION));
  return dir;
}

const TIME_BIN = ['/usr/bin/time'].find((p) => existsSync(p));

/** Wall time (and peak RSS with GNU time) of one process, stdout to /dev/null. */
function timed(argv) {
  const full = TIME_BIN ? [TIME_BIN, '-f', '%M %U %S', ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(full[0], full.slice(1), { stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'], encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  const [rss, user, sys] = TIME_BIN ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { ms, rssKB: rss, cpuS: user + sys, status: r.status, stderr: r.stderr };
}

/** Reading every file the way check finds them, and nothing else: the floor. */
const FLOOR = `
const { readdirSync, readFileSync } = require('node:fs'); const { join } = require('node:path');
let n = 0; const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) { const p = join(d, e.name); if (e.isDirectory()) walk(p); else if (/\\.ya?ml$/.test(e.name)) { readFileSync(p); n++; } } };
walk(process.argv[1]); if (n === 0) process.exit(3);`;

/** Runs the case; returns Markdown lines. */
export function bulkCheck({ files = 10_000, runs = 1, jobs, argv = [process.execPath, join(ROOT, 'bin', 'meds.js')] } = {}) {
  const t0 = performance.now();
  const dir = writeBulk(files);
  const genS = (performance.now() - t0) / 1000;
  const rows = [];
  for (let r = 0; r < runs; r++) {
    const floor = timed([process.execPath, '-e', FLOOR, dir]);
    const check = timed([...argv, '--now', BULK_NOW, 'check', dir, '--format', 'ndjson', ...(jobs ? ['--jobs', String(jobs)] : [])]);
    if (check.status !== 0 && check.status !== 1) throw new Error(`meds check exited ${check.status}: ${check.stderr}`);
    rows.push({ floor, check });
  }
  const fps = (ms) => Math.round(files / (ms / 1000));
  const out = ['', `## Bulk check: ${files} files of 12 medications and 500 log entries`, ''];
  out.push(`- command: \`meds --now ${BULK_NOW} check bench/data/bulk-${files} --format ndjson > /dev/null\`${jobs ? ` --jobs ${jobs}` : ' (--jobs: the core count)'}; ${cpus().length} cores; load average ${loadavg()[0].toFixed(2)} when it ended; files generated in ${genS.toFixed(1)} s (once)`);
  out.push('- floor: a node process that finds the same files and reads each one (no parsing)');
  out.push('- CPU s: user + system time of the process (all its threads), from GNU time; on a loaded machine it says more than the wall time about the work done');
  out.push('', '| run | check s | files/s | CPU s | CPU ms/file | floor s | floor files/s | check / floor | peak RSS MB | target (>= 1000 files/s, < 300 MB) |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  rows.forEach(({ floor, check }, i) => {
    const rss = check.rssKB / 1024;
    out.push(`| ${i + 1} | ${(check.ms / 1000).toFixed(2)} | ${fps(check.ms)} | ${check.cpuS.toFixed(1)} | ${((check.cpuS * 1000) / files).toFixed(2)} | ${(floor.ms / 1000).toFixed(2)} | ${fps(floor.ms)} | ${(check.ms / floor.ms).toFixed(1)}x | ${Number.isNaN(rss) ? 'n/a' : rss.toFixed(0)} | ${fps(check.ms) >= 1000 && !(rss >= 300) ? 'met' : 'NOT met'} |`);
  });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  console.log(bulkCheck({ files: arg('--files', 10_000), runs: arg('--runs', 1), jobs: arg('--jobs', undefined) }).join('\n'));
}
