#!/usr/bin/env node
/**
 * Deterministic benchmark data for `meds`.
 *
 *   generateRegimen({ years, seed, now }) -> YAML text (the format of examples/regimen.yaml)
 *
 * The log covers whole days: from `years` years before the day of `now` up to
 * and including the day before it, so every dose of "today" is still open (the
 * `take` case records one of them). Same arguments, same bytes.
 *
 * CLI:
 *   node bench/generate.mjs            write bench/data/regimen-{empty,1y,10y}.yaml (only if changed)
 *   node bench/generate.mjs --verify   also parse the files with `yaml` and check counts, order,
 *                                      DST offsets and slots (exit 1 on a problem)
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';

export const ZONE = 'America/New_York';
export const DEFAULT_SEED = 20261120;
/** The benchmark's "now": every run passes `--now NOW`. */
export const NOW = '2026-11-20T09:00';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = join(HERE, 'data');
/** The data sets the benchmark uses: name -> years of log. */
export const DATASETS = { empty: 0, '1y': 1, '10y': 10 };
export const dataPath = (name) => join(DATA_DIR, `regimen-${name}.yaml`);

// ---------------------------------------------------------------- PRNG

/** mulberry32: tiny, fast, good enough, and the same on every platform. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- calendar helpers (luxon; this is a generator, not the hot path)

const MIN = 60_000;
const HOUR = 60 * MIN;
const pad2 = (n) => String(n).padStart(2, '0');

/** A civil date { y, m, d } plus n days. */
function addDays(date, n) {
  const dt = new Date(Date.UTC(date.y, date.m - 1, date.d + n));
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}
const dateKey = (date) => `${date.y}-${pad2(date.m)}-${pad2(date.d)}`;
const dayNum = (date) => Math.round(Date.UTC(date.y, date.m - 1, date.d) / 86_400_000);
const weekday = (date) => new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay(); // 0 = Sunday
const parseDate = (s) => {
  const [y, m, d] = s.split('-').map(Number);
  return { y, m, d };
};

const zone = IANAZone.create(ZONE);
/** Offset of ZONE in minutes at an instant (luxon's IANAZone, cached by the hour: transitions fall on the hour). */
const offsetCache = new Map();
function offsetAt(ms) {
  const h = Math.floor(ms / HOUR);
  let o = offsetCache.get(h);
  if (o === undefined) offsetCache.set(h, (o = zone.offset(h * HOUR)));
  return o;
}
/** The instant (epoch ms) of a local wall time in ZONE (never called for a time in a DST gap). */
function localToMillis(date, minute) {
  const local = Date.UTC(date.y, date.m - 1, date.d) + minute * MIN;
  let t = local - offsetAt(local) * MIN;
  const o = offsetAt(t);
  if (local - o * MIN !== t) t = local - o * MIN;
  return t;
}
/** Local wall-clock fields of an instant. */
function wall(ms) {
  const off = offsetAt(ms);
  return { d: new Date(ms + off * MIN), off };
}
const ymdhm = (d) =>
  `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
/** "2026-03-08T07:04-04:00": minute precision, the zone's offset at that instant. */
function formatAt(ms) {
  const { d, off } = wall(ms);
  const a = Math.abs(off);
  return `${ymdhm(d)}${off < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}
/** "2026-03-08T07:00": the local wall time of an instant (a slot key). */
function formatSlot(ms) {
  return ymdhm(wall(ms).d);
}
const slotKey = (date, minute) => `${dateKey(date)}T${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
const hm = (s) => {
  const [h, m] = s.split(':').map(Number);
  return h * 60 + m;
};

// ---------------------------------------------------------------- the regimen

const ROUTINE = { wake: '06:30', breakfast: '07:00', lunch: '12:00', dinner: '18:00', bed: '22:00' };
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * The 12 medications. `yaml` is the schedule as written in the file; the other
 * fields drive the log generator (they mirror the schedule, and are checked by --verify).
 * Every schedule starts before the 10-year log does.
 */
const MEDICATIONS = [
  { id: 'metformin', lines: ['name: Metformin', 'strength: 500 mg', 'form: tablet', 'purpose: blood sugar', 'dose: 1'],
    yaml: '{ times: [breakfast, dinner] }', times: ['breakfast', 'dinner'], extra: ['instructions: Take with food.'] },
  { id: 'lisinopril', lines: ['name: Lisinopril', 'strength: 10 mg', 'purpose: blood pressure', 'dose: 1'],
    yaml: '{ times: ["08:00"] }', times: ['08:00'] },
  { id: 'atorvastatin', lines: ['name: Atorvastatin', 'strength: 20 mg', 'purpose: cholesterol', 'dose: 1'],
    yaml: '{ times: ["21:00"] }', times: ['21:00'] },
  { id: 'apixaban', lines: ['name: Eliquis (apixaban)', 'strength: 5 mg', 'purpose: atrial fibrillation', 'dose: 1'],
    yaml: '{ times: ["09:00", "21:00"] }', times: ['09:00', '21:00'] },
  { id: 'gabapentin', lines: ['name: Gabapentin', 'strength: 300 mg', 'form: capsule', 'purpose: nerve pain', 'dose: 1'],
    yaml: '{ times: ["07:00", "15:00", "23:00"] }', times: ['07:00', '15:00', '23:00'] },
  { id: 'alendronate', lines: ['strength: 70 mg', 'purpose: bone density', 'dose: 1'],
    yaml: '{ days: [sun], times: ["06:30"] }', times: ['06:30'], days: ['sun'],
    extra: ['instructions: On an empty stomach with a full glass of water; stay upright for 30 minutes.'] },
  { id: 'levodopa', lines: ['name: Carbidopa/levodopa', 'strength: 25/100 mg', 'purpose: tremor', 'dose: 1'],
    yaml: '{ every: 8h, from: 2016-01-04T06:00 }', everyHours: 8, fromDateTime: '2016-01-04T06:00' },
  { id: 'estradiol', lines: ['name: Estradiol (cyclic)', 'strength: 1 mg', 'dose: 1'],
    yaml: '{ times: ["21:00"], cycle: { on: 21, off: 7 }, from: 2016-01-03 }', times: ['21:00'],
    cycle: { on: 21, off: 7 }, from: '2016-01-03' },
  { id: 'prednisone', lines: ['strength: 5 mg', 'purpose: polymyalgia'],
    yaml: null, // phases: a taper, then a maintenance dose with no end
    phases: [
      { from: '2016-03-01', until: '2016-03-14', times: ['08:00'], dose: 4 },
      { from: '2016-03-15', until: '2016-03-28', times: ['08:00'], dose: 2 },
      { from: '2016-03-29', times: ['08:00'], dose: 1 },
    ] },
  { id: 'levothyroxine', lines: ['name: Levothyroxine', 'strength: 50 mcg', 'purpose: thyroid', 'dose: 1'],
    yaml: '{ every: 2d, from: 2016-01-01, times: [wake] }', times: ['wake'], everyDays: 2, from: '2016-01-01' },
  { id: 'vitamin-d', lines: ['name: Cholecalciferol', 'strength: 50000 IU', 'form: capsule', 'dose: 1'],
    yaml: '{ days: [sat], times: [breakfast] }', times: ['breakfast'], days: ['sat'] },
  { id: 'ibuprofen', lines: ['strength: 200 mg', 'purpose: pain', 'dose: 2'],
    yaml: '{ asNeeded: true, minInterval: 6h, maxPerDay: 4 }', asNeeded: true },
];

function head({ years, seed, nowDate, logStart, rand }) {
  const out = [];
  out.push('# yaml-language-server: $schema=../../schema/meds.schema.json');
  out.push(`# Generated by bench/generate.mjs (seed ${seed}, ${years} year(s) of log from ${dateKey(logStart)} to the day before ${dateKey(nowDate)}). Do not edit.`);
  out.push('meds: 1');
  out.push('patient:');
  out.push('  name: Bench Patient');
  out.push(`  timezone: ${ZONE}`);
  out.push('  born: 1957-04-02');
  out.push('  allergies: [sulfonamides]');
  out.push('  conditions: [type 2 diabetes, hypertension, atrial fibrillation]');
  out.push(`  routine: { ${Object.entries(ROUTINE).map(([k, v]) => `${k}: "${v}"`).join(', ')} }`);
  out.push('settings:');
  out.push('  window: { early: 1h, late: 2h }');
  out.push('medications:');
  for (const med of MEDICATIONS) {
    out.push(`  - id: ${med.id}`);
    for (const l of med.lines) out.push(`    ${l}`);
    if (med.phases) {
      out.push('    schedule:');
      for (const p of med.phases) {
        const parts = [`from: ${p.from}`];
        if (p.until) parts.push(`until: ${p.until}`);
        parts.push(`times: [${p.times.map((t) => `"${t}"`).join(', ')}]`, `dose: ${p.dose}`);
        out.push(`      - { ${parts.join(', ')} }`);
      }
    } else {
      out.push(`    schedule: ${med.yaml}`);
    }
    for (const l of med.extra ?? []) out.push(`    ${l}`);
    const counted = addDays(nowDate, -(5 + Math.floor(rand() * 40)));
    out.push(`    supply: { onHand: 60, countedAt: ${dateKey(counted)}, refillsLeft: 3, quantity: 60, leadDays: 7 }`);
  }
  out.push('log:                                 # one entry per line, oldest first');
  return out;
}

/** Scheduled slots of one medication on [start, endExclusive) as { ms, slot }. */
function slotsOf(med, start, endExclusive) {
  const res = [];
  const startMs = localToMillis(start, 0);
  const endMs = localToMillis(endExclusive, 0);
  if (med.everyHours) {
    // Elapsed time from a local date-time: the wall clock of the slots moves with DST.
    const [d, t] = med.fromDateTime.split('T');
    let ms = localToMillis(parseDate(d), hm(t));
    const step = med.everyHours * HOUR;
    if (ms < startMs) ms += Math.ceil((startMs - ms) / step) * step;
    for (; ms < endMs; ms += step) res.push({ ms, slot: formatSlot(ms) });
    return res;
  }
  const total = dayNum(endExclusive) - dayNum(start);
  for (let i = 0; i < total; i++) {
    const date = addDays(start, i);
    let times = med.times, ok = true;
    if (med.phases) {
      const dn = dayNum(date);
      const phase = med.phases.find((p) => dn >= dayNum(parseDate(p.from)) && (!p.until || dn <= dayNum(parseDate(p.until))));
      if (!phase) ok = false;
      else times = phase.times;
    }
    if (med.days && !med.days.includes(WEEKDAYS[weekday(date)])) ok = false;
    if (med.from && dayNum(date) < dayNum(parseDate(med.from))) ok = false;
    if (med.everyDays && (dayNum(date) - dayNum(parseDate(med.from))) % med.everyDays !== 0) ok = false;
    if (med.cycle && (dayNum(date) - dayNum(parseDate(med.from))) % (med.cycle.on + med.cycle.off) >= med.cycle.on) ok = false;
    if (!ok) continue;
    for (const t of times) {
      const minute = hm(ROUTINE[t] ?? t);
      res.push({ ms: localToMillis(date, minute), slot: slotKey(date, minute) });
    }
  }
  return res;
}

/** A deviation in minutes in [-40, 40], most of them close to the slot (triangular). */
const jitter = (rand) => Math.round((rand() + rand() - 1) * 40);

/**
 * The regimen file as YAML text.
 * @param {{ years: number, seed?: number, now?: string }} opts  now: "YYYY-MM-DD[THH:MM]" (local); only its date matters
 */
export function generateRegimen({ years, seed = DEFAULT_SEED, now = NOW } = {}) {
  if (!(years >= 0)) throw new Error('years must be >= 0');
  const rand = mulberry32(seed);
  const nowDate = parseDate(String(now).slice(0, 10));
  const logStart = { y: nowDate.y - years, m: nowDate.m, d: nowDate.d };
  const lines = head({ years, seed, nowDate, logStart, rand });
  if (years === 0) return lines.join('\n') + '\n';

  const entries = []; // { ms, order, text }
  let order = 0;
  for (const med of MEDICATIONS) {
    if (med.asNeeded) continue;
    for (const { ms, slot } of slotsOf(med, logStart, nowDate)) {
      const r = rand();
      const at = ms + jitter(rand) * MIN;
      if (r < 0.93) entries.push({ ms: at, order: order++, text: `  - { at: ${formatAt(at)}, med: ${med.id}, for: ${slot}, status: taken }` });
      else if (r < 0.96) entries.push({ ms: at, order: order++, text: `  - { at: ${formatAt(at)}, med: ${med.id}, for: ${slot}, status: skipped, reason: nausea }` });
      // else: missed, no entry
    }
  }
  // As needed: on ~12% of days, 1-3 doses between 08:00 and 22:00, >= 6 h apart, <= 4 a day.
  const prn = MEDICATIONS.find((m) => m.asNeeded);
  const days = dayNum(nowDate) - dayNum(logStart);
  for (let i = 0; i < days; i++) {
    if (rand() >= 0.12) continue;
    const date = addDays(logStart, i);
    const n = 1 + Math.floor(rand() * 3);
    let minute = 8 * 60 + Math.floor(rand() * 120);
    for (let k = 0; k < n && minute <= 22 * 60; k++) {
      const at = localToMillis(date, minute);
      entries.push({ ms: at, order: order++, text: `  - { at: ${formatAt(at)}, med: ${prn.id}, status: taken }` });
      minute += 6 * 60 + Math.floor(rand() * 180);
    }
  }
  entries.sort((a, b) => a.ms - b.ms || a.order - b.order);
  for (const e of entries) lines.push(e.text);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- files

/** Write bench/data/regimen-*.yaml; rewrites a file only if its content changed. Returns { name: { path, bytes, entries } }. */
export function writeDatasets({ seed = DEFAULT_SEED, now = NOW } = {}) {
  mkdirSync(DATA_DIR, { recursive: true });
  const info = {};
  for (const [name, years] of Object.entries(DATASETS)) {
    const text = generateRegimen({ years, seed, now });
    const path = dataPath(name);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
    info[name] = { path, years, bytes: Buffer.byteLength(text), entries: countEntries(text) };
  }
  return info;
}

export function countEntries(text) {
  const i = text.indexOf('\nlog:');
  if (i < 0) return 0;
  let n = 0;
  for (const line of text.slice(i + 1).split('\n')) if (line.startsWith('  - {')) n++;
  return n;
}

// ---------------------------------------------------------------- verification

/** US Eastern offset in minutes for an instant, by the US rules since 2007 (independent of luxon). */
function easternOffset(ms) {
  const y = new Date(ms).getUTCFullYear();
  const nthSunday = (month, n) => {
    const first = new Date(Date.UTC(y, month, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (n - 1);
  };
  const dstStart = Date.UTC(y, 2, nthSunday(2, 2), 7); // 02:00 EST = 07:00 UTC
  const dstEnd = Date.UTC(y, 10, nthSunday(10, 1), 6); // 02:00 EDT = 06:00 UTC
  return ms >= dstStart && ms < dstEnd ? -240 : -300;
}

/** Parse the files with `yaml` and check them. Returns a list of problems (empty = fine). */
export async function verifyDatasets(info) {
  const { parse } = await import('yaml');
  const problems = [];
  const AT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/;
  for (const [name, { path, years, entries }] of Object.entries(info)) {
    const doc = parse(readFileSync(path, 'utf8'));
    const log = doc.log ?? [];
    const p = (msg) => problems.push(`${name}: ${msg}`);
    if (doc.meds !== 1) p('meds: 1 missing');
    if (doc.patient?.timezone !== ZONE) p('timezone');
    if (doc.medications?.length !== 12) p(`expected 12 medications, found ${doc.medications?.length}`);
    for (const m of doc.medications ?? []) if (!m.supply || m.supply.onHand !== 60) p(`${m.id}: supply`);
    if (log.length !== entries) p(`yaml parsed ${log.length} entries, line count says ${entries}`);
    const ids = new Set((doc.medications ?? []).map((m) => m.id));
    let prev = -Infinity, summer = 0, winter = 0;
    const seen = new Set();
    const counts = { taken: 0, skipped: 0 };
    for (const [i, e] of log.entries()) {
      const m = AT_RE.exec(String(e.at));
      if (!m) { p(`#${i} bad at ${e.at}`); continue; }
      const off = (m[6] === '-' ? -1 : 1) * (+m[7] * 60 + +m[8]);
      const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - off * MIN;
      if (off !== easternOffset(ms)) p(`#${i} ${e.at}: offset should be ${easternOffset(ms)} min`);
      off === -240 ? summer++ : winter++;
      if (ms < prev) p(`#${i} out of order`);
      prev = ms;
      if (!ids.has(e.med)) p(`#${i} unknown med ${e.med}`);
      counts[e.status] = (counts[e.status] ?? 0) + 1;
      if (e.status === 'skipped' && e.reason !== 'nausea') p(`#${i} skipped without reason`);
      if (e.med === 'ibuprofen') {
        if (e.for !== undefined) p(`#${i} as-needed entry with for`);
        continue;
      }
      const s = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(String(e.for));
      if (!s) { p(`#${i} bad for ${e.for}`); continue; }
      const key = `${e.med} ${e.for}`;
      if (seen.has(key)) p(`#${i} duplicate slot ${key}`);
      seen.add(key);
      const localAt = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
      const localSlot = Date.UTC(+s[1], +s[2] - 1, +s[3], +s[4], +s[5]);
      if (Math.abs(localAt - localSlot) > 40 * MIN) p(`#${i} at ${e.at} more than 40 min from slot ${e.for}`);
    }
    if (years > 0) {
      if (!summer || !winter) p(`expected both -04:00 and -05:00 offsets (summer ${summer}, winter ${winter})`);
      const lastDay = String(log.at(-1)?.at).slice(0, 10);
      if (lastDay >= NOW.slice(0, 10)) p(`log reaches the day of now (${lastDay})`);
      const share = counts.skipped / log.length;
      if (share < 0.02 || share > 0.045) p(`skipped share ${share.toFixed(3)}`);
    }
    info[name].taken = counts.taken;
    info[name].skipped = counts.skipped;
    info[name].summer = summer;
    info[name].winter = winter;
  }
  return problems;
}

// ---------------------------------------------------------------- CLI

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  const info = writeDatasets();
  for (const [name, i] of Object.entries(info)) {
    console.log(`${i.path}: ${i.entries} entries, ${i.bytes} bytes`);
  }
  console.log(`generated in ${(performance.now() - t0).toFixed(0)} ms`);
  if (process.argv.includes('--verify')) {
    const problems = await verifyDatasets(info);
    for (const [name, i] of Object.entries(info)) {
      if (i.years) console.log(`${name}: taken ${i.taken}, skipped ${i.skipped}, offsets -04:00 ${i.summer} / -05:00 ${i.winter}`);
    }
    if (problems.length) {
      console.error(`${problems.length} problem(s):\n` + problems.slice(0, 30).join('\n'));
      process.exit(1);
    }
    console.log('verify: ok');
  }
}
