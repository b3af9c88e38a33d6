/**
 * One answer whatever way the file is read. Every read command, with --json, on the example and on
 * a generated regimen, at clock times inside the log, right after it, after a six-week gap and a
 * year later, must print byte-identical output (and exit with the same code) for the same regimen
 * written four ways, each read by a different path of the store:
 *   - `lf`: as meds writes it (the fast path: only the command's window of the log is built);
 *   - `crlf`: the same with CRLF line ends;
 *   - `scan`: a comment line in the middle of the log (the line-by-line scan);
 *   - `full`: the log written as one flow sequence, which only the general YAML parser reads.
 *
 * The commands run from the built bundle, many in one process (test/helpers/batch.cjs: a process
 * for each would take minutes); a sample of them also runs as its own process, to show that the
 * batch answers as the binary does.
 *
 * A fresh seed each run, printed; MEDS_DIFF_SEED=<seed> replays one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { meds, ROOT, tempDir, type RunResult } from '../helpers/cli.js';
import { prng } from '../helpers/random.js';

const SEED = process.env.MEDS_DIFF_SEED ? Number(process.env.MEDS_DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
// eslint-disable-next-line no-console
console.log(`differential test seed: ${SEED} (replay with MEDS_DIFF_SEED=${SEED})`);

type Rnd = () => number;
const pick = <T>(r: Rnd, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rnd, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'Pacific/Auckland', 'America/Los_Angeles'];
const TIMES = ['06:30', '07:00', '08:00', '09:00', '12:30', '18:00', '20:00', '21:00', '22:30'];

interface GenMed {
  yaml: string;
  id: string;
  times: string[]; // local times its entries answer ([] for every-Nh and as-needed)
  everyH?: number;
  asNeeded?: boolean;
}

/** A random regimen and a log of 20 to 200 days, with a gap in some. */
export function generate(r: Rnd): { text: string; zone: string; firstLocal: DateTime; lastLocal: DateTime } {
  const zone = pick(r, ZONES);
  const start = DateTime.fromObject({ year: 2025, month: 1, day: 1 }, { zone }).plus({ days: int(r, 0, 500) });
  const span = int(r, 20, 200);
  const day = (k: number) => start.plus({ days: k }).toFormat('yyyy-MM-dd');
  const meds: GenMed[] = [];
  const kinds = ['daily', 'daily', 'weekly', 'every2d', 'hourly', 'pill', 'warfarin', 'taper', 'prn'];
  const n = int(r, 2, 5);
  for (let i = 0; i < n; i++) {
    const kind = pick(r, kinds);
    const id = `${kind}${i}`;
    const times = [...new Set([pick(r, TIMES), ...(r() < 0.4 ? [pick(r, TIMES)] : [])])].sort();
    const t = `[${times.map((x) => `"${x}"`).join(', ')}]`;
    const from = day(int(r, -30, span / 2));
    const extras: string[] = [];
    if (r() < 0.3) extras.push(`trackedSince: ${day(int(r, -10, span))}`);
    if (r() < 0.4) extras.push(r() < 0.5 ? `supply: { fills: [{ date: ${day(int(r, -20, span))}, quantity: ${int(r, 10, 90)} }] }` : `supply: { onHand: ${int(r, 0, 60)}, countedAt: ${day(int(r, 0, span))} }`);
    const tail = extras.length ? `, ${extras.join(', ')}` : '';
    switch (kind) {
      case 'daily':
        meds.push({ id, times, yaml: `{ id: ${id}, dose: ${pick(r, [1, 2, 0.5])}, schedule: { times: ${t}${r() < 0.3 ? `, until: ${day(int(r, span / 2, span + 60))}` : ''} }${tail} }` });
        break;
      case 'weekly':
        meds.push({ id, times: ['06:30'], yaml: `{ id: ${id}, name: Alendronate, strength: 70 mg, schedule: { days: [${pick(r, ['sun', 'wed'])}], times: ["06:30"] }${tail} }` });
        break;
      case 'every2d':
        meds.push({ id, times, yaml: `{ id: ${id}, schedule: { every: 2d, from: ${from}, times: ${t} }${tail} }` });
        break;
      case 'hourly': {
        const every = pick(r, [8, 12]);
        meds.push({ id, times: [], everyH: every, yaml: `{ id: ${id}, name: Amoxicillin, schedule: { every: ${every}h, from: ${from}T06:00${r() < 0.5 ? `, count: ${int(r, 10, 60)}` : ''} }${tail} }` });
        break;
      }
      case 'pill':
        meds.push({ id, times: ['21:00'], yaml: `{ id: ${id}, name: Combined oral contraceptive, schedule: { times: ["21:00"], cycle: { on: 21, off: 7 }, from: ${from} }${tail} }` });
        break;
      case 'warfarin':
        meds.push({ id, times: ['18:00'], yaml: `{ id: ${id}, name: Warfarin, strength: 3 mg, schedule: { times: ["18:00"] }${tail} }` });
        break;
      case 'taper': {
        const a = int(r, 0, span / 2);
        meds.push({ id, times: ['08:00'], yaml: `{ id: ${id}, name: Prednisone, strength: 5 mg, schedule: [{ from: ${day(a)}, until: ${day(a + 5)}, times: ["08:00"], dose: 4 }, { from: ${day(a + 6)}, until: ${day(a + 12)}, times: ["08:00"], dose: 2 }]${tail} }` });
        break;
      }
      default:
        meds.push({ id, times: [], asNeeded: true, yaml: `{ id: ${id}, name: Ibuprofen, strength: 200 mg, schedule: { asNeeded: true, minInterval: 6h, maxPerDay: 4 }${tail} }` });
    }
  }
  // The log: most doses taken near their time, some skipped, some missed; a gap in some logs.
  const gapFrom = r() < 0.5 ? int(r, 5, span - 5) : -1;
  const gapDays = int(r, 10, 50);
  const entries: { t: DateTime; line: string }[] = [];
  const at = (t: DateTime) => (r() < 0.3 ? t.toUTC().toFormat("yyyy-MM-dd'T'HH:mm'Z'") : t.toFormat("yyyy-MM-dd'T'HH:mmZZ"));
  const reason = () => pick(r, ['nausea', 'felt dizzy', '"away, no pills"', '"said \\"no\\""']);
  const add = (m: GenMed, slot: DateTime | undefined, t: DateTime) => {
    const u = r();
    const forPart = slot ? `, for: ${slot.toFormat("yyyy-MM-dd'T'HH:mm")}` : '';
    let line: string;
    if (u < 0.05 && slot) line = `- { at: ${at(t)}, med: ${m.id}${forPart}, status: skipped, reason: ${reason()} }`;
    else if (u < 0.08) line = `- { at: ${at(t)}, med: ${m.id}, status: taken, extra: true }`;
    else if (u < 0.1) line = `- { at: ${at(t)}, med: ${m.id}${forPart}, status: taken, dose: 2 }`;
    // Lines meds would not write (keys in another order; an entry in block style): read on their own.
    else if (u < 0.12) line = `- { med: ${m.id}, at: ${at(t)}${forPart}, status: taken }`;
    else if (u < 0.125) line = `- at: ${at(t)}\n    med: ${m.id}${slot ? `\n    for: ${slot.toFormat("yyyy-MM-dd'T'HH:mm")}` : ''}\n    status: taken`;
    else line = `- { at: ${at(t)}, med: ${m.id}${forPart}, status: taken }`;
    entries.push({ t, line });
  };
  for (let k = 0; k < span; k++) {
    if (gapFrom >= 0 && k >= gapFrom && k < gapFrom + gapDays) continue;
    const d = start.plus({ days: k });
    for (const m of meds) {
      if (m.asNeeded) {
        if (r() < 0.2) add(m, undefined, d.set({ hour: int(r, 8, 21), minute: int(r, 0, 59) }));
        continue;
      }
      if (m.everyH) {
        for (let h = 6; h < 30; h += m.everyH) if (r() < 0.85) add(m, undefined, d.set({ hour: 0, minute: 0 }).plus({ hours: h, minutes: int(r, -30, 90) }));
        continue;
      }
      for (const x of m.times) {
        if (r() < 0.15) continue; // missed
        const [hh, mm] = x.split(':').map(Number);
        const slot = d.set({ hour: hh!, minute: mm! });
        add(m, slot, slot.plus({ minutes: int(r, -40, r() < 0.1 ? 600 : 90) }));
      }
    }
  }
  entries.sort((a, b) => a.t.toMillis() - b.t.toMillis());
  // A few records made after the fact (`take --at`): out of order in the file.
  for (let k = 0; k < entries.length / 50; k++) {
    const i = int(r, 0, entries.length - 1), j = int(r, 0, entries.length - 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const lines = entries.filter((e) => e.t.toMillis() < start.plus({ days: span }).toMillis()).map((e) => e.line);
  const text = `meds: 1
patient:
  name: Sam
  timezone: ${zone}
  routine: { wake: "06:30", breakfast: "07:00", lunch: "12:00", dinner: "18:00", bed: "22:00" }
medications:
${meds.map((m) => `  - ${m.yaml}`).join('\n')}
log:
${lines.map((l) => `  ${l}`).join('\n')}
`;
  const times = entries.map((e) => e.t);
  return { text, zone, firstLocal: times[0] ?? start, lastLocal: times.reduce((a, b) => (b > a ? b : a), start) };
}

/** The same regimen written so that each path of the store reads it. */
function variants(text: string): Record<string, string> {
  const i = text.indexOf('\nlog:');
  const head = text.slice(0, i + 1);
  const log = text.slice(i + 1).split('\n').slice(1).filter((l) => l.trim() !== '');
  // Each entry as a flow map (an entry in block style spans several lines: its keys joined).
  const entries: string[] = [];
  for (const l of log) {
    if (l.trimStart().startsWith('- ')) entries.push(l.trimStart().slice(2));
    else if (l.startsWith('    ') && entries.length) entries[entries.length - 1] += `, ${l.trim()}`;
  }
  const flowMap = (e: string) => (e.startsWith('{') ? e : `{ ${e} }`);
  const mid = Math.floor(log.length / 2);
  return {
    lf: text,
    crlf: text.replace(/\n/g, '\r\n'),
    scan: `${head}log:\n${[...log.slice(0, mid), '  # a note in the middle of the log', ...log.slice(mid)].join('\n')}\n`,
    // (The head's places are the same.)
    full: entries.length ? `${head}log: [\n${entries.map((e) => `  ${flowMap(e)}`).join(',\n')}\n]\n` : `${head}log: []\n`,
  };
}

/** Run each job's arguments with the built bundle, in one process. */
function batch(jobs: string[][], dir: string): RunResult[] {
  const list = join(dir, 'jobs.json');
  writeFileSync(list, JSON.stringify(jobs));
  const out = execFileSync(process.execPath, [join(ROOT, 'test', 'helpers', 'batch.cjs'), list], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
  });
  return JSON.parse(out) as RunResult[];
}

/** Every read command at each clock time, on every variant; the differences found. */
function differences(name: string, text: string, nows: string[], r: Rnd, days: string[]): string[] {
  const dir = tempDir('meds-diff-');
  const files = Object.entries(variants(text)).map(([v, t]) => {
    // The same file name in a folder per variant: any path in the output reads the same.
    const d = join(dir, v);
    const f = join(d, 'regimen.yaml');
    mkdirSync(d);
    writeFileSync(f, t);
    return { v, f, d };
  });
  const commands = (): string[][] => [
    ['today'],
    ['today', '--date', pick(r, days)],
    ['missed'],
    ['missed', '--days', String(pick(r, [7, 30, 90]))],
    ['adherence', '--days', String(pick(r, [1, 30, 90, 400]))],
    ['adherence', '--from', pick(r, days), '--to', days[days.length - 1]!],
    ['refills'],
    ['history', '--days', String(pick(r, [7, 30, 365]))],
    ['list'],
  ];
  const jobs: { key: string; v: string; d: string; args: string[] }[] = [];
  for (const now of nows) {
    for (const cmd of commands()) {
      for (const { v, f, d } of files) jobs.push({ key: `${name}: meds --now ${now} ${cmd.join(' ')} --json`, v, d, args: ['--file', f, '--now', now, ...cmd, '--json'] });
    }
  }
  const results = batch(
    jobs.map((j) => j.args),
    dir,
  );
  const diffs: string[] = [];
  // A few runs as their own process: the batch must answer as the binary does.
  for (let s = 0; s < 3; s++) {
    const k = Math.floor(r() * jobs.length);
    const own = meds(jobs[k]!.args);
    if (JSON.stringify(own) !== JSON.stringify(results[k])) diffs.push(`${jobs[k]!.key} (${jobs[k]!.v}): the batch and the binary differ\n  batch:  ${JSON.stringify(results[k]).slice(0, 300)}\n  binary: ${JSON.stringify(own).slice(0, 300)}`);
  }
  const byKey = new Map<string, { v: string; out: string }[]>();
  for (let k = 0; k < jobs.length; k++) {
    const { key, v, d } = jobs[k]!;
    const res = results[k]!;
    const out = JSON.stringify({ code: res.code, stdout: res.stdout, stderr: res.stderr.split(d).join('<dir>') });
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push({ v, out });
  }
  for (const [key, outs] of byKey) {
    const lf = outs.find((o) => o.v === 'lf')!;
    if (JSON.parse(lf.out).code > 1) diffs.push(`${key}: failed on the fast path: ${lf.out.slice(0, 300)}`);
    for (const o of outs) if (o.out !== lf.out) diffs.push(`${key}: ${o.v} differs from lf\n${firstDifference(lf.out, o.out, o.v)}`);
  }
  return diffs;
}

/** The lines around the first difference of two results. */
function firstDifference(a: string, b: string, name: string): string {
  const x = (JSON.parse(a) as RunResult), y = (JSON.parse(b) as RunResult);
  if (x.code !== y.code) return `  exit ${x.code} (lf), ${y.code} (${name})`;
  const la = (x.stdout + x.stderr).split('\n'), lb = (y.stdout + y.stderr).split('\n');
  let i = 0;
  while (i < la.length && la[i] === lb[i]) i++;
  const around = (ls: string[]) => ls.slice(Math.max(0, i - 6), i + 3).join('\n      ');
  return `  at line ${i + 1}\n    lf:\n      ${around(la)}\n    ${name}:\n      ${around(lb)}`;
}

const local = (t: DateTime) => t.toFormat("yyyy-MM-dd'T'HH:mm");

/** Inside the log, right after it, after a six-week gap, a year later. */
function nowsFor(r: Rnd, first: DateTime, last: DateTime): string[] {
  const inside = first.plus({ minutes: Math.floor(r() * last.diff(first).as('minutes')) });
  return [local(inside), local(last.plus({ hours: int(r, 1, 14) })), local(last.plus({ days: 43, hours: int(r, 0, 23) })), local(last.plus({ days: 366 }))];
}

const daysOf = (first: DateTime, last: DateTime) => [first.toFormat('yyyy-MM-dd'), first.plus({ days: Math.floor(last.diff(first).as('days') / 2) }).toFormat('yyyy-MM-dd'), last.toFormat('yyyy-MM-dd')];

describe(`one answer whatever path reads the file (seed ${SEED}; replay with MEDS_DIFF_SEED=${SEED})`, () => {
  it('the example', () => {
    const r = prng(SEED);
    const text = readFileSync(join(ROOT, 'examples', 'regimen.yaml'), 'utf8');
    const first = DateTime.fromISO('2026-03-08T07:04', { zone: 'America/New_York' });
    const last = DateTime.fromISO('2026-03-08T09:30', { zone: 'America/New_York' });
    const diffs = differences('example', text, nowsFor(r, first, last), r, ['2026-03-01', '2026-03-07', '2026-03-08']);
    expect(diffs, `seed ${SEED}`).toEqual([]);
  }, 180_000);

  it('generated regimens', () => {
    const r = prng(SEED ^ 0x5eed);
    for (let k = 0; k < 1; k++) {
      const g = generate(r);
      const diffs = differences(`generated #${k} (${g.zone})`, g.text, nowsFor(r, g.firstLocal, g.lastLocal), r, daysOf(g.firstLocal, g.lastLocal));
      expect(diffs, `seed ${SEED}, regimen #${k}:\n${g.text.slice(0, 3000)}`).toEqual([]);
    }
  }, 300_000);
});
