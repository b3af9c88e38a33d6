/**
 * The fast log path must read every file exactly as the full YAML parser does:
 * the same regimen (log entries with their `line`), the same warnings, the same
 * errors. Where it cannot be sure, it must hand the file to the full parser.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { MedsError } from '../../src/errors.js';
import { loadRegimen, parseRegimen, type ParseOptions as LoadOptions } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { beforePattern, findLogBlock, strictEntryPattern } from '../../src/store/fastlog.js';
import { columnsOf } from '../../src/core/doses.js';
import { readFlowLine as tokenizeFlowLine, resolvePlain } from '../../src/store/fasthead.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { prng } from '../helpers/random.js';

const P = 'regimen.yaml';
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'regimen.yaml'), 'utf8');
/** The example without its log: everything up to the `log:` line. */
const HEAD = EXAMPLE.slice(0, EXAMPLE.indexOf('\nlog:') + 1);
/** 1-based lines of the example's log entries. */
const ENTRY_LINES = EXAMPLE.split('\n').flatMap((l, i) => (l.startsWith('  - { at:') ? [i + 1] : []));

type Outcome =
  | { ok: true; regimen: unknown; warnings: { path: unknown; message: string; line?: number }[]; logCount: number }
  | { ok: false; exitCode: number; problems: { path: unknown; message: string; line?: number }[] };

function outcome(text: string, opts: LoadOptions): Outcome & { fast?: boolean } {
  try {
    const l = parseRegimen(text, P, opts);
    return { ok: true, regimen: l.regimen, warnings: l.warnings.map((w) => ({ path: w.path, message: w.message, line: w.pos?.line })), logCount: l.logCount, fast: !!l.logBlock };
  } catch (err) {
    if (!(err instanceof MedsError)) throw err;
    const problems = (err.problems ?? []).map((p) => ({ path: p.path, message: p.message, line: p.pos?.line }));
    // The order of problems is compared separately (see 'reports problems in file order').
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.message.localeCompare(b.message));
    return { ok: false, exitCode: err.exitCode, problems };
  }
}

/** Both readers on one text; the fast one must agree with the full one in every respect. */
function expectSameOnBothPaths(text: string): { fast: Outcome & { fast?: boolean }; full: Outcome } {
  const fast = outcome(text, {});
  const full = outcome(text, { full: true });
  expect(full.fast).not.toBe(true);
  expect({ ...fast, fast: undefined }).toEqual({ ...full, fast: undefined });
  return { fast, full };
}

const log = (...lines: string[]) => `${HEAD}log:\n${lines.map((l) => (l === '' || l.startsWith('#') ? l : `  ${l}`)).join('\n')}\n`;

interface FileCase {
  name: string;
  text: string;
  /** Whether the fast path should be the one that read it (false: it rightly hands over to the full parser). */
  fast: boolean;
  entries?: number;
}

const FILES: FileCase[] = [
  { name: 'the example', text: EXAMPLE, fast: true, entries: 2 },
  {
    name: 'double-quoted reasons with commas, #, quotes, escapes and unicode',
    text: log(
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: skipped, reason: "out of stock, ordered" }',
      '- { at: 2026-03-08T09:30-04:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: "see note #3" }',
      '- { at: 2026-03-08T09:31-04:00, med: apixaban, status: skipped, reason: "doctor said \\"wait\\"" }',
      '- { at: 2026-03-08T09:32-04:00, med: apixaban, status: skipped, reason: "café — naïve ☕ 薬" }',
      '- { at: 2026-03-08T09:33-04:00, med: apixaban, status: skipped, reason: "tab\\there, slash \\/ and \\u00e9" }',
      '- { at: 2026-03-08T09:34-04:00, med: apixaban, status: skipped, reason: "back\\\\slash" }',
      '- { at: 2026-03-08T09:35-04:00, med: apixaban, status: skipped, reason: "" }',
    ),
    fast: true,
    entries: 7,
  },
  {
    name: 'plain reasons (letters, spaces, dots, parentheses, slashes, dashes)',
    text: log(
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: skipped, reason: felt dizzy (mild). }',
      '- { at: 2026-03-08T09:30-04:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: nausea/vomiting - see GP }',
      '- { at: 2026-03-08T09:31-04:00, med: apixaban, status: skipped, reason: Dr. Lee said so }',
    ),
    fast: true,
    entries: 3,
  },
  {
    name: 'single-quoted values, with a doubled quote',
    text: log(
      "- { at: '2026-03-08T07:04-04:00', med: 'metformin', for: '2026-03-08T07:00', status: 'taken' }",
      "- { at: 2026-03-08T09:30-04:00, med: apixaban, status: skipped, reason: 'it''s the 3rd, #2' }",
    ),
    fast: true,
    entries: 2,
  },
  {
    name: 'doses: 0.5, .5, 2, 1.25, 1.0 and 1e0',
    text: log(
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, dose: 0.5 }',
      '- { at: 2026-03-08T09:04-04:00, med: apixaban, for: 2026-03-08T09:00, status: taken, dose: .5 }',
      '- { at: 2026-03-08T10:00-04:00, med: ibuprofen, status: taken, dose: 2 }',
      '- { at: 2026-03-08T16:00-04:00, med: ibuprofen, status: taken, dose: 1.25 }',
      '- { at: 2026-03-08T23:00-04:00, med: ibuprofen, status: taken, dose: 1.0 }',
      '- { at: 2026-03-09T05:00-04:00, med: ibuprofen, status: taken, dose: 1e0 }',
    ),
    fast: true,
    entries: 6,
  },
  {
    name: 'extra doses, and `extra: false`',
    text: log(
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }',
      '- { at: 2026-03-08T07:30-04:00, med: metformin, status: taken, extra: true }',
      '- { at: 2026-03-08T07:31-04:00, med: metformin, status: taken, extra: false }',
      '- { at: 2026-03-08T07:32-04:00, med: metformin, status: taken, dose: 2, extra: true }',
    ),
    fast: true,
    entries: 4,
  },
  {
    name: 'comments and blank lines between entries, at column 0 and indented, and after entries',
    text: log(
      '# first week',
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }   # with breakfast',
      '',
      '  # indented comment',
      '- { at: 2026-03-08T09:30-04:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: nausea }',
      '',
      '',
      '# trailing comment',
      '',
    ),
    fast: true,
    entries: 2,
  },
  {
    name: 'a key after the log (settings)',
    text:
      EXAMPLE.replace(/^settings:\n.*\n/m, '') +
      '\n# settings come last in this file\nsettings:\n  window: { early: 30min, late: 3h }\n',
    fast: true,
    entries: 2,
  },
  {
    name: 'a key after the log that makes the head invalid (settings.window.late: "soon")',
    text: EXAMPLE.replace(/^settings:\n.*\n/m, '') + 'settings:\n  window: { early: 30min, late: soon }\n',
    fast: true,
  },
  {
    name: 'entries at the indentation of `log:` itself',
    text: `${HEAD}log:\n- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }\n- { at: 2026-03-08T09:30-04:00, med: apixaban, status: taken }\n`,
    fast: true,
    entries: 2,
  },
  {
    name: 'entries indented by four spaces',
    text: `${HEAD}log:\n    - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }\n    - { at: 2026-03-08T09:30-04:00, med: apixaban, status: taken }\n`,
    fast: true,
    entries: 2,
  },
  {
    name: 'keys in another order, extra spaces, a note, seconds, Z, a local `at` and a `for` with a space',
    text: log(
      '- { med: metformin, status: taken, at: 2026-03-08T07:04-04:00, for: 2026-03-08T07:00 }',
      '- {   at:   2026-03-08T13:30:15Z ,  med: apixaban , status: taken  }',
      '- { at: 2026-03-08T15:00, med: ibuprofen, status: taken, note: with water }',
      '- { at: 2026-03-08T18:01:30-04:00, med: metformin, for: 2026-03-08 18:00, status: taken }',
      '- { at: 2026-03-08T21:01-04:00, med: apixaban, for: 2026-03-08T21:00:00, status: taken }',
    ),
    fast: true,
    entries: 5,
  },
  {
    name: 'an unknown key in an entry (a warning on both paths)',
    text: log('- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken, mood: good }'),
    fast: true,
    entries: 1,
  },
  {
    // (Read as its text without the CRs: Loaded.outer.)
    name: 'a file with CRLF line ends',
    text: EXAMPLE.replace(/\n/g, '\r\n'),
    fast: true,
    entries: 2,
  },
  {
    name: 'a file with a byte-order mark',
    text: '\ufeff' + EXAMPLE,
    fast: true,
    entries: 2,
  },
  { name: '`log: []`', text: `${HEAD}log: []\n`, fast: false, entries: 0 },
  { name: '`log: []` with a comment', text: `${HEAD}log: []   # nothing yet\n`, fast: false, entries: 0 },
  { name: 'no log key at all', text: HEAD, fast: false, entries: 0 },
  {
    // (Each read alone: load.ts readEntryAlone.)
    name: 'block-style entries',
    text: `${HEAD}log:\n  - at: 2026-03-08T07:04-04:00\n    med: metformin\n    for: 2026-03-08T07:00\n    status: taken\n  - at: 2026-03-08T09:30-04:00\n    med: apixaban\n    status: skipped\n    reason: "a, b"\n`,
    fast: true,
    entries: 2,
  },
  {
    name: 'flow lines mixed with a block-style entry',
    text: log('- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }', '- at: 2026-03-08T09:30-04:00', '  med: apixaban', '  status: taken'),
    fast: true,
    entries: 2,
  },
  {
    name: 'an entry with an anchor, and one with a tag (handed to the full parser)',
    text: log('- { at: 2026-03-08T07:04-04:00, med: &m metformin, status: taken }', '- { at: 2026-03-08T18:04-04:00, med: !!str metformin, status: taken }'),
    fast: false,
    entries: 2,
  },
  {
    name: 'an entry continued over two lines',
    text: log('- { at: 2026-03-08T07:04-04:00, med: metformin,', '    for: 2026-03-08T07:00, status: taken }'),
    fast: false,
    entries: 1,
  },
  {
    name: 'invalid entries (unknown medication, impossible dose): the same problems',
    text: log(
      '- { at: 2026-03-08T07:04-04:00, med: metfromin, status: taken }',
      '- { at: 2026-03-08T09:04-04:00, med: apixaban, status: taken, dose: -1 }',
      '- { at: 2026-03-08T09:05-04:00, med: apixaban, status: done }',
    ),
    fast: true,
  },
  {
    name: 'a duplicate key in an entry (a YAML error on both paths)',
    text: log('- { at: 2026-03-08T07:04-04:00, med: metformin, med: apixaban, status: taken }'),
    fast: false,
  },
  {
    name: 'two log keys (a YAML error on both paths)',
    text: `${HEAD}log:\n  - { at: 2026-03-08T07:04-04:00, med: metformin, status: taken }\nlog:\n  - { at: 2026-03-08T09:04-04:00, med: apixaban, status: taken }\n`,
    fast: false,
  },
];

describe('the fast log path gives the same result as the full YAML parser', () => {
  for (const c of FILES) {
    it(`${c.name}`, () => {
      const { fast, full } = expectSameOnBothPaths(c.text);
      if (c.entries !== undefined) {
        expect(full.ok).toBe(true);
        if (full.ok) expect((full.regimen as { log: unknown[] }).log).toHaveLength(c.entries);
        expect(fast.fast).toBe(c.fast);
      } else {
        expect(full.ok).toBe(false);
      }
    });
  }

  it('gives each entry the line it is on', () => {
    const l = parseRegimen(EXAMPLE, P);
    expect(l.logBlock).toBeDefined();
    expect(l.regimen.log.map((e) => e.line)).toEqual(ENTRY_LINES);
    expect(EXAMPLE.split('\n')[ENTRY_LINES[0]! - 1]).toContain('med: metformin');
  });

  // The headline error (the message, position and hint shown first) should be the first problem in the file
  // on both paths. The fast path reports log problems line by line; the full path reports every schema
  // problem (log[1].dose) before any meds-specific one (log[0]'s unknown medication), so its headline is
  // a later line. Regression test: problems used to come in check order, not file order.
  it('reports problems in file order, so the headline error is the same on both paths', () => {
    const text = log('- { at: 2026-03-08T07:04-04:00, med: metfromin, status: taken }', '- { at: 2026-03-08T09:04-04:00, med: apixaban, status: taken, dose: -1 }');
    const first = (opts: LoadOptions) => {
      try {
        parseRegimen(text, P, opts);
      } catch (err) {
        return (err as MedsError).message;
      }
      return undefined;
    };
    expect(first({})).toContain('log[0] names medication "metfromin"');
    expect(first({ full: true })).toBe(first({}));
  });

  it('reads 2,000 generated entries identically', () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = new Date(Date.UTC(2026, 0, 1) + i * 6 * 3600_000);
      const iso = d.toISOString().slice(0, 16);
      const kinds = [
        `- { at: ${iso}Z, med: metformin, status: taken }`,
        `- { at: ${iso}Z, med: apixaban, status: skipped, reason: "n${i}, #x" }`,
        `- { at: ${iso}Z, med: ibuprofen, status: taken, dose: ${(i % 4) + 0.5} }`,
        `- { at: ${iso}Z, med: metformin, status: taken, extra: true }`,
      ];
      lines.push(kinds[i % 4]!);
      if (i % 97 === 0) lines.push('# a comment', '');
    }
    const { fast } = expectSameOnBothPaths(log(...lines));
    expect(fast.fast).toBe(true);
  });
});

describe('lines where the strict pattern must defer to the parser', () => {
  // Regression test (a bug found and fixed; the text says what used to happen): an empty `log:` (what `meds undo` leaves after removing the only entry of `log:\n  - {..}`)
  // is accepted by the fast path (load.ts replaces the log by []), but the full parser reports
  // "log should be a list, not empty" (exit 65), e.g. once the file has CRLF line ends.
  it('an empty `log:` reads the same on both paths', () => {
    expectSameOnBothPaths(`${HEAD}log:\n`);
    expectSameOnBothPaths(`${HEAD}log:          # nothing yet\n\n`);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): the strict pattern's plain `reason` accepts words that YAML resolves to null or a boolean
  // (null, Null, NULL, true, True, TRUE, false, ...). The full parser reports "log[0].reason should be text";
  // the fast path stores the word as the reason.
  it('a plain reason that YAML reads as null or a boolean is rejected on both paths', () => {
    for (const word of ['null', 'Null', 'true', 'False']) {
      const { fast } = expectSameOnBothPaths(log(`- { at: 2026-03-08T09:30-04:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: ${word} }`));
      expect(fast.ok).toBe(false);
    }
  });

  // Regression test (a bug found and fixed; the text says what used to happen): the strict pattern matches a medication id textually; an id written quoted in medications
  // ("123") but plain in the log (`med: 123`, a number to YAML) is accepted by the fast path, while the
  // full parser reports "log[0].med should be text, not 123".
  it('a numeric-looking medication id written plain in the log is read the same on both paths', () => {
    const text = HEAD.replace('  - id: metformin ', '  - id: "123"     ') + 'log:\n  - { at: 2026-03-08T07:04-04:00, med: 123, status: taken }\n';
    expect(outcome(text, { full: true }).ok).toBe(false);
    expectSameOnBothPaths(text);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): see validate.test.ts: `dose: 0.0` passes the strict pattern.
  it('a zero dose written 0.0 is rejected on both paths', () => {
    expectSameOnBothPaths(log('- { at: 2026-03-08T07:04-04:00, med: metformin, status: taken, dose: 0.0 }'));
  });
});

describe('logFrom: entries before the cutoff may be skipped, never read differently', () => {
  it('builds a subset of the full log, entry for entry, and says the log is incomplete', () => {
    const text = log(
      '- { at: 2026-01-02T07:04-05:00, med: metformin, status: taken }',
      '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }',
      '- { at: 2026-03-08T09:30-04:00, med: apixaban, status: skipped, reason: "x, y" }',
    );
    const full = parseRegimen(text, P, { full: true });
    const fast = parseRegimen(text, P, { logFrom: Date.UTC(2026, 2, 8, 12) });
    expect(fast.logComplete).toBe(false);
    expect(fast.logCount).toBe(3);
    expect(fast.regimen.log).toEqual(full.regimen.log.slice(1));
    const { log: _l1, ...fastRest } = fast.regimen;
    const { log: _l2, ...fullRest } = full.regimen;
    expect(fastRest).toEqual(fullRest);
  });
});

// ---------------------------------------------------------------------------
// The tokenizer against the `yaml` package, scalar by scalar.

/** What `yaml` makes of a one-line flow-map list item, read as load.ts reads files; undefined when it is an error. */
function yamlReads(line: string): Record<string, unknown> | undefined {
  const doc = parseDocument(line, { uniqueKeys: true, strict: true, prettyErrors: false });
  if (doc.errors.length || doc.warnings.length) return undefined;
  const v = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!Array.isArray(v) || v.length !== 1) return undefined;
  return v[0] as Record<string, unknown>;
}

const PLAIN_SCALARS = [
  // integers
  '0', '1', '-1', '+1', '007', '-0', '+0', '1234567890', '99999999999999999999', '1_000',
  // hexadecimal and octal (core schema: lowercase prefix, no sign)
  '0x1F', '0x1f', '0xff', '0X1F', '-0x1F', '+0x1F', '0x', '0xG', '0o17', '0o8', '0O17', '-0o17', '0o',
  // floats
  '1.5', '.5', '-.5', '+.5', '1.', '0.', '1e3', '1E3', '1e+3', '1e-3', '-1.5e+3', '.5e3', '1.e3', '1e', 'e3', '1e1000', '0.0', '00.5', '1.2.3', '.', '+', '-5.',
  // infinities and NaN
  '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.iNf', 'inf', '.nan', '.NaN', '.NAN', '-.nan', 'nan', 'NaN',
  // null
  '~', 'null', 'Null', 'NULL', 'nUll', 'nulls',
  // booleans (YAML 1.2: only true/false in three spellings)
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes',
  // dates and times stay strings in the core schema
  '2026-03-08', '2026-03-08T07:00', '2026-03-08T07:04-04:00', '2026-03-08T07:04:05.5Z', '2026-02-30', '07:00', '7:00', '08:30', '1:30:00', '190:20:30',
  // other words
  'metformin', 'a-b', 'a_b', 'hello world', 'a#b', 'a:b', 'http://x.org/a?b=c', 'é', '☕', '-x', '.x', 'x.', 'Dr. Lee', 'a  b', '0b101',
];

describe('resolvePlain agrees with yaml on every plain scalar', () => {
  it.each(PLAIN_SCALARS)('%s', (s) => {
    const y = yamlReads(`- { k: ${s} }`);
    expect(y, `yaml cannot read ${s}`).toBeDefined();
    expect(Object.is(resolvePlain(s), y!.k) || (Number.isNaN(resolvePlain(s)) && Number.isNaN(y!.k))).toBe(true);
    expect(typeof resolvePlain(s)).toBe(typeof y!.k);
  });
});

const VALUES = [
  ...PLAIN_SCALARS,
  // quoted
  '"quoted"', '"a, b"', '"#"', '"a # b"', '"say \\"hi\\""', '"\\u00e9"', '"\\/"', '"tab\\t"', '"back\\\\slash"', '"é ☕"', '""',
  '"\\x41"', '"\\e"', '"\\N"', '"\\_"', '"\\U0001F600"', '"\\ud83d\\ude00"', '"unterminated', '"a"b"',
  "'single'", "'it''s'", "''", "'a, b'", "'#'", "'a\\nb'", "'unterminated", "'''",
  // things the tokenizer must leave to the parser
  '&a x', '*a', '!tag x', '!!str 1', '[1]', '[a, b]', '{a: 1}', '| x', '> x', '@x', '`x`', '%x', '? x', '- x', '-', 'a: b', 'a #c', 'x]', '',
];

describe('tokenizeFlowLine agrees with yaml on every value, or returns undefined', () => {
  it.each(VALUES)('{ k: %s }', (s) => {
    const line = `  - { k: ${s} }`;
    const t = tokenizeFlowLine(line);
    if (t === undefined) return; // it handed the line over
    const y = yamlReads(line);
    expect(y, `the tokenizer read ${JSON.stringify(line)} though yaml rejects it`).toBeDefined();
    expect(Object.keys(t)).toEqual(Object.keys(y!));
    expect(Object.is(t.k, y!.k) || (Number.isNaN(t.k) && Number.isNaN(y!.k))).toBe(true);
  });

  it('reads every plain scalar and simple quoted string itself (it does not give up on them)', () => {
    for (const s of [...PLAIN_SCALARS, '"quoted"', '"a, b"', '"say \\"hi\\""', '"\\u00e9"', "'it''s'", "'a, b'"]) {
      expect(tokenizeFlowLine(`- { k: ${s} }`), s).toBeDefined();
    }
  });
});

const LINES: string[] = [
  '- { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }',
  '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: skipped, reason: "a, b" }   # comment',
  '- {}',
  '- { }',
  '- {  a: 1  ,b: 2 }',
  '- { a: 1, }',
  '- { a: 1 } trailing',
  '- { a: 1 }#c',
  '- { a: 1 }  # c',
  '- { a: 1, a: 2 }',
  '- { a:1 }',
  '- { a : 1 }',
  '- { "a": 1 }',
  "- { 'a': 1 }",
  '- { a: 1',
  '- { a: [1, 2] }',
  '- { a: { b: 1 } }',
  '- { a: 1, b }',
  '- { a }',
  '- {a: 1}',
  '-{ a: 1 }',
  '- { a: 1 } }',
  '- { a: "x" "y" }',
  '- { a: \t1 }',
  '- { a: 1,\tb: 2 }',
  '- { _a: 1, a_1: 2, A: 3 }',
  '- { true: 1 }',
  '- { null: 1 }',
  '- { Null: 1 }',
  '- { 1: a }',
  '- { a-b: 1 }',
  '- { a.b: 1 }',
  '- { <<: 1 }',
  '- { a: b: c }',
  '- { a: b, c: d, e: f, g: h, i: j, k: l }',
  '- { reason: felt dizzy (mild). }',
  '- { a: x, b: "}", c: \'{\' }',
];

// Regression test (a bug found and fixed; the text says what used to happen): a `null`, `Null`, `NULL` key is the null key to YAML, which `yaml` turns into the property "" ;
// the tokenizer keeps the word as the key. It should return undefined for keys that resolve to null.
const NULL_KEY_LINES = new Set(['- { null: 1 }', '- { Null: 1 }']);

describe('tokenizeFlowLine on whole lines', () => {
  it.each([...NULL_KEY_LINES])('%s agrees with yaml (null key) or is left to the parser', (line) => {
    const t = tokenizeFlowLine(line);
    if (t !== undefined) expect(t).toEqual(yamlReads(line));
  });
  it.each(LINES.filter((l) => !NULL_KEY_LINES.has(l)))('%s', (line) => {
    const t = tokenizeFlowLine(line);
    if (t === undefined) return;
    const y = yamlReads(line.trimStart());
    expect(y, `the tokenizer read ${JSON.stringify(line)} though yaml rejects it`).toBeDefined();
    expect(t).toEqual(y);
    expect(Object.keys(t)).toEqual(Object.keys(y!));
  });
});

describe('strictEntryPattern (lines meds writes)', () => {
  const re = strictEntryPattern(['metformin', 'apixaban', 'a.b']);
  const yes = [
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, for: 2026-03-08T07:00, status: taken }',
    '  - { at: 2026-03-08T07:04Z, med: apixaban, status: skipped, reason: "x, y" }',
    '  - { at: 2026-03-08T07:04:59+05:30, med: a.b, status: taken, dose: 0.5, extra: true }  # c',
    '- { at: 2026-03-08T07:04-04:00, med: metformin, status: skipped, reason: nausea }',
  ];
  const no = [
    '  - { at: 2026-03-08T07:04, med: metformin, status: taken }', // no offset
    '  - { at: 2026-03-08T24:04-04:00, med: metformin, status: taken }',
    '  - { at: 2026-13-08T07:04-04:00, med: metformin, status: taken }',
    '  - { at: 2026-03-08T07:04-04:00, med: metforminx, status: taken }',
    '  - { at: 2026-03-08T07:04-04:00, med: aXb, status: taken }', // the dot is not a wildcard
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: done }',
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: taken, dose: 0 }',
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: taken, dose: -1 }',
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: taken, extra: false }',
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: skipped, reason: see #3 }',
    '  - { at: 2026-03-08T07:04-04:00, med: metformin, status: skipped, reason: a: b }',
    '  - { status: taken, at: 2026-03-08T07:04-04:00, med: metformin }',
  ];
  it.each(yes)('accepts %s', (l) => expect(re.test(l)).toBe(true));
  it.each(no)('leaves %s to the tokenizer', (l) => expect(re.test(l)).toBe(false));

  it('every line it accepts is read by yaml as the same entry the tokenizer reads', () => {
    for (const l of yes) expect(tokenizeFlowLine(l)).toEqual(yamlReads(l.trimStart()));
  });
});

describe('findLogBlock', () => {
  it('finds the example log: its two entry lines, indented two spaces, up to the end of the file', () => {
    const b = findLogBlock(EXAMPLE)!;
    expect(ENTRY_LINES).toHaveLength(2);
    expect(b.lineNumbers).toEqual(ENTRY_LINES);
    expect(b.indent).toBe('  ');
    expect(EXAMPLE.slice(b.keyStart, b.keyStart + 4)).toBe('log:');
    expect(b.end).toBe(EXAMPLE.length);
    expect(b.lastEntryEnd).toBe(EXAMPLE.length);
  });

  it.each([
    ['`log: []`', `${HEAD}log: []\n`],
    ['mixed indentation', `${HEAD}log:\n  - { a: 1 }\n    - { a: 1 }\n`],
    ['no log', HEAD],
  ])('declines %s', (_n, text) => {
    expect(findLogBlock(text)).toBeUndefined();
  });

  it('takes an entry in block style with its lines (read alone), up to the next entry or key', () => {
    const text = `${HEAD}log:\n  - at: x\n    med: y\n\n    status: z\n  - { a: 1 }\n  # note\nnext: 1\n`;
    const b = findLogBlock(text)!;
    const at = (s: string) => text.indexOf(s);
    expect(b.starts).toEqual([at('  - at: x'), at('  - { a: 1 }')]);
    expect(b.ends).toEqual([at('  - { a: 1 }'), at('  # note')]);
    expect(b.lineNumbers[1]! - b.lineNumbers[0]!).toBe(4);
    expect(b.end).toBe(at('next: 1'));
  });
});

// ---------------------------------------------------------------------------
// The whole-log pass (load.ts readStrictLog): a log of strict lines only is checked by the regular
// expression engine, 256 old lines a step, and only the wanted lines are built. It must give what the
// line-by-line scan gives (a comment after the last entry sends a file there, changing nothing
// else) and, when it builds every entry, what the full parser gives.

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function randomStrictLog(rnd: () => number, n: number): string[] {
  const meds = ['metformin', 'apixaban', 'ibuprofen', 'levothyroxine'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    // Mostly in order, some back-dated anywhere; 29 February of leap and common years included.
    const leap = rnd() < 0.05;
    const y = leap ? [2000, 2020, 2024, 2028][Math.floor(rnd() * 4)]! : 2019 + Math.floor(rnd() * 9);
    const mo = leap ? 2 : 1 + Math.floor(rnd() * 12);
    const d = leap ? 29 : 1 + Math.floor(rnd() * 28);
    // Seconds and offsets sometimes, in `at` and in `for` (a slot with an offset is a repeated hour's second pass).
    const seconds = rnd() < 0.2 ? `:${pad(Math.floor(rnd() * 60))}` : '';
    const at = `${y}-${pad(mo)}-${pad(d)}T${pad(Math.floor(rnd() * 24))}:${pad(Math.floor(rnd() * 60))}${seconds}${['-05:00', 'Z', '+05:30', '-03:30'][Math.floor(rnd() * 4)]}`;
    const med = meds[Math.floor(rnd() * meds.length)]!;
    const fields = [`at: ${at}`, `med: ${med}`];
    if (rnd() < 0.6) fields.push(`for: ${at.slice(0, 16)}${rnd() < 0.1 ? ':00' : ''}${rnd() < 0.1 ? '-04:00' : ''}`);
    const skipped = rnd() < 0.2;
    fields.push(`status: ${skipped ? 'skipped' : 'taken'}`);
    // Reasons plain and quoted, with commas, braces and escapes (the columns reader skips them by position).
    const reasons = ['nausea', 'felt dizzy (mild)', '"out, of stock #2"', '"said \\"no\\", then {yes}"', '"back\\\\slash, \\t tab"'];
    if (skipped && rnd() < 0.5) fields.push(`reason: ${reasons[Math.floor(rnd() * reasons.length)]}`);
    if (rnd() < 0.1) fields.push(`dose: ${['1', '2', '0.5', '1.25', '.5'][Math.floor(rnd() * 5)]}`);
    if (!skipped && rnd() < 0.05) fields.push('extra: true');
    lines.push(`- { ${fields.join(', ')} }${rnd() < 0.05 ? '  # note' : ''}`);
  }
  return lines;
}

describe('the whole-log pass reads a log of strict lines as the line-by-line scan does', () => {
  const withIndent = (lines: string[], indent: string, finalNewline = true) => `${HEAD}log:\n${lines.map((l) => indent + l).join('\n')}${finalNewline ? '\n' : ''}`;

  it('on 200 random logs, each with a random cutoff: the same entries (index, line), count and completeness', () => {
    const rnd = prng(20261127);
    for (let run = 0; run < 200; run++) {
      // Every tenth log is longer than one run of the checking pattern (256 lines).
      const lines = randomStrictLog(rnd, run % 10 === 0 ? 257 + Math.floor(rnd() * 500) : 1 + Math.floor(rnd() * 60));
      const indent = ['  ', '    ', ''][Math.floor(rnd() * 3)]!;
      const finalNewline = rnd() < 0.8;
      const text = withIndent(lines, indent, finalNewline);
      const scanned = `${text}${finalNewline ? '' : '\n'}# end\n`;
      const logFrom = rnd() < 0.1 ? undefined : Date.UTC(2019 + Math.floor(rnd() * 10), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28));
      const whole = parseRegimen(text, P, { logFrom });
      const byLine = parseRegimen(scanned, P, { logFrom });
      expect(whole.logBlock && 'starts' in whole.logBlock, 'the whole-log pass read it').toBe(false);
      expect(byLine.logBlock && 'starts' in byLine.logBlock, 'the line scan read it').toBe(true);
      expect(whole.regimen.log, `run ${run}`).toEqual(byLine.regimen.log);
      expect(whole.logCount).toBe(lines.length);
      expect(whole.logComplete).toBe(byLine.logComplete);
      expect(whole.logBlock!.lastStart).toBe(text.lastIndexOf(`\n${indent}- {`) + 1);
      if (logFrom === undefined) expect(whole.regimen.log).toEqual(parseRegimen(text, P, { full: true }).regimen.log);
      // As numbers (adherence): the entries are not built, and the columns are those of the entries.
      const cols = parseRegimen(text, P, { logFrom, columns: true });
      expect(cols.regimen.log).toEqual([]);
      expect(cols.columns, `run ${run}`).toEqual(columnsOf(byLine.regimen.log, byLine.regimen.medications));
      expect(parseRegimen(scanned, P, { logFrom, columns: true }).columns).toEqual(cols.columns);
    }
  });

  it('as columns, numbers read by position from the file\'s bytes equal those read from the text, for ASCII and non-ASCII files', () => {
    const rnd = prng(31);
    const dir = tempDir();
    let built = 0;
    for (let run = 0; run < 40; run++) {
      const lines = randomStrictLog(rnd, run % 4 === 0 ? 300 + Math.floor(rnd() * 300) : 1 + Math.floor(rnd() * 80));
      if (run % 5 === 1) lines.push('- { at: 2026-03-01T08:00Z, med: metformin, status: skipped, reason: "naus\u00e9e \u0122 \u00e9\\"x\\", dose: 9" }'.replace(/\\u([0-9a-f]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16))));
      const text = `${HEAD}log:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
      const file = join(dir, `r${run}.yaml`);
      writeFileSync(file, text);
      const logFrom = rnd() < 0.3 ? undefined : Date.UTC(2019 + Math.floor(rnd() * 10), Math.floor(rnd() * 12), 1);
      // The whole-text path with the file's own bytes (loadRegimen's when it reads a file whole) ...
      const bytes = readFileSync(file);
      const fromFile = parseRegimen(text, P, { logFrom, columns: true, bytes: bytes.length === text.length ? bytes : undefined });
      expect(fromFile.columns, `run ${run}`).toEqual(parseRegimen(text, P, { logFrom, columns: true }).columns);
      // ... and loadRegimen, which reads the bytes itself.
      expect(loadRegimen(file, { logFrom, columns: true }).columns, `run ${run}`).toEqual(fromFile.columns);
      if (fromFile.columns!.length) built++;
    }
    expect(built).toBeGreaterThan(25);
  });

  it.runIf(process.platform === 'linux')('loadRegimen reports a file whose read fails as readSnapshot does (exit 74), not as an internal error (review finding)', () => {
    // /proc/self/mem is a regular file (of size 0, so it is read whole), and reading it from offset 0 fails (EIO).
    const err = (() => {
      try {
        loadRegimen('/proc/self/mem');
      } catch (e) {
        return e as MedsError;
      }
    })();
    expect(err).toBeInstanceOf(MedsError);
    expect([err!.code, err!.exitCode]).toEqual(['read-failed', 74]);
  });

  const thrown = (f: () => unknown): MedsError | undefined => {
    try {
      f();
    } catch (e) {
      return e as MedsError;
    }
    return undefined;
  };

  it.runIf(process.platform === 'linux')('a file of size 0 that never ends soon (/proc/self/pagemap, gigabytes) is read to the 64 MB cap and refused (exit 65), not read for ever (review finding: it hung)', () => {
    const err = thrown(() => loadRegimen('/proc/self/pagemap'));
    expect(err).toBeInstanceOf(MedsError);
    expect([err!.code, err!.exitCode, err!.problems?.[0]?.code]).toEqual(['invalid', 65, 'too-large']);
  });

  it('the 64 MB cap counts the bytes of the file as read: a file of 24 MB whose bytes are not UTF-8 is refused as not UTF-8, with its position, not as larger than 64 MB (review finding: each byte counted as a 3-byte U+FFFD)', () => {
    const file = join(tempDir(), 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('# '), Buffer.alloc(23 * 1024 * 1024, 0xe9), Buffer.from(`\n${HEAD}log:\n`)]));
    const err = thrown(() => loadRegimen(file));
    expect([err!.exitCode, err!.problems?.[0]?.code, err!.pos?.line, err!.pos?.col]).toEqual([65, 'not-utf8', 1, 3]);
  });

  it('hands a log with one odd line after several runs of old lines to the line scan, with the same result', () => {
    const rnd = prng(7);
    const lines = randomStrictLog(rnd, 900).sort();
    lines.splice(700, 0, '# a comment line');
    lines.splice(800, 0, "- { at: 2026-03-08T07:05-04:00, med: metformin, status: skipped, reason: 'single' }");
    const text = withIndent(lines, '  ', true);
    const logFrom = Date.UTC(2030, 0, 1); // after every entry: all lines are old
    const fast = parseRegimen(text, P, { logFrom });
    const full = parseRegimen(text, P, { full: true });
    expect(fast.logBlock && 'starts' in fast.logBlock, 'the line scan read it').toBe(true);
    expect(fast.logCount).toBe(full.regimen.log.length);
    expect(parseRegimen(text, P).regimen.log).toEqual(full.regimen.log);
  });

  it('reads old lines with millions of quoted characters (too many for one run of the pattern) as before: checked, not built', () => {
    const reason = `"${'x'.repeat(40_000)}"`;
    const old = Array.from({ length: 260 }, (_, k) => `- { at: 2020-01-${String(1 + (k % 28)).padStart(2, '0')}T08:00Z, med: metformin, status: skipped, reason: ${reason} }`);
    const text = withIndent([...old, '- { at: 2026-11-20T08:00Z, med: metformin, status: taken }'], '  ', true);
    const r = parseRegimen(text, P, { logFrom: Date.UTC(2026, 10, 19) });
    expect(r.logCount).toBe(261);
    expect(r.regimen.log.map((e) => e.atText)).toEqual(['2026-11-20T08:00Z']);
    expect(r.logBlock && 'starts' in r.logBlock, 'the whole-log pass read it').toBe(false);
  });

  it('reads a line whose quoted reason is too long for the pattern engine (9 million characters) by the line scan, as the full parser does', () => {
    const reason = 'x'.repeat(9_000_000);
    const text = withIndent([`- { at: 2026-03-01T08:00Z, med: metformin, status: skipped, reason: "${reason}" }`, '- { at: 2026-03-08T08:00Z, med: metformin, status: taken }'], '  ', true);
    for (const logFrom of [undefined, Date.UTC(2026, 2, 7), Date.UTC(2026, 0, 1)]) {
      const r = parseRegimen(text, P, { logFrom });
      expect(r.logCount).toBe(2);
      expect(r.regimen.log.at(-1)!.atText).toBe('2026-03-08T08:00Z');
      if (logFrom !== Date.UTC(2026, 2, 7)) expect(r.regimen.log[0]!.reason).toBe(reason);
    }
  });

  it('beforePattern matches exactly the dates that sort before its day', () => {
    const rnd = prng(99);
    const date = () => `${String(Math.floor(rnd() * 10000)).padStart(4, '0')}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 31)).padStart(2, '0')}`;
    for (let k = 0; k < 5000; k++) {
      const day = date();
      const re = new RegExp(`^${beforePattern(day)}`);
      // Nearby dates (same year or month) as well as random ones.
      const j = Math.floor(rnd() * 10);
      const probe = rnd() < 0.3 ? date() : day.slice(0, j) + date().slice(j);
      expect(re.test(probe), `${probe} before ${day}`).toBe(probe < day);
      expect(re.test(day), `${day} before itself`).toBe(false);
    }
    expect(new RegExp(`^${beforePattern('0000-00-00')}`).test('0000-00-00')).toBe(false);
    expect(() => beforePattern('2026-1-01')).toThrow();
  });

  it('accepts 29 February exactly in leap years (divisible by 4; centuries only by 400), like the full parser', () => {
    for (const y of [1600, 1700, 1900, 2000, 2019, 2020, 2023, 2024, 2100, 2400]) {
      const text = log(`- { at: ${y}-02-29T07:04Z, med: metformin, status: taken }`);
      const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
      expect(strictEntryPattern(['metformin']).test(`  - { at: ${y}-02-29T07:04Z, med: metformin, status: taken }`), String(y)).toBe(leap);
      const { fast } = expectSameOnBothPaths(text);
      expect(fast.ok, String(y)).toBe(leap);
    }
  });

  it('hands anything else to the line scan: a comment, a blank line, a line the tokenizer reads, keys after the log', () => {
    const base = ['- { at: 2026-03-08T07:04-04:00, med: metformin, status: taken }', '- { at: 2026-03-08T09:04-04:00, med: apixaban, status: taken }'];
    for (const text of [
      log(base[0]!, '# a comment', base[1]!),
      log(base[0]!, '', base[1]!),
      log(base[0]!, "- { at: 2026-03-08T08:00-04:00, med: metformin, status: skipped, reason: 'single quoted' }", base[1]!),
      `${log(...base)}extra: 1\n`,
    ]) {
      const { fast } = expectSameOnBothPaths(text);
      expect(fast.fast).toBe(true);
    }
  });
});

describe('review findings on the fast paths (each used to differ from the full parser)', () => {
  // Regression tests (bugs found by review and fixed; the text says what used to happen).
  it('a cutoff before year 1000 (e.g. a count dated 0226 by a typo) builds the entries on or after it', () => {
    // The cutoff was written without padding the year ("226-03-06"), and no entry was built.
    const text = log('- { at: 2026-03-08T07:04-04:00, med: metformin, status: taken }', '- { at: 2026-03-08T09:30-04:00, med: apixaban, status: taken }');
    const full = parseRegimen(text, P, { full: true }).regimen.log;
    for (const scanned of [text, `${text}# end\n`]) {
      expect(parseRegimen(scanned, P, { logFrom: new Date(0).setUTCFullYear(226, 2, 8) }).regimen.log).toEqual(full);
      expect(parseRegimen(scanned, P, { logFrom: new Date(0).setUTCFullYear(0, 5, 1) }).regimen.log).toEqual(full); // year 0: no cutoff
      expect(parseRegimen(scanned, P, { logFrom: Number.MAX_SAFE_INTEGER }).regimen.log).toEqual([]);
    }
  });

  it('a literal tab in a quoted reason (valid YAML, not JSON) is read as the parser reads it', () => {
    // strictEntry's JSON.parse threw on it: every command exited 70.
    const { fast } = expectSameOnBothPaths(log('- { at: 2026-03-08T07:04-04:00, med: metformin, status: skipped, reason: "felt\tsick" }'));
    expect(fast.ok).toBe(true);
  });

  it('a dose with hundreds of digits (Infinity, or 0 once rounded) is rejected on both paths', () => {
    // The strict pattern accepted any length: `meds check` passed what the full parser rejects.
    for (const dose of ['9'.repeat(400), `0.${'0'.repeat(400)}1`]) {
      const { fast } = expectSameOnBothPaths(log(`- { at: 2026-03-08T07:04-04:00, med: metformin, status: taken, dose: ${dose} }`));
      expect(fast.ok).toBe(false);
    }
    expect(strictEntryPattern(['m']).test('- { at: 2026-03-08T07:04Z, med: m, status: taken, dose: 123456789.123456789 }')).toBe(true);
  });
});
