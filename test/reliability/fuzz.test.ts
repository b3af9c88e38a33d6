/**
 * Issue 5, hostile and broken files. A corpus of at least 200 broken files
 * made by a table of generators (truncations, wrong types, binary junk, huge
 * numbers, impossible times and dates, unknown zones, duplicate keys, tabs,
 * BOM, CRLF, very long lines, deep nesting, alias bombs, custom tags, odd log
 * lines), plus random mutations of valid files (fast-check). Each file loads
 * correctly or ends in a clear error (MedsError, exit 65) with a position,
 * within bounded time; the fast log path and the full parser agree; a write
 * on a broken file never writes. The notable files are saved under
 * test/fixtures/broken/ and run through the built binary under a memory cap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BIN, ROOT, meds, read, tempDir } from '../helpers/cli.js';
import { parseRegimen, type Loaded } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { mutate } from '../../src/store/transaction.js';
import { appendLogEntry } from '../../src/store/edit.js';
import { MedsError } from '../../src/errors.js';

const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
const MIN = ['meds: 1', 'patient:', '  timezone: UTC', 'medications:', '  - id: a', '    schedule: { times: ["08:00"] }', 'log:', '  - { at: 2026-03-08T08:01Z, med: a, for: 2026-03-08T08:00, status: taken }', ''].join('\n');
const BROKEN_DIR = path.join(ROOT, 'test/fixtures/broken');
const TIME_LIMIT_MS = 3_000;

const summary = { corpus: 0, corpusLoaded: 0, corpusRejected: 0, slowestMs: 0, mutations: 0, mutationsLoaded: 0, writesRefused: 0, binaryFiles: 0, binaryRuns: 0 };
afterAll(() => console.log(`[reliability] fuzz: ${JSON.stringify(summary)}`));

// ---------------------------------------------------------------------------
// The corpus: a table of generators, each giving named texts.

const rep = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`corpus generator: ${JSON.stringify(from)} not in base`);
  return text.replace(from, to);
};
const F = (from: string, to: string) => rep(FIXTURE, from, to);
const M = (from: string, to: string) => rep(MIN, from, to);
const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed >>> 8);
const junk = (seed: number, n: number) => {
  const r = lcg(seed);
  return Buffer.from(Array.from({ length: n }, () => r() & 0xff)).toString('utf8'); // invalid UTF-8 becomes U+FFFD
};
const laughs = (levels: number) => {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  return ['meds: 1', 'patient: { timezone: UTC }', 'notes:', ...lines.map((l) => `  ${l}`), ''].join('\n');
};
const nestFlow = (n: number, where = 'notes') => `meds: 1\npatient: { timezone: UTC }\n${where}: ${'['.repeat(n)}${']'.repeat(n)}\n`;
const nestMap = (n: number) => `meds: 1\npatient: { timezone: UTC }\nnotes: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
const nestBlock = (n: number) => `meds: 1\npatient: { timezone: UTC }\nnotes:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;

const corpus: [string, string][] = [];
const add = (name: string, text: string) => corpus.push([name, text]);

// Truncated at 60 places, some mid-token.
for (let i = 1; i <= 60; i++) add(`truncated at ${i}/61`, FIXTURE.slice(0, Math.floor((FIXTURE.length * i) / 61)));
// Wrong types, key by key.
const wrongTypes: [string, string, string[]][] = [
  ['meds: 1 ', 'meds: X ', ['2', '"1"', '[1]', '{ v: 1 }', '~', 'true', '1.5', '0x1']],
  ['timezone: America/New_York ', 'timezone: X ', ['5', '[UTC]', '~', '{ z: UTC }', 'true']],
  ['born: 1957-04-02', 'born: X', ['1957', '[1957]', '02/04/1957', '1957-4-2']],
  ['allergies: [sulfonamides]', 'allergies: X', ['sulfonamides', '{ a: 1 }', '5']],
  ['routine: { wake: "06:30"', 'routine: { wake: X', ['630', '"6:30"', '[]', '"06:30 am"']],
  ['window: { early: 1h, late: 2h }', 'window: X', ['1h', '{ early: 1 }', '{ early: 1x }', '{ late: -2h }', '{ early: "1 hour" }']],
  ['    dose: 1                          # units', '    dose: X # units', ['one', '-1', '0', '.inf', '.nan', '[1]', '"1"', '1e400']],
  ['schedule: { times: [breakfast, dinner] }', 'schedule: X', ['daily', '5', '[]', '{ times: breakfast }', '{ times: [8] }', '{ times: [[]] }', '{ times: [{}] }', '{ times: [{ at: 5 }] }', '{ times: [] }', '{}', '{ times: [lunchbreak] }', '{ times: [breakfast], days: [funday] }', '{ times: [breakfast], monthDays: [0] }', '{ times: [breakfast], monthDays: [32] }']],
  ['  - id: apixaban', '  - id: X', ['5', '"has space"', '~', '[a]', '"-lead"']],
  ['log:                                 # one entry', 'log: X # one entry', ['{}', '"x"', '5', 'true']],
  ['status: skipped, reason: nausea', 'status: X', ['took', '1', 'TAKEN', '~', '[taken]']],
  ['at: 2026-03-08T09:30-04:00', 'at: X', ['5', 'yesterday', '"2026-03-08"', '2026-03-08T09:30+99:00', '[2026]']],
  ['count: 21 }', 'count: X }', ['0', '-3', '2.5', 'many', '1e400']],
  ['cycle: { on: 21, off: 7 }', 'cycle: X', ['21', '{ on: 21 }', '{ on: 0, off: 7 }', '{ on: 21, off: -1 }', '{ on: 21, off: 7, x: 1 }']],
];
for (const [from, template, values] of wrongTypes) for (const v of values) add(`wrong type: ${template.replace('X', v)}`, F(from, template.replace('X', v)));
// Binary junk: whole files, appended, inserted, NUL and control bytes.
for (let s = 1; s <= 12; s++) add(`binary junk #${s}`, junk(s, 64 * s));
for (let s = 1; s <= 6; s++) add(`valid file + junk #${s}`, FIXTURE + junk(100 + s, 200));
for (let s = 1; s <= 6; s++) add(`junk inside #${s}`, FIXTURE.slice(0, 300 * s) + junk(200 + s, 40) + FIXTURE.slice(300 * s));
add('NUL after a value', F('meds: 1 ', 'meds: 1\0'));
add('NUL in a log line', F('status: taken }', 'status: taken\0 }'));
add('control characters', F('name: Alex Rivera', 'name: Alex\x07\x1b[31mRivera'));
add('lone surrogate', F('name: Alex Rivera', 'name: "Alex \\ud800"'));
// Invented time zones (POSIX TZ strings, read by the Date with the sign reversed), and zones in the wrong case.
for (const z of ['UTC+5', 'Mars+3', 'ABC-10', 'UTC+24', 'EST5', 'us/eastern', 'IST', '"+05:00"']) add(`timezone ${z}`, F('timezone: America/New_York', `timezone: ${z}`));
// Huge numbers.
for (const v of ['1e308', '1e309', '-1e309', '123456789012345678901234567890', '0.0000000000000000000001', '9007199254740993']) add(`huge dose ${v}`, F('    dose: 1                          # units', `    dose: ${v}`));
for (const v of ['1e20', '9007199254740993', '99999999999999999999999']) add(`huge count ${v}`, F('count: 21 }', `count: ${v} }`));
for (const v of ['999999999999h', '1e3h', '0.001min', '0.5min', '0min', '0h', '1min', '14min', '14.99min']) add(`every ${v}`, F('every: 8h', `every: ${v}`));
add('huge cycle', F('cycle: { on: 21, off: 7 }', 'cycle: { on: 1, off: 999999999999 }'));
add('huge every days', F('every: 2d', 'every: 99999999d'));
add('huge maxPerDay', F('maxPerDay: 4', 'maxPerDay: 1e300'));
add('huge pdcThreshold', F('window: { early: 1h, late: 2h }', 'window: { early: 1h, late: 2h }\n  pdcThreshold: 1e300'));
add('year 0 and year 9999', F('from: 2026-01-04', 'from: 0000-01-01').replace('until: 2026-02-05', 'until: 9999-12-31'));
// Impossible times.
for (const t of ['25:00', '24:00', '23:60', '-1:00', '7:5', '07:00:00', '0700', '12:00 pm', '99:99']) add(`time ${t}`, F('"21:00"] }', `"${t}"] }`));
for (const t of ['25:00', '24:00', '23:60']) add(`routine ${t}`, F('bed: "22:00"', `bed: "${t}"`));
for (const t of ['25:00', '24:00']) add(`log for ${t}`, F('for: 2026-03-08T07:00', `for: 2026-03-08T${t}`));
for (const t of ['25:00', '24:00', '23:60']) add(`log at ${t}`, F('at: 2026-03-08T07:04-04:00', `at: 2026-03-08T${t}-04:00`));
// Impossible dates, everywhere a date goes.
const badDates = ['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '0000-00-00'];
for (const d of badDates) add(`log at ${d}`, F('at: 2026-03-08T07:04-04:00', `at: ${d}T07:04-04:00`));
for (const d of badDates) add(`log for ${d}`, F('for: 2026-03-08T07:00', `for: ${d}T07:00`));
for (const d of badDates.slice(0, 4)) add(`phase from ${d}`, F('from: 2026-02-01', `from: ${d}`));
for (const d of badDates.slice(0, 4)) add(`phase until ${d}`, F('until: 2026-02-05', `until: ${d}`));
for (const d of badDates.slice(0, 3)) add(`born ${d}`, F('born: 1957-04-02', `born: ${d}`));
add('until before from', F('until: 2026-02-05', 'until: 2026-01-05'));
add('phases out of order', F('from: 2026-02-06', 'from: 2026-01-06'));
add('log at without offset, bad date', M('at: 2026-03-08T08:01Z', 'at: 2026-02-30T08:01'));
// Unknown zones.
for (const z of ['Mars/Olympus', '""', 'UTC+5', 'Etc/GMT+99', '" UTC"', '../../etc/passwd', 'America/New York', 'EST5EDTX', '"\\0"']) add(`zone ${z}`, F('timezone: America/New_York ', `timezone: ${z} `));
// Duplicate keys and ids.
add('duplicate top-level key', F('meds: 1 ', 'meds: 1\nmeds: 1 '));
add('duplicate patient key', F('  name: Alex Rivera', '  name: Alex Rivera\n  name: Sam'));
add('duplicate key in a medication', F('    strength: 70 mg', '    strength: 70 mg\n    strength: 35 mg'));
add('duplicate key in a flow map', F('status: taken }', 'status: taken, status: skipped }'));
add('duplicate key in a schedule', F('schedule: { times: ["21:00"]', 'schedule: { times: ["21:00"], times: ["09:00"]'));
add('duplicate medication id', F('  - id: apixaban', '  - id: metformin'));
add('two log keys', FIXTURE + 'log:\n  - { at: 2026-03-08T09:30-04:00, med: metformin, status: taken }\n');
add('log not last, then log again', F('medications:', 'log: []\nmedications:'));
add('duplicate time in a day', F('times: ["09:00", "21:00"]', 'times: ["09:00", "09:00"]'));
add('duplicate routine key', F('wake: "06:30", breakfast', 'wake: "06:30", wake: "06:31", breakfast'));
// Tabs.
add('tab indentation', F('  name: Alex', '\tname: Alex'));
add('tab before a log entry', F('  - { at: 2026-03-08T07:04', '\t- { at: 2026-03-08T07:04'));
add('tab inside a log entry', F('med: metformin, for', 'med:\tmetformin, for'));
add('tab after a colon', F('meds: 1 ', 'meds:\t1 '));
add('tab in a flow list', F('allergies: [sulfonamides]', 'allergies: [\tsulfonamides]'));
add('tabs everywhere', FIXTURE.replace(/ {2}/g, '\t'));
// BOM.
add('BOM (valid)', '\ufeff' + FIXTURE);
add('double BOM', '\ufeff\ufeff' + FIXTURE);
add('BOM in the middle', F('patient:', '\ufeffpatient:'));
add('BOM in a log line', F('  - { at: 2026-03-08T09:30', '\ufeff  - { at: 2026-03-08T09:30'));
add('BOM + CRLF', '\ufeff' + FIXTURE.replace(/\n/g, '\r\n'));
// Line endings.
add('CRLF (valid)', FIXTURE.replace(/\n/g, '\r\n'));
add('CR only', FIXTURE.replace(/\n/g, '\r'));
add('mixed CRLF and LF', FIXTURE.split('\n').map((l, i) => l + (i % 2 ? '\r' : '')).join('\n'));
add('CRLF log only', FIXTURE.replace(/(\n {2}- \{ at)/g, '\r$1'));
add('no final newline', FIXTURE.trimEnd());
add('form feed and vertical tab', F('meds: 1 ', 'meds: 1\f\v '));
add('U+2028 line separator', F('meds: 1 ', 'meds: 1\u2028'));
// Very long lines.
add('1 MB name', F('name: Alex Rivera', `name: ${'x'.repeat(1 << 20)}`));
add('1 MB comment', F('# format version', `# ${'c'.repeat(1 << 20)}`));
add('1 MB key', F('meds: 1 ', `meds: 1\n${'k'.repeat(1 << 20)}: 1 `));
add('1 MB log line', F('reason: nausea', `reason: ${'n'.repeat(1 << 20)}`));
add('20k-item flow list', F('allergies: [sulfonamides]', `allergies: [${Array(20_000).fill('a').join(', ')}]`));
add('4 MB of comments', FIXTURE + '#'.repeat(4 << 20) + '\n');
add('10,000 log lines', FIXTURE + Array.from({ length: 10_000 }, (_, i) => `  - { at: 2026-03-08T09:${String(i % 60).padStart(2, '0')}-04:00, med: ibuprofen, status: taken }\n`).join(''));
// Deep nesting.
for (const n of [100, 1_000, 10_000, 50_000]) add(`flow nesting ${n}`, nestFlow(n));
for (const n of [1_000, 10_000]) add(`flow nesting ${n} in medications`, nestFlow(n, 'medications'));
for (const n of [100, 1_000, 10_000]) add(`map nesting ${n}`, nestMap(n));
for (const n of [100, 1_000, 3_000]) add(`block nesting ${n}`, nestBlock(n));
add('nesting in a log line', F('status: taken }', `status: taken, note: ${'['.repeat(500)}${']'.repeat(500)} }`));
// Aliases.
for (const n of [3, 5, 7, 9, 12]) add(`alias bomb, ${n} levels`, laughs(n));
add('alias bomb in the log', F('log:                                 # one entry per line, oldest first', `x: &x [1,2,3,4,5,6,7,8,9]\ny: &y [*x,*x,*x,*x,*x,*x,*x,*x,*x]\nz: &z [*y,*y,*y,*y,*y,*y,*y,*y,*y]\nlog: [*z,*z,*z,*z,*z,*z,*z,*z,*z,*z,*z,*z]\nw:`));
add('self-referencing alias', 'meds: 1\npatient: { timezone: UTC }\nnotes: &a [*a]\n');
add('undefined alias', 'meds: 1\npatient: { timezone: UTC }\nnotes: *nothing\n');
add('alias as a key', 'meds: 1\npatient: &p { timezone: UTC }\n*p : 1\n');
add('merge key', F('  - id: apixaban', '  - <<: { id: apixaban }'));
add('alias log entry (valid)', F('  - { at: 2026-03-08T09:30', '  - &e { at: 2026-03-08T09:30') + '  - *e\n');
add('anchored medication reused', F('  - id: apixaban', '  - &m\n    id: apixaban') + 'extra: *m\n');
// Tags.
for (const tag of ['!!js/function "function(){ return 1 }"', '!!js/regexp /x/', '!!js/undefined ""', '!!python/object:os.system "ls"', '!!binary aGVsbG8=', '!!set { a, b }', '!!omap [ a: 1 ]', '!!timestamp 2026-03-08', '!custom x', '!<tag:example.com,2000:x> y', '!!int "x"', '!!float "one"', '!!str 1', '!!bool yes', '!!null ""', '!!map []', '!!seq {}'])
  add(`tag ${tag.split(' ')[0]}`, F('    instructions: Take with food.', `    instructions: ${tag}`));
add('tag on meds', F('meds: 1 ', 'meds: !!str 1 '));
add('tag on a log entry', F('  - { at: 2026-03-08T09:30', '  - !!map { at: 2026-03-08T09:30'));
add('%TAG directive', `%TAG !e! tag:example.com,2000:\n---\n${FIXTURE}`);
add('%YAML 1.1 directive', `%YAML 1.1\n---\n${FIXTURE}`);
add('%YAML 9.9 directive', `%YAML 9.9\n---\n${FIXTURE}`);
// Whole-file shapes.
for (const [name, text] of [
  ['empty', ''], ['whitespace', '   \n\n  \n'], ['only comments', '# a\n# b\n'], ['document start only', '---\n'], ['document end only', '...\n'],
  ['a scalar', 'hello\n'], ['a number', '42\n'], ['a list', '- a\n- b\n'], ['null', '~\n'], ['two documents', `${FIXTURE}---\n${FIXTURE}`],
  ['document end then junk', `${FIXTURE}...\njunk: [\n`], ['JSON (valid)', JSON.stringify({ meds: 1, patient: { timezone: 'UTC' }, medications: [{ id: 'a', schedule: { times: ['08:00'] } }], log: [] })],
  ['JSON with trailing comma', '{"meds": 1, "patient": {"timezone": "UTC"},}'], ['unclosed flow map', 'meds: 1\npatient: { timezone: UTC\n'], ['unclosed quote', 'meds: 1\npatient: { timezone: "UTC }\n'],
  ['a key with no value', 'meds:\npatient:\n'], ['missing patient', 'meds: 1\n'], ['missing meds', 'patient: { timezone: UTC }\n'], ['block scalar', 'meds: 1\npatient: |\n  timezone: UTC\n'],
  ['complex key', 'meds: 1\n? [a, b]\n: c\npatient: { timezone: UTC }\n'], ['bad indentation', 'meds: 1\npatient:\n  timezone: UTC\n name: x\n'], ['question-mark key', '? meds\n: 1\npatient: { timezone: UTC }\n'],
] as [string, string][]) add(`shape: ${name}`, text);
// Log lines the fast path must not guess about.
const logLines = [
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken', // unclosed
  '  - at: 2026-03-08T08:30-04:00', // block entry
  '  - { at: 2026-03-08T08:30-04:00, med: nosuch, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, colour: red }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen }',
  '  - { med: ibuprofen, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken } trailing',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }# no space',
  '   - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }', // other indentation
  '- { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }', // column 0
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, reason: "a \\q b" }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, reason: "unterminated }',
  "  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, reason: 'it''s' }",
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, dose: 0 }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, dose: -2 }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, dose: 1e999 }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, extra: yes }',
  '  - { at: 2026-03-08T08:30-04:00, med: [ibuprofen], status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: { id: ibuprofen }, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, for: 2026-03-08, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, for: tomorrow, status: taken }',
  '  - { at: 2026-03-08T08:30, med: ibuprofen, status: taken }', // no offset: read in the patient's zone
  '  - { at: 2026-03-08 08:30:00.123-04, med: ibuprofen, status: taken }',
  '  - { "at": "2026-03-08T08:30-04:00", "med": "ibuprofen", "status": "taken" }',
  '  - {at: 2026-03-08T08:30-04:00,med: ibuprofen,status: taken}',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, }',
  '  - {}',
  '  - ',
  '  - ~',
  '  - [a, b]',
  '  - &a { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }',
  '  - !!map { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }',
  '  - { ? at : 2026-03-08T08:30-04:00, med: ibuprofen, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken, reason: a: b }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibu#profen, status: taken }',
  '  - { at: 2026-03-08T08:30-04:00, med: ibuprofen, status: taken } # fine',
  '  # a comment line',
  '    continuation: of the previous entry',
  'notlog: after the log',
];
logLines.forEach((l, i) => add(`log line #${i}: ${l.trim().slice(0, 60)}`, FIXTURE + l + '\n'));

// ---------------------------------------------------------------------------

interface Outcome {
  ok: boolean;
  loaded?: Loaded;
  err?: MedsError;
  ms: number;
}

function attempt(text: string, full: boolean): Outcome {
  const t0 = performance.now();
  try {
    const loaded = parseRegimen(text, '/fuzz/regimen.yaml', { full });
    return { ok: true, loaded, ms: performance.now() - t0 };
  } catch (err) {
    const ms = performance.now() - t0;
    if (!(err instanceof MedsError)) throw new Error(`not a MedsError (a stack trace for the user): ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, err, ms };
  }
}

/** Loads, or a clear error with a position that is inside the file. */
function expectClear(text: string, o: Outcome): void {
  expect(o.ms).toBeLessThan(TIME_LIMIT_MS);
  if (o.ok) return;
  const e = o.err!;
  expect(e.code).toBe('invalid');
  expect(e.exitCode).toBe(65);
  expect(e.message).toMatch(/^\/fuzz\/regimen\.yaml is not a valid regimen file: \S/);
  expect(e.message).not.toMatch(/\n/); // one line, however long or multi-line the bad value
  expect(e.message.length).toBeLessThan(400);
  expect(e.pos, `no position: ${e.message}`).toBeDefined();
  const lines = text.split(/\r\n|\r|\n/).length;
  expect(e.pos!.line).toBeGreaterThanOrEqual(1);
  expect(e.pos!.line).toBeLessThanOrEqual(lines + 1);
  expect(e.pos!.col).toBeGreaterThanOrEqual(1);
}

const comparable = (l: Loaded) => JSON.stringify(l.regimen, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));

function check(name: string, text: string): Outcome {
  const fast = attempt(text, false);
  const full = attempt(text, true);
  expectClear(text, fast);
  expectClear(text, full);
  // The fast log path never decides differently from the full parser.
  expect(fast.ok, `${name}: fast ${fast.ok ? 'loads' : 'rejects'}, full ${full.ok ? 'loads' : 'rejects'} (${(fast.err ?? full.err)?.message})`).toBe(full.ok);
  if (fast.ok) expect(comparable(fast.loaded!)).toBe(comparable(full.loaded!));
  summary.slowestMs = Math.max(summary.slowestMs, Math.round(fast.ms), Math.round(full.ms));
  return full;
}

/** A `take`-like write through the real transaction: on a broken file nothing is written. */
function tryWrite(dir: string, text: string): 'written' | 'refused' {
  const file = path.join(dir, 'regimen.yaml');
  fs.writeFileSync(file, text);
  try {
    mutate(file, (l) => ({
      text: appendLogEntry(l, { at: '2026-03-08T10:00Z', med: l.regimen.medications[0]?.id ?? 'none', status: 'taken' }),
      result: undefined,
      verify: (after) => {
        if (after.logCount !== l.logCount + 1) throw new Error('the entry did not read back');
      },
    }));
  } catch (err) {
    expect(err, (err as Error).stack).toBeInstanceOf(MedsError);
    expect(read(file)).toBe(text); // never a write
    expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
    return 'refused';
  }
  const after = parseRegimen(read(file), file, { full: true }); // a write is always a valid file
  expect(read(file).length).toBeGreaterThan(text.length);
  expect(after.logCount).toBe(parseRegimen(text, file, { full: true }).logCount + 1);
  return 'written';
}

describe('a corpus of broken files', () => {
  it('has at least 200 distinct cases', () => {
    expect(new Set(corpus.map(([, t]) => t)).size).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map(([n]) => n)).size).toBe(corpus.length);
  });

  const dir = tempDir('meds-fuzz-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const CHUNK = 10;
  for (let c = 0; c < corpus.length; c += CHUNK) {
    const part = corpus.slice(c, c + CHUNK);
    it(`cases ${c + 1}-${c + part.length}: each loads or ends in a clear error with a position, fast and full parsers agree, a write on a broken file writes nothing`, () => {
      for (const [name, text] of part) {
        const o = check(name, text);
        summary.corpus++;
        if (o.ok) summary.corpusLoaded++;
        else summary.corpusRejected++;
        const w = tryWrite(dir, text);
        if (!o.ok) expect(w, name).toBe('refused');
        if (w === 'refused') summary.writesRefused++;
      }
    }, 60_000);
  }

  it('the notable broken files expected to be rejected are rejected', () => {
    const must = ['time 25:00', 'log at 2026-02-30', 'zone Mars/Olympus', 'duplicate top-level key', 'tab indentation', 'alias bomb, 9 levels', 'tag !!js/function', 'flow nesting 50000', 'every 0.001min', 'every 1min', 'every 14min', 'timezone UTC+5', 'timezone Mars+3', 'timezone ABC-10', 'timezone UTC+24', 'timezone us/eastern', 'huge dose 1e309', 'binary junk #3', 'truncated at 30/61', 'CR only'];
    for (const name of must) {
      const entry = corpus.find(([n]) => n === name);
      expect(entry, name).toBeDefined();
      expect(attempt(entry![1], true).ok, name).toBe(false);
    }
    for (const name of ['BOM (valid)', 'CRLF (valid)', 'shape: JSON (valid)', 'alias log entry (valid)']) expect(attempt(corpus.find(([n]) => n === name)![1], false).ok, name).toBe(true);
  });
});

describe('random mutations of valid files (fast-check)', () => {
  const BASES = [FIXTURE, MIN, FIXTURE.replace(/\n/g, '\r\n')];
  const ALPHABET = [...':{}[],#&*!|>\'"%@`-? \t\n\r\ufeff\0\\', ...'0123456789', 'a', 'Z', 'T', '-04:00', '"08:00"', 'null', '~', '  - ', 'log:', '\n  - { at: 2026-03-08T10:00Z, med: a, status: taken }', '&x', '*x', '!!str', '2026-02-30', '25:00', '1e999'];
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(fc.constantFrom(...ALPHABET), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })) }),
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), s: fc.constantFrom(...ALPHABET) }),
    fc.record({ op: fc.constant('dupline' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('swaplines' as const), at: fc.nat(), b: fc.nat() }),
    fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -2, max: 2 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  );
  /** What a file can hold: a mutation may split a surrogate pair, which UTF-8 cannot store. */
  const utf8 = (t: string) => Buffer.from(t, 'utf8').toString('utf8');
  type Mut = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
  function apply(text: string, m: Mut): string {
    const n = Math.max(1, text.length);
    const at = m.at % n;
    const lines = text.split('\n');
    const li = m.at % lines.length;
    switch (m.op) {
      case 'delete':
        return text.slice(0, at) + text.slice(at + m.len);
      case 'insert':
        return text.slice(0, at) + m.s + text.slice(at);
      case 'replace':
        return text.slice(0, at) + m.s + text.slice(at + 1);
      case 'dupline':
        lines.splice(li, 0, lines[li]!);
        return lines.join('\n');
      case 'swaplines': {
        const lj = m.b % lines.length;
        [lines[li], lines[lj]] = [lines[lj]!, lines[li]!];
        return lines.join('\n');
      }
      case 'indent':
        lines[li] = m.by > 0 ? ' '.repeat(m.by) + lines[li] : lines[li]!.slice(-m.by);
        return lines.join('\n');
      case 'truncate':
        return text.slice(0, at);
    }
  }

  it('1,500 mutated files: each loads or ends in a clear error with a position; fast and full parsers agree', () => {
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (b, muts) => {
        const text = utf8(muts.reduce(apply, BASES[b]!));
        const o = check('mutation', text);
        summary.mutations++;
        if (o.ok) summary.mutationsLoaded++;
      }),
      { numRuns: 1500, seed: 20260308 },
    );
  }, 120_000);

  it('300 mutated files through the real transaction: a broken file is never written, a loadable one gains exactly one entry', () => {
    const dir = tempDir('meds-fuzzw-');
    try {
      fc.assert(
        fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (b, muts) => {
          const text = utf8(muts.reduce(apply, BASES[b]!));
          const ok = attempt(text, true).ok;
          const w = tryWrite(dir, text);
          if (!ok) expect(w).toBe('refused');
        }),
        { numRuns: 300, seed: 8032026 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the saved broken files, through the built binary under a 128 MB heap', () => {
  const files = fs.existsSync(BROKEN_DIR) ? fs.readdirSync(BROKEN_DIR).filter((n) => n.endsWith('.yaml')).sort() : [];
  it('there are saved files', () => expect(files.length).toBeGreaterThanOrEqual(20));
  const runBin = (file: string, args: string[]) => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=128', '--stack-size=984', BIN, '--file', file, '--now', '2026-03-08T10:00', ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      timeout: 15_000,
    });
    summary.binaryRuns++;
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
  };
  for (const name of files) {
    it(`${name}: check and take end in a clear error with a position (or succeed), never a stack trace, never a write, within 15 s`, () => {
      const dir = tempDir('meds-broken-');
      try {
        const file = path.join(dir, 'regimen.yaml');
        const original = fs.readFileSync(path.join(BROKEN_DIR, name));
        fs.writeFileSync(file, original);
        const expectValid = name.startsWith('ok-');
        for (const args of expectValid ? [['check'], ['take', 'ibuprofen'], ['today']] : [['check'], ['take', 'ibuprofen']]) {
          const r = runBin(file, args);
          expect(r.signal, `${args[0]} was killed after ${r.ms} ms`).toBe(null);
          expect(r.stderr).not.toMatch(/internal error|FATAL|\n {4}at /); // a stack frame (the position line is "  at file:line:col")
          if (expectValid) {
            expect(r.code, r.stderr).toBe(0);
            continue;
          }
          expect(r.code, r.stderr).toBe(65);
          expect(r.stdout).toBe('');
          expect(r.stderr).toMatch(/^meds: error: .*regimen\.yaml is not a valid regimen file: .+\n {2}at .*regimen\.yaml:\d+:\d+\n/);
          expect(fs.readFileSync(file).equals(original), `${args[0]} changed the file`).toBe(true);
        }
        if (!expectValid) expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
        summary.binaryFiles++;
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('slow schedules', () => {
  // A valid file must not make `today` hang (a bound on robustness, not a speed measurement: that is
  // `npm run bench`). Regression test: `every: 1min` once took over a minute (an advice look-up per
  // missed dose, a zone look-up per dose).
  it('`every: 15min` (the densest schedule the file may hold): `today` and `missed --days 90` finish within 6 s', () => {
    const dir = tempDir('meds-slow-');
    try {
      const file = path.join(dir, 'regimen.yaml');
      fs.writeFileSync(file, 'meds: 1\npatient: { timezone: UTC }\nmedications:\n  - { id: a, schedule: { every: 15min, from: 2025-11-01T00:00 } }\n');
      for (const args of [['today'], ['missed', '--days', '90']]) {
        const r = spawnSync(process.execPath, [BIN, '--file', file, '--now', '2026-03-08T10:00', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, timeout: 6_000 });
        expect(r.signal, args.join(' ')).toBe(null);
        expect(r.stderr).not.toMatch(/internal error/);
        expect([0, 1], r.stderr).toContain(r.status); // missed: 1 when a dose needs action
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  // Issue 15 item 8: `every: 1min` with `missed --days 90` overflowed the call stack (exit 70).
  it('`every: 1min` (1,440 doses a day) is refused with its position, exit 65, by every command', () => {
    const dir = tempDir('meds-dense-');
    try {
      const file = path.join(dir, 'regimen.yaml');
      const text = 'meds: 1\npatient: { timezone: UTC }\nmedications:\n  - { id: a, schedule: { every: 1min, from: 2026-03-01T00:00 } }\n';
      fs.writeFileSync(file, text);
      for (const args of [['check'], ['today'], ['missed', '--days', '90'], ['adherence', '--days', '90'], ['take', 'a']]) {
        const r = spawnSync(process.execPath, [BIN, '--file', file, '--now', '2026-03-08T10:00', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, timeout: 10_000 });
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(65);
        expect(r.stderr).toContain(`medications[0].schedule.every: "1min" is more than 96 doses a day\n  at ${file}:4:33\n`);
        expect(r.stdout).toBe('');
        expect(fs.readFileSync(file, 'utf8')).toBe(text);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Issue 15 item 9: characters YAML forbids, and terminal escapes, in text given on the command line.
describe('control characters in names, reasons and other text', () => {
  /** Each hostile piece: DEL, C1 (NEL, CSI), LS, PS, ESC sequences (clear screen, hide text, set the title), BEL, a bidi override. */
  const EVIL = 'A\x7fB\u0085C\u009b31mD\u2028E\u2029F\x1b[2J\x1b[8mG\x1b]0;pwned\x07H\u202eI\r\tJ';
  const SHOWN = 'A\\x7fB\\x85C\\x9b31mD\\u2028E\\u2029F\\x1b[2J\\x1b[8mG\\x1b]0;pwned\\x07H\\u202eI\\r\\tJ';
  /** What may reach a reader raw: line breaks, and with color the palette's own codes (render/output.ts). */
  // eslint-disable-next-line no-control-regex
  const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  // eslint-disable-next-line no-control-regex
  const OUR_SGR = /\x1b\[(1|2|22|3[1-6]|39)m/g;
  const PYYAML = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

  let dir: string;
  let file: string;
  const N = ['--now', '2026-03-08T10:00'];
  const run = (args: string[], env?: Record<string, string>) => meds(['--file', file, ...N, ...args], { env });

  it('are written as YAML escapes: the file is valid YAML 1.2 and 1.1, and reads back the same strings', () => {
    dir = tempDir('meds-ctl-');
    file = path.join(dir, 'regimen.yaml');
    expect(run(['init', '--timezone', 'UTC', '--name', EVIL]).code).toBe(0);
    expect(run(['add', 'evil', '--name', EVIL, '--purpose', EVIL, '--instructions', EVIL, '--strength', EVIL, '--times', '08:00,20:00', '--from', '2026-03-01']).code).toBe(0);
    expect(run(['skip', 'evil', '--for', '08:00', '--reason', EVIL]).code).toBe(0);
    const text = read(file);
    // Nothing outside YAML 1.2's printable set, nor YAML 1.1's line breaks, inside the file.
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]/);
    const doc = parseRegimen(text, file, { full: true }).regimen;
    expect(doc.patient.name).toBe(EVIL);
    expect(doc.medications[0]).toMatchObject({ name: EVIL, purpose: EVIL, instructions: EVIL, strength: EVIL });
    expect(doc.log[0]!.reason).toBe(EVIL);
    expect(run(['check'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    // The fast log path (history) and JSON keep the real string.
    expect(JSON.parse(run(['--json', 'history']).stdout).entries[0].reason).toBe(EVIL);
    if (PYYAML) {
      const r = spawnSync('python3', ['-c', 'import sys, yaml, json; d = yaml.safe_load(open(sys.argv[1], encoding="utf-8")); print(json.dumps([d["patient"]["name"], d["medications"][0]["name"], d["log"][0]["reason"]]))', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([EVIL, EVIL, EVIL]);
    }
  });

  const HUMAN: string[][] = [['today'], ['list'], ['history'], ['missed', '--days', '7'], ['adherence', '--days', '7'], ['refills'], ['take', 'evil', '--for', '20:00', '--at', '09:00']];
  for (const color of [false, true]) {
    it(`are shown as escapes in every human output, ${color ? 'with color (FORCE_COLOR=1)' : 'in a pipe'}, stdout and stderr`, () => {
      const env = color ? { FORCE_COLOR: '1' } : undefined;
      for (const args of [...HUMAN, ['take', `X${EVIL}`], ['history', '--med', `X${EVIL}`]]) {
        const r = run(args, env);
        const what = `${args[0]}: ${r.stdout}${r.stderr}`;
        expect(r.stderr, what).not.toMatch(/internal error/);
        for (const out of [r.stdout, r.stderr]) expect(out.replace(OUR_SGR, ''), what).not.toMatch(RAW_CONTROL);
        if (!color) expect(r.stdout + r.stderr, what).not.toMatch(/\x1b/);
      }
      // The texts themselves, each shown once escaped: a name in a table, a reason, a message on stderr.
      expect(run(['today'], env).stdout).toContain(SHOWN);
      expect(run(['history'], env).stdout).toContain(SHOWN);
      expect(run(['take', `X${EVIL}`], env).stderr).toContain('no medication "XA\\x7fB\\x85C\\x9b31mD\\u2028E\\u2029F\\u001b[2J\\u001b[8mG');
    });
  }

  it('JSON output keeps the real strings', () => {
    const r = run(['--json', 'list'], { FORCE_COLOR: '1' });
    expect(JSON.parse(r.stdout).medications[0].name).toBe(EVIL);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
