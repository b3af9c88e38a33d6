/**
 * Every bad input the foundation issue names: the exit code (65), the key path
 * in the message, the line:column, and the hint where one is promised. Log
 * problems are checked through the fast log path (one flow map a line), the full
 * parser on the same text, and a block-style log (which always takes the full path).
 */
import { describe, expect, it } from 'vitest';
import { EXIT, MedsError, type Problem } from '../../src/errors.js';
import { parseRegimen, type Loaded } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { pathText } from '../../src/model/validate.js';
import { meds, read, writeTemp } from '../helpers/cli.js';

const FILE = 'regimen.yaml';

/** The valid file the cases break, one line at a time (line numbers in comments). */
const BASE = [
  'meds: 1', // 1
  'patient:', // 2
  '  timezone: America/New_York', // 3
  '  born: 1957-04-02', // 4
  '  routine: { wake: "06:30", breakfast: "07:00", dinner: "18:00" }', // 5
  'medications:', // 6
  '  - id: metformin', // 7
  '    strength: 500 mg', // 8
  '    schedule: { times: [breakfast, dinner] }', // 9
  '  - id: ibuprofen', // 10
  '    schedule: { asNeeded: true, minInterval: 6h, maxPerDay: 4 }', // 11
  'log:', // 12
  '  - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }', // 13
];

/** BASE with some lines replaced (1-based line numbers). */
function withLines(repl: Record<number, string>): string {
  return BASE.map((l, i) => repl[i + 1] ?? l).join('\n') + '\n';
}

function caught(fn: () => unknown): MedsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MedsError) return err;
    throw err;
  }
  throw new Error('expected a MedsError, but nothing was thrown');
}

/** 1-based column of `needle` in `line` (the expected position is the value's first character). */
function colOf(line: string, needle: string): number {
  const i = line.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in ${line}`);
  return i + 1;
}

describe('the base file', () => {
  it('is valid on the fast path and on the full path', () => {
    const fast = parseRegimen(withLines({}), FILE);
    const full = parseRegimen(withLines({}), FILE, { full: true });
    expect(fast.logBlock).toBeDefined();
    expect(full.logBlock).toBeUndefined();
    expect(fast.warnings).toEqual([]);
    expect(fast.regimen).toEqual(full.regimen);
  });
});

interface HeadCase {
  name: string;
  repl: Record<number, string>;
  path: (string | number)[];
  message: string; // a substring of the problem's message
  line: number;
  col: (text: string[]) => number;
  hint?: string; // a substring of the hint
  named?: string; // the key path text the message names, when not pathText(path)
}

const HEAD_CASES: HeadCase[] = [
  {
    name: 'a time of day past 23:59 ("25:00")',
    repl: { 9: '    schedule: { times: ["25:00", dinner] }' },
    path: ['medications', 0, 'schedule', 'times', 0],
    message: '"25:00" is not a time',
    line: 9,
    col: (t) => colOf(t[8]!, '"25:00"'),
    hint: '"HH:MM" from 00:00 to 23:59',
  },
  {
    name: 'a time with minute 60 ("07:60") in the routine',
    repl: { 5: '  routine: { wake: "06:30", breakfast: "07:60", dinner: "18:00" }' },
    path: ['patient', 'routine', 'breakfast'],
    message: '"07:60" is not a time "HH:MM" from 00:00 to 23:59',
    line: 5,
    col: (t) => colOf(t[4]!, '"07:60"'),
  },
  {
    name: 'a date that does not exist in `from` (2026-02-30)',
    repl: { 9: '    schedule: { times: [breakfast], from: 2026-02-30 }' },
    path: ['medications', 0, 'schedule', 'from'],
    message: '"2026-02-30" is not a real date',
    line: 9,
    col: (t) => colOf(t[8]!, '2026-02-30'),
  },
  {
    name: 'a date that does not exist in `until` (2026-04-31)',
    repl: { 9: '    schedule: { times: [breakfast], from: 2026-03-01, until: 2026-04-31 }' },
    path: ['medications', 0, 'schedule', 'until'],
    message: '"2026-04-31" is not a real date',
    line: 9,
    col: (t) => colOf(t[8]!, '2026-04-31'),
  },
  {
    name: 'a day of the month that is neither 1-31 nor `last` (`first`)',
    repl: { 9: '    schedule: { times: [breakfast], monthDays: [15, first] }' },
    path: ['medications', 0, 'schedule', 'monthDays', 1],
    message: '"first" is not one of last',
    line: 9,
    col: (t) => colOf(t[8]!, 'first'),
  },
  {
    name: 'a day of the month past 31',
    repl: { 9: '    schedule: { times: [breakfast], monthDays: [32] }' },
    path: ['medications', 0, 'schedule', 'monthDays', 0],
    message: 'must be at most 31, not 32',
    line: 9,
    col: (t) => colOf(t[8]!, '32'),
  },
  {
    name: 'a dose of 0 on the medication',
    repl: { 8: '    dose: 0' },
    path: ['medications', 0, 'dose'],
    message: 'must be greater than 0, not 0',
    line: 8,
    col: () => 11,
  },
  {
    name: 'a negative dose on a phase',
    repl: { 9: '    schedule: { times: [breakfast], dose: -1 }' },
    path: ['medications', 0, 'schedule', 'dose'],
    message: 'must be greater than 0, not -1',
    line: 9,
    col: (t) => colOf(t[8]!, '-1'),
  },
  {
    name: 'a dose of 0 on one time of day',
    repl: { 9: '    schedule: { times: [{ at: breakfast, dose: 0 }] }' },
    path: ['medications', 0, 'schedule', 'times', 0, 'dose'],
    message: 'must be greater than 0, not 0',
    line: 9,
    col: (t) => colOf(t[8]!, '0 }'),
  },
  {
    name: '`every: 2d` without `from`',
    repl: { 9: '    schedule: { every: 2d, times: [wake] }' },
    path: ['medications', 0, 'schedule', 'every'],
    message: 'needs `from`',
    line: 9,
    col: (t) => colOf(t[8]!, '2d'),
    hint: 'from: 2026-03-01',
  },
  {
    name: '`every: 8h` without `from` (the hint shows a date-time)',
    repl: { 11: '    schedule: { every: 8h, count: 21 }' },
    path: ['medications', 1, 'schedule', 'every'],
    message: 'needs `from`',
    line: 11,
    col: (t) => colOf(t[10]!, '8h'),
    hint: 'from: 2026-03-01T06:00',
  },
  {
    name: 'a cycle without `from`',
    repl: { 9: '    schedule: { times: ["21:00"], cycle: { on: 21, off: 7 } }' },
    path: ['medications', 0, 'schedule', 'cycle'],
    message: 'needs `from`',
    line: 9,
    col: (t) => colOf(t[8]!, '{ on'),
  },
  {
    name: 'a duplicate medication id (the second is reported, naming the first)',
    repl: { 10: '  - id: metformin' },
    path: ['medications', 1, 'id'],
    message: 'duplicate medication id "metformin" (also medications[0])',
    named: 'medications[0]',
    line: 10,
    col: () => 9,
    hint: 'give each medication its own id',
  },
  {
    name: 'a routine name that is not in patient.routine, near one that is',
    repl: { 9: '    schedule: { times: [brekfast, dinner] }' },
    path: ['medications', 0, 'schedule', 'times', 0],
    message: '"brekfast" is neither a time "HH:MM" nor a name in patient.routine (wake, breakfast, dinner)',
    line: 9,
    col: (t) => colOf(t[8]!, 'brekfast'),
    hint: 'did you mean `breakfast`?',
  },
  {
    name: 'a routine name near none in patient.routine',
    repl: { 9: '    schedule: { times: [lunch] }' },
    path: ['medications', 0, 'schedule', 'times', 0],
    message: '"lunch" is neither a time',
    line: 9,
    col: (t) => colOf(t[8]!, 'lunch'),
    hint: 'add it to patient.routine, or write the time as "HH:MM"',
  },
  {
    name: '`every: 8h` (elapsed time) with `times`',
    repl: { 11: '    schedule: { every: 8h, from: 2026-03-01T06:00, times: ["06:00"] }' },
    path: ['medications', 1, 'schedule', 'times'],
    message: '`every: 8h` counts elapsed time and cannot have `times`',
    named: 'medications[1].schedule',
    line: 11,
    col: (t) => colOf(t[10]!, '["06:00"]'),
    hint: 'use `every: Nd` with times, or `every: Nh` with a `from` date-time',
  },
  {
    name: 'an as-needed schedule with times',
    repl: { 11: '    schedule: { asNeeded: true, times: ["08:00"] }' },
    path: ['medications', 1, 'schedule'],
    message: 'an as-needed schedule has no `times` or `every`',
    line: 11,
    col: (t) => colOf(t[10]!, '{'),
    hint: 'use minInterval and maxPerDay',
  },
  {
    name: 'maxPerDay on a scheduled (not as-needed) medication',
    repl: { 9: '    schedule: { times: [breakfast], maxPerDay: 2 }' },
    path: ['medications', 0, 'schedule'],
    message: 'minInterval and maxPerDay apply to as-needed schedules',
    line: 9,
    col: (t) => colOf(t[8]!, '{'),
    hint: 'add asNeeded: true',
  },
  {
    name: 'a typo that leaves `schedule` missing (`schedul:`)',
    repl: { 9: '    schedul: { times: [breakfast, dinner] }' },
    path: ['medications', 0],
    message: 'medications[0] is missing `schedule`',
    line: 7,
    col: () => 5,
    hint: 'did you mean `schedule` instead of `schedul`?',
  },
  {
    name: 'a typo that leaves `timezone` missing (`timezon:`)',
    repl: { 3: '  timezon: America/New_York' },
    path: ['patient'],
    message: 'patient is missing `timezone`',
    line: 3,
    col: () => 3,
    hint: 'did you mean `timezone` instead of `timezon`?',
  },
  {
    name: 'an unsupported format version',
    repl: { 1: 'meds: 2' },
    path: ['meds'],
    message: 'meds should be 1, not 2',
    line: 1,
    col: () => 7,
  },
  {
    name: 'a weekday that is not one (`sunday`)',
    repl: { 9: '    schedule: { days: [sunday], times: [breakfast] }' },
    path: ['medications', 0, 'schedule', 'days', 0],
    message: '"sunday" is not one of mon, tue, wed, thu, fri, sat, sun',
    line: 9,
    col: (t) => colOf(t[8]!, 'sunday'),
  },
  {
    name: 'a schedule denser than 96 doses a day (`every: 14min`)',
    repl: { 11: '    schedule: { every: 14min, from: 2026-03-01T06:00 }' },
    path: ['medications', 1, 'schedule', 'every'],
    message: '"14min" is more than 96 doses a day',
    line: 11,
    col: (t) => colOf(t[10]!, '14min'),
    hint: 'at most 96 doses a day (every 15min)',
  },
  {
    name: 'a schedule of `every: 1min` (1,440 doses a day)',
    repl: { 11: '    schedule: { every: 1min, from: 2026-03-01T06:00 }' },
    path: ['medications', 1, 'schedule', 'every'],
    message: '"1min" is more than 96 doses a day',
    line: 11,
    col: (t) => colOf(t[10]!, '1min'),
    hint: 'at most 96 doses a day',
  },
  {
    name: 'more than 96 times in a day',
    repl: { 9: `    schedule: { times: [${Array.from({ length: 97 }, (_, i) => `"${String(Math.floor(i / 5)).padStart(2, '0')}:${String((i % 5) * 10).padStart(2, '0')}"`).join(', ')}] }` },
    path: ['medications', 0, 'schedule', 'times'],
    message: '97 times a day is more than 96',
    line: 9,
    col: (t) => colOf(t[8]!, '['),
    hint: 'at most 96 doses a day',
  },
  {
    name: 'a list where a map is expected',
    repl: { 9: '    schedule: breakfast' },
    path: ['medications', 0, 'schedule'],
    message: 'medications[0].schedule should be a map of keys or a list, not "breakfast"',
    line: 9,
    col: (t) => colOf(t[8]!, 'breakfast'),
  },
];

describe('bad input in the head of the file: exit 65, key path, line:col, hint', () => {
  for (const c of HEAD_CASES) {
    it(`rejects ${c.name}`, () => {
      const text = withLines(c.repl);
      const lines = text.split('\n');
      for (const opts of [{}, { full: true }]) {
        const err = caught(() => parseRegimen(text, FILE, opts));
        expect(err.code).toBe('invalid');
        expect(err.exitCode).toBe(EXIT.invalid);
        expect(err.exitCode).toBe(65);
        const first = err.problems!.find((p) => p.severity === 'error')!;
        expect(first.path).toEqual(c.path);
        expect(first.message).toContain(c.named ?? pathText(c.path));
        expect(first.message).toContain(c.message);
        expect(err.message).toBe(`${FILE} is not a valid regimen file: ${first.message}` + moreText(err.problems!));
        expect(err.pos).toEqual({ file: FILE, line: c.line, col: c.col(lines) });
        if (c.hint) expect(err.hint).toContain(c.hint);
        else expect(err.hint).toBeUndefined();
      }
    });
  }
});

function moreText(problems: Problem[]): string {
  const n = problems.filter((p) => p.severity === 'error').length;
  return n > 1 ? ` (and ${n - 1} more problem${n > 2 ? 's' : ''})` : '';
}

describe('impossible date-times in `from`', () => {
  // BUG: phaseOf reads `from` with parseLocalDateTime, and on failure with dayOf, which only reports
  // strings shaped like a bare date. A date-time on a day that does not exist is then dropped:
  // an every-8h course says "needs `from`" (pointing at `every`), and a times schedule loads with no start at all.
  it('rejects `from: 2026-02-29T06:00` on an every-8h course as not a real date (not as a missing `from`)', () => {
    const text = withLines({ 11: '    schedule: { every: 8h, from: 2026-02-29T06:00, count: 21 }' });
    const err = caught(() => parseRegimen(text, FILE));
    expect(err.problems![0]!.path).toEqual(['medications', 1, 'schedule', 'from']);
    expect(err.message).toContain('medications[1].schedule.from: "2026-02-29T06:00" is not a real date');
  });
  it('rejects `from: 2026-02-30T06:00` on a times schedule instead of ignoring it', () => {
    const text = withLines({ 9: '    schedule: { times: [breakfast], from: 2026-02-30T06:00 }' });
    expect(caught(() => parseRegimen(text, FILE)).exitCode).toBe(65);
  });
});

describe('problems found by meds rather than by the schema', () => {
  const cases: { name: string; repl: Record<number, string>; path: (string | number)[]; message: string; line: number; col: number; hint?: string }[] = [
    {
      name: 'an unknown time zone',
      repl: { 3: '  timezone: Mars/Olympus' },
      path: ['patient', 'timezone'],
      message: 'unknown time zone "Mars/Olympus"',
      line: 3,
      col: 13,
      hint: 'use an IANA name such as America/New_York',
    },
    // Issue 15 item 5: POSIX TZ strings (the sign reversed) were accepted; the hint names the Etc zone or a near name.
    { name: 'a POSIX TZ string (UTC+5)', repl: { 3: '  timezone: UTC+5' }, path: ['patient', 'timezone'], message: 'unknown time zone "UTC+5"', line: 3, col: 13, hint: 'for a fixed offset of UTC+5 the IANA name is Etc/GMT-5 (IANA reverses the sign)' },
    { name: 'a POSIX TZ string (Mars+3)', repl: { 3: '  timezone: Mars+3' }, path: ['patient', 'timezone'], message: 'unknown time zone "Mars+3"', line: 3, col: 13, hint: 'use an IANA name' },
    { name: 'a POSIX TZ string (ABC-10)', repl: { 3: '  timezone: ABC-10' }, path: ['patient', 'timezone'], message: 'unknown time zone "ABC-10"', line: 3, col: 13, hint: 'use an IANA name' },
    { name: 'an offset past a day (UTC+24)', repl: { 3: '  timezone: UTC+24' }, path: ['patient', 'timezone'], message: 'unknown time zone "UTC+24"', line: 3, col: 13, hint: 'use an IANA name' },
    { name: 'a zone in the wrong case (america/new_york)', repl: { 3: '  timezone: america/new_york' }, path: ['patient', 'timezone'], message: 'unknown time zone "america/new_york"', line: 3, col: 13, hint: 'did you mean `America/New_York`?' },
    { name: 'a typo in a zone (America/New_Yrok)', repl: { 3: '  timezone: America/New_Yrok' }, path: ['patient', 'timezone'], message: 'unknown time zone "America/New_Yrok"', line: 3, col: 13, hint: 'did you mean `America/New_York`?' },
    { name: 'a date of birth that does not exist (2026-02-30)', repl: { 4: '  born: 2026-02-30' }, path: ['patient', 'born'], message: '"2026-02-30" is not a real date', line: 4, col: 9 },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with exit 65, its position and hint`, () => {
      for (const opts of [{}, { full: true }]) {
        const err = caught(() => parseRegimen(withLines(c.repl), FILE, opts));
        expect(err.exitCode).toBe(65);
        expect(err.problems![0]!.path).toEqual(c.path);
        expect(err.message).toContain(c.message);
        expect(err.pos).toEqual({ file: FILE, line: c.line, col: c.col });
        if (c.hint) expect(err.hint).toContain(c.hint);
      }
    });
    // BUG: validate.ts words these two problems without their key path ("unknown time zone \"Mars/Olympus\"",
    // "\"2026-02-30\" is not a real date"), unlike every other problem ("medications[0].schedule.from: ...").
    it(`names the key path (${pathText(c.path)}) in the message for ${c.name}`, () => {
      const err = caught(() => parseRegimen(withLines(c.repl), FILE));
      expect(err.message).toContain(pathText(c.path));
    });
  }
});

describe('YAML syntax errors', () => {
  const cases: { name: string; repl: Record<number, string>; line: number; col: number; message: string }[] = [
    { name: 'an unterminated flow map', repl: { 5: '  routine: { wake: "06:30", breakfast: "07:00"' }, line: 6, col: 1, message: 'YAML:' },
    // The parser notices at the end of the line.
    { name: 'an unterminated quoted string', repl: { 3: '  timezone: "America/New_York' }, line: 3, col: 30, message: 'YAML:' },
    { name: 'a duplicate key', repl: { 8: '    schedule: { times: [wake] }' }, line: 9, col: 5, message: 'YAML: Map keys must be unique' },
    { name: 'a tab used for indentation', repl: { 8: '\tstrength: 500 mg' }, line: 8, col: 1, message: 'YAML:' },
  ];
  for (const c of cases) {
    it(`reports ${c.name} with exit 65 at ${c.line}:${c.col}`, () => {
      for (const opts of [{}, { full: true }]) {
        const err = caught(() => parseRegimen(withLines(c.repl), FILE, opts));
        expect(err.exitCode).toBe(65);
        expect(err.code).toBe('invalid');
        expect(err.message).toContain(`${FILE} is not a valid regimen file: ${c.message}`);
        expect(err.pos).toEqual({ file: FILE, line: c.line, col: c.col });
      }
    });
  }

  it('reports an empty file, and a file that is a list, with a hint to start from the example', () => {
    for (const text of ['', '# only a comment\n', '- a\n- b\n']) {
      const err = caught(() => parseRegimen(text, FILE));
      expect(err.exitCode).toBe(65);
      expect(err.hint).toContain('meds init');
    }
  });
});

describe('unknown keys: a warning naming the nearest known key, never an error', () => {
  const cases: { name: string; repl: Record<number, string>; key: string; near?: string; line: number; col: number }[] = [
    { name: '`strenght` on a medication', repl: { 8: '    strenght: 500 mg' }, key: 'strenght', near: 'strength', line: 8, col: 5 },
    { name: '`timezome` beside `timezone`', repl: { 4: '  timezome: x' }, key: 'timezome', near: 'timezone', line: 4, col: 3 },
    { name: '`maxPerDy` in a phase', repl: { 11: '    schedule: { asNeeded: true, minInterval: 6h, maxPerDy: 4 }' }, key: 'maxPerDy', near: 'maxPerDay', line: 11, col: 50 },
    { name: 'a key near nothing (`pharmacy`)', repl: { 8: '    pharmacy: Main St' }, key: 'pharmacy', line: 8, col: 5 },
  ];
  for (const c of cases) {
    it(`warns about ${c.name}${c.near ? ` with "did you mean \`${c.near}\`?"` : ' without a guess'}`, () => {
      const text = withLines(c.repl);
      for (const opts of [{}, { full: true }]) {
        const l = parseRegimen(text, FILE, opts);
        expect(l.warnings).toHaveLength(1);
        const w = l.warnings[0]!;
        expect(w.severity).toBe('warning');
        expect(w.code).toBe('unknown-key');
        expect(w.message).toContain(`unknown key \`${c.key}\``);
        expect(w.message).toContain('kept as it is');
        expect(w.hint).toBe(c.near ? `did you mean \`${c.near}\`?` : undefined);
        expect(w.pos).toEqual({ file: FILE, line: c.line, col: c.col });
      }
    });
  }

  it('keeps an unknown key when `meds add` writes the file, and `check` still only warns', () => {
    const p = writeTemp(withLines({ 8: '    strenght: 500 mg   # sic' }));
    const added = meds(['--file', p, '--now', '2026-03-08T10:00', 'add', 'vitd', '--times', '08:00']);
    expect(added.code).toBe(0);
    const after = read(p);
    expect(after).toContain('    strenght: 500 mg   # sic\n');
    expect(after).toContain('  - id: vitd\n');
    const checked = meds(['--file', p, 'check']);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toMatch(/meds: warning: .*regimen\.yaml:8:5: unknown key `strenght`/);
  });
});

// ---------------------------------------------------------------------------
// Log problems: the same file through three readers.

interface LogEntryText {
  flow: string; // the entry's line (flow map), without indentation
  block: string[]; // the same entry in block style, one key a line, without indentation
}

function entry(fields: [string, string][]): LogEntryText {
  return {
    flow: `- { ${fields.map(([k, v]) => `${k}: ${v}`).join(', ')} }`,
    block: fields.map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${v}`),
  };
}

const GOOD: [string, string][] = [
  ['at', '2026-03-08T07:04-04:00'],
  ['med', 'metformin'],
  ['for', '2026-03-08T07:00'],
  ['status', 'taken'],
];
const replaceField = (k: string, v: string, fields = GOOD): [string, string][] => fields.map(([a, b]) => [a, a === k ? v : b]);

/** BASE's head, then a log of one good entry followed by `bad`. */
function logFile(bad: LogEntryText, style: 'flow' | 'block'): string {
  const head = BASE.slice(0, 12);
  const good = entry(GOOD);
  const body = style === 'flow' ? [`  ${good.flow}`, `  ${bad.flow}`] : [...good.block, ...bad.block].map((l) => `  ${l}`);
  return [...head, ...body].join('\n') + '\n';
}

interface LogCase {
  name: string;
  fields: [string, string][];
  key: string; // the entry key the problem is about
  path: (string | number)[];
  message: string;
  hint?: string;
  /** The line matches the fast path's strict pattern; its date check must word the problem as the parser does. */
  strictDate?: boolean;
}

const LOG_CASES: LogCase[] = [
  {
    name: 'a medication that is not in medications, near one that is',
    fields: replaceField('med', 'metfromin'),
    key: 'med',
    path: ['log', 1, 'med'],
    message: 'log[1] names medication "metfromin", which is not in medications',
    hint: 'did you mean `metformin`?',
  },
  {
    name: 'a medication near none (the hint lists the known ids)',
    fields: replaceField('med', 'warfarin'),
    key: 'med',
    path: ['log', 1, 'med'],
    message: 'log[1] names medication "warfarin"',
    hint: 'known: metformin, ibuprofen',
  },
  {
    name: 'an `at` on a day that does not exist (2026-02-30)',
    fields: replaceField('at', '2026-02-30T07:04-05:00'),
    key: 'at',
    path: ['log', 1, 'at'],
    message: 'log[1].at: "2026-02-30T07:04-05:00" is not a real date-time',
    strictDate: true,
  },
  {
    name: 'an `at` on April 31',
    fields: replaceField('at', '2026-04-31T07:04-04:00'),
    key: 'at',
    path: ['log', 1, 'at'],
    message: 'log[1].at: "2026-04-31T07:04-04:00" is not a real date-time',
    strictDate: true,
  },
  {
    name: 'an `at` at 24:10',
    fields: replaceField('at', '2026-03-08T24:10-04:00'),
    key: 'at',
    path: ['log', 1, 'at'],
    message: 'log[1].at: "2026-03-08T24:10-04:00" is not a real date-time',
  },
  {
    name: 'a `for` slot on a day that does not exist',
    fields: replaceField('for', '2026-02-30T07:00'),
    key: 'for',
    path: ['log', 1, 'for'],
    message: 'log[1].for: "2026-02-30T07:00" is not a real date-time',
    strictDate: true,
  },
  {
    name: 'a dose of 0',
    fields: [...GOOD, ['dose', '0']],
    key: 'dose',
    path: ['log', 1, 'dose'],
    message: 'log[1].dose must be greater than 0, not 0',
  },
  {
    name: 'a negative dose',
    fields: [...GOOD, ['dose', '-0.5']],
    key: 'dose',
    path: ['log', 1, 'dose'],
    message: 'log[1].dose must be greater than 0, not -0.5',
  },
  {
    name: 'a status that is not taken or skipped (`tken`)',
    fields: replaceField('status', 'tken'),
    key: 'status',
    path: ['log', 1, 'status'],
    message: 'log[1].status: "tken" is not one of taken, skipped',
    hint: 'did you mean `taken`?',
  },
  {
    name: 'an `at` without a time',
    fields: replaceField('at', '2026-03-08'),
    key: 'at',
    path: ['log', 1, 'at'],
    message: 'log[1].at: "2026-03-08" is not a date-time with its offset',
  },
];

/** Where the problem should point: the value of `key` in the bad entry. */
function expectedPos(text: string, key: string): { line: number; col: number } {
  const lines = text.split('\n');
  // The bad entry is the last one: search from the end for its key.
  for (let i = lines.length - 1; i >= 0; i--) {
    const k = lines[i]!.lastIndexOf(`${key}: `);
    if (k >= 0) return { line: i + 1, col: k + key.length + 3 };
  }
  throw new Error(`no ${key} in the file`);
}

describe('bad log entries: exit 65, key path, line:col, hint, on every reader', () => {
  const readers = [
    { name: 'the fast log path (one flow map a line)', style: 'flow' as const, opts: {} },
    { name: 'the full parser on the same text', style: 'flow' as const, opts: { full: true } },
    { name: 'a block-style log', style: 'block' as const, opts: {} },
  ];
  for (const c of LOG_CASES) {
    describe(`rejects ${c.name}`, () => {
      for (const r of readers) {
        const fast = r.style === 'flow' && !('full' in r.opts);
        // BUG (strictDate): on a line the strict pattern accepts, load.ts reports an impossible date as
        // `log[1]: the date in "- { ... }" does not exist` at path ['log', 1], not as the full parser does
        // (`log[1].at: "2026-02-30T07:04-05:00" is not a real date-time` at ['log', 1, 'at']).
        it(`through ${r.name}: message, key path, hint and exit code`, () => {
          const text = logFile(entry(c.fields), r.style);
          const err = caught(() => parseRegimen(text, FILE, r.opts));
          expect(err.exitCode).toBe(65);
          const first = err.problems!.find((p) => p.severity === 'error')!;
          expect(first.path).toEqual(c.path);
          expect(first.message).toContain(c.message);
          if (c.hint) expect(err.hint).toContain(c.hint);
          else expect(err.hint).toBeUndefined();
          expect(err.pos?.file).toBe(FILE);
          expect(err.pos?.line).toBe(expectedPos(text, c.key).line);
        });
        // The fast path points at the key (`med:`), the full parser at the value (`metfromin`): the
        // same file gives two different columns depending on which reader ran. See the report.
        it(`through ${r.name}: the column of the offending value`, () => {
          const text = logFile(entry(c.fields), r.style);
          const err = caught(() => parseRegimen(text, FILE, r.opts));
          expect(err.pos).toEqual({ file: FILE, ...expectedPos(text, c.key) });
        });
      }
    });
  }

  it('the fast path really is taken for the flow-style and block-style logs (the good file has a log block)', () => {
    const good = logFile(entry(GOOD), 'flow');
    expect(parseRegimen(good, FILE).logBlock).toBeDefined();
    // An entry in block style is read alone, on the fast path too (load-log.ts readEntryAlone).
    expect(parseRegimen(logFile(entry(GOOD), 'block'), FILE).logBlock).toBeDefined();
    expect(parseRegimen(logFile(entry(GOOD), 'block'), FILE, { full: true }).logBlock).toBeUndefined();
  });

  it('reports every bad entry, not only the first', () => {
    const text = withLines({}) + '  - { at: 2026-03-08T09:00-04:00, med: apixaban, status: taken }\n  - { at: 2026-03-08T10:00-04:00, med: metformin, status: tken }\n';
    for (const opts of [{}, { full: true }]) {
      const err = caught(() => parseRegimen(text, FILE, opts));
      const errors = err.problems!.filter((p) => p.severity === 'error');
      expect(errors.map((p) => p.path).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
        ['log', 1, 'med'],
        ['log', 2, 'status'],
      ]);
      expect(err.message).toContain('(and 1 more problem)');
    }
  });

  it('checks entries the caller does not need (logFrom) for impossible dates all the same', () => {
    const text = withLines({ 13: '  - { at: 2026-02-30T07:04-05:00, med: metformin, status: taken }' });
    const err = caught(() => parseRegimen(text, FILE, { logFrom: Date.UTC(2027, 0, 1) }));
    expect(err.exitCode).toBe(65);
    expect(err.pos).toMatchObject({ line: 13 });
  });

  it('rejects a zero dose written as 0.0 on the full parser', () => {
    const text = withLines({ 13: '  - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, dose: 0.0 }' });
    expect(caught(() => parseRegimen(text, FILE, { full: true })).message).toContain('log[0].dose must be greater than 0, not 0');
  });

  // BUG: strictEntryPattern's dose branch `0?\.\d+` accepts `dose: 0.0` and `dose: .0`, and a line the strict
  // pattern accepts is no longer walked against the schema, so the fast path loads a zero dose the full parser rejects.
  it('rejects a zero dose written as 0.0 or .0 on the fast path too', () => {
    for (const d of ['0.0', '.0', '0.00']) {
      const text = withLines({ 13: `  - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, dose: ${d} }` });
      expect(caught(() => parseRegimen(text, FILE)).exitCode).toBe(65);
    }
  });
});

describe('monthDays: `last` and the days some months lack', () => {
  it('reads `last` as the last day of every month (31, which falls on a shorter month\'s last day), on both paths, without a warning', () => {
    for (const md of ['[last]', '[15, last]', '[29, 30, 31]']) {
      const text = withLines({ 9: `    schedule: { times: [breakfast], monthDays: ${md} }` });
      for (const opts of [{}, { full: true }]) {
        const l = parseRegimen(text, FILE, opts);
        expect(l.warnings).toEqual([]);
        expect(l.regimen.medications[0]!.phases[0]!.monthDays).toEqual(JSON.parse(md.replace('last', '31')));
      }
    }
  });
});

describe('a valid file with warnings still loads', () => {
  it('returns the regimen and the warnings (Loaded), not an error', () => {
    const l: Loaded = parseRegimen(withLines({ 8: '    strenght: 500 mg' }), FILE);
    expect(l.regimen.medications.map((m) => m.id)).toEqual(['metformin', 'ibuprofen']);
    expect(l.regimen.medications[0]!.strength).toBeUndefined();
  });
});
