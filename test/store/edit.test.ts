/**
 * Writes keep everything they do not touch: comments, blank lines, key order,
 * quoting and unknown keys. Each edit is checked as a diff: the new text is the
 * old text with exactly the intended lines inserted, removed or replaced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegimen, type Loaded } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { appendLogEntry, editHead, entryLine, removeLastLogEntry, type HeadOp } from '../../src/store/edit.js';
import { MedsError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';

const P = 'regimen.yaml';
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'regimen.yaml'), 'utf8');

/** Comments on every line, blank lines, unusual key order, every quoting style, unknown keys, a key after the log. */
const COMMENTED = `# My regimen.   (a comment before everything)

meds: 1   # version

# --- who ---
patient:   # me
  timezone: 'Europe/London'   # single-quoted
  x-nhs-number: "485 777 3456"   # an unknown key, kept
  routine:   # block style
    wake: "06:30"   # quoted time
    breakfast: '07:00'

medications:   # the list

  # first: block style, schedule before id
  - schedule:   # a block map
      times: [breakfast, "20:00"]   # flow list
      dose: 2
    id: "metformin"   # quoted id
    strength: 500 mg   # plain with a space
    x-colour: white   # unknown key

  - id: apixaban   # flow schedule
    schedule: { times: ['09:00', "21:00"] }   # mixed quotes

  # last medication, then a comment
log:   # entries

  # week 1
  - { at: 2026-03-08T07:04+00:00, med: metformin, for: 2026-03-08T07:00, status: taken }   # on time

  - { at: 2026-03-08T09:30+00:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: "sick, stayed in" }
  # end of week 1

settings:   # after the log
  window: { early: 30min, late: 90min }   # tighter
`;

/** The same, with settings moved before the log (editHead needs the log to be the last key). */
const COMMENTED_LOG_LAST = (() => {
  const i = COMMENTED.indexOf('settings:   # after the log');
  const settings = COMMENTED.slice(i);
  const rest = COMMENTED.slice(0, i);
  return rest.replace('log:   # entries', settings + 'log:   # entries');
})();

const BLOCK_LOG = `meds: 1
patient:
  timezone: UTC
medications:
  - id: a
    schedule: { times: ["08:00"] }
log:
  # block-style entries
  - at: 2026-03-08T08:01Z
    med: a
    status: taken
  - at: 2026-03-09T08:01Z   # c
    med: a
    status: skipped
    reason: "x, y"
# after the log
`;

/** The lines that differ: the common prefix and suffix are cut off. */
function diff(a: string, b: string): { line: number; removed: string[]; added: string[] } {
  const A = a.split('\n');
  const B = b.split('\n');
  let i = 0;
  while (i < A.length && i < B.length && A[i] === B[i]) i++;
  let j = 0;
  while (j < A.length - i && j < B.length - i && A[A.length - 1 - j] === B[B.length - 1 - j]) j++;
  return { line: i + 1, removed: A.slice(i, A.length - j), added: B.slice(i, B.length - j) };
}

const load = (text: string): Loaded => parseRegimen(text, P);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const TAKE = { at: '2026-03-08T18:04+00:00', med: 'metformin', for: '2026-03-08T18:00', status: 'taken' };

describe('appendLogEntry: one new line after the last entry, nothing else', () => {
  const cases: { name: string; text: string; entry: Parameters<typeof appendLogEntry>[1]; afterLine: (t: string) => number; added: string[] }[] = [
    {
      name: 'the example',
      text: EXAMPLE,
      entry: { ...TAKE, at: '2026-03-08T18:04-04:00' },
      afterLine: (t) => lineOf(t, 'reason: nausea'),
      added: ['  - { at: 2026-03-08T18:04-04:00, med: metformin, for: 2026-03-08T18:00, status: taken }'],
    },
    {
      name: 'a file with comments everywhere and a key after the log (before the trailing comments of the log)',
      text: COMMENTED,
      entry: { at: '2026-03-08T21:00+00:00', med: 'apixaban', status: 'skipped', reason: 'out of stock, ordered #2' },
      afterLine: (t) => lineOf(t, 'sick, stayed in'),
      added: ['  - { at: 2026-03-08T21:00+00:00, med: apixaban, status: skipped, reason: "out of stock, ordered #2" }'],
    },
    {
      name: 'a block-style log (full parser)',
      text: BLOCK_LOG,
      entry: { at: '2026-03-10T08:00Z', med: 'a', status: 'taken', dose: 0.5, extra: true },
      afterLine: (t) => lineOf(t, 'reason: "x, y"'),
      added: ['  - { at: 2026-03-10T08:00Z, med: a, status: taken, dose: 0.5, extra: true }'],
    },
    {
      name: 'entries at the indentation of `log:`',
      text: 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }\nlog:\n- { at: 2026-03-08T08:01Z, med: a, status: taken }\n',
      entry: { at: '2026-03-09T08:01Z', med: 'a', status: 'taken' },
      afterLine: () => 7,
      added: ['- { at: 2026-03-09T08:01Z, med: a, status: taken }'],
    },
  ];
  for (const c of cases) {
    // Regression test (a bug found and fixed; the text says what used to happen): on a block-style log, appendLogEntry indents the new line by the column of the first item's
    // *content* (4 spaces, after "- "), not of its dash, so the line nests inside the last entry:
    // `meds take` on such a file fails (the change does not read back).
    it(`inserts exactly one line into ${c.name}`, () => {
      const after = appendLogEntry(load(c.text), c.entry);
      const d = diff(c.text, after);
      expect(d.removed).toEqual([]);
      expect(d.added).toEqual(c.added);
      expect(d.line).toBe(c.afterLine(c.text) + 1);
      // and it reads back as one more entry
      const l = load(after);
      expect(l.logCount).toBe(load(c.text).logCount + 1);
      expect(parseRegimen(after, P, { full: true }).regimen.log.length).toBe(l.regimen.log.length);
    });
  }

  it('writes quoted what YAML would misread, and a reason that needs no quotes plain', () => {
    const l = load(EXAMPLE);
    for (const [reason, written] of [
      ['nausea', 'reason: nausea'],
      ['yes', 'reason: "yes"'],
      ['null', 'reason: "null"'],
      ['08:30', 'reason: "08:30"'],
      ['a: b', 'reason: "a: b"'],
      ['see #3', 'reason: "see #3"'],
      ['say "hi"', 'reason: "say \\"hi\\""'],
      ['café', 'reason: "café"'],
    ] as const) {
      const after = appendLogEntry(l, { at: '2026-03-08T21:30-04:00', med: 'apixaban', status: 'skipped', reason });
      expect(diff(EXAMPLE, after).added[0]).toContain(written);
      const back = parseRegimen(after, P, { full: true }).regimen.log.at(-1)!;
      expect(back.reason).toBe(reason);
    }
  });

  it('starts a block list under `log: []`, keeping the comment on that line', () => {
    const text = 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }\nlog: []   # nothing yet\n';
    const after = appendLogEntry(load(text), { at: '2026-03-08T08:01Z', med: 'a', status: 'taken' });
    const d = diff(text, after);
    expect(d.line).toBe(6);
    expect(d.removed).toEqual(['log: []   # nothing yet']);
    expect(d.added).toHaveLength(2);
    expect(d.added[0]).toMatch(/^log: +# nothing yet$/);
    expect(d.added[1]).toBe('  - { at: 2026-03-08T08:01Z, med: a, status: taken }');
  });

  it('adds `log:` at the end of a file that has none, keeping its style of no final newline', () => {
    const text = 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }';
    const after = appendLogEntry(load(text), { at: '2026-03-08T08:01Z', med: 'a', status: 'taken' });
    expect(after).toBe(text + '\nlog:\n  - { at: 2026-03-08T08:01Z, med: a, status: taken }');
  });

  it('refuses a log written as a flow list (exit 73) rather than reformat it', () => {
    const text = 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }\nlog: [{ at: 2026-03-08T08:01Z, med: a, status: taken }]\n';
    let err: unknown;
    try {
      appendLogEntry(load(text), { at: '2026-03-09T08:01Z', med: 'a', status: 'taken' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MedsError);
    expect((err as MedsError).exitCode).toBe(73);
  });

  it('entryLine writes keys in the order the strict pattern expects, leaving out what is unset', () => {
    expect(entryLine('  ', { at: 'A', med: 'm', status: 'taken', extra: false })).toBe('  - { at: A, med: m, status: taken }\n');
    expect(entryLine('', { extra: true, dose: 2, reason: 'r', status: 'skipped', for: 'F', med: 'm', at: 'A' })).toBe('- { at: A, med: m, for: F, status: skipped, reason: r, dose: 2, extra: true }\n');
  });
});

describe('removeLastLogEntry: exactly the last entry goes', () => {
  const cases: { name: string; text: string; removed: string[] }[] = [
    { name: 'the example', text: EXAMPLE, removed: ['  - { at: 2026-03-08T09:30-04:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: nausea }'] },
    { name: 'a file with comments everywhere', text: COMMENTED, removed: ['  - { at: 2026-03-08T09:30+00:00, med: apixaban, for: 2026-03-08T09:00, status: skipped, reason: "sick, stayed in" }'] },
    { name: 'a block-style log', text: BLOCK_LOG, removed: ['  - at: 2026-03-09T08:01Z   # c', '    med: a', '    status: skipped', '    reason: "x, y"'] },
  ];
  for (const c of cases) {
    // Regression test (a bug found and fixed; the text says what used to happen): the range of a block-style entry ends at the start of the next line; removeLastLogEntry's
    // lineEndIncl(text, range[1]) then also deletes that next line (here the comment `# after the log`;
    // when it is a key such as `settings:`, the file breaks and the undo is refused).
    it(`from ${c.name}`, () => {
      const after = removeLastLogEntry(load(c.text));
      const d = diff(c.text, after);
      expect(d.added).toEqual([]);
      expect(d.removed).toEqual(c.removed);
    });
  }

  it('says the log is empty (exit 2) when there is nothing to remove', () => {
    for (const text of ['meds: 1\npatient:\n  timezone: UTC\nlog: []\n', 'meds: 1\npatient:\n  timezone: UTC\nlog:   # none\n\nsettings: {}\n']) {
      let err: unknown;
      try {
        removeLastLogEntry(load(text));
      } catch (e) {
        err = e;
      }
      expect((err as MedsError).code).toBe('empty-log');
      expect((err as MedsError).exitCode).toBe(2);
    }
  });
});

describe('take then undo restores the file byte for byte', () => {
  const files: [string, string][] = [
    ['the example', EXAMPLE],
    ['a file with comments everywhere', COMMENTED],
    ['a block-style log', BLOCK_LOG],
    ['a log with one entry and a comment after it', 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }\nlog:\n  - { at: 2026-03-08T08:01Z, med: a, status: taken }\n  # end\n'],
  ];
  for (const [name, text] of files) {
    it(`for ${name}`, () => {
      const med = load(text).regimen.medications.at(-1)!.id;
      let t = text;
      const entries = [
        { at: '2026-03-10T08:00Z', med, status: 'taken' },
        { at: '2026-03-10T09:00Z', med, status: 'skipped', reason: 'a, "b" #c' },
        { at: '2026-03-10T10:00Z', med, status: 'taken', extra: true, dose: 1.5 },
      ];
      for (const e of entries) t = appendLogEntry(load(t), e);
      expect(load(t).logCount).toBe(load(text).logCount + 3);
      for (let i = 0; i < entries.length; i++) t = removeLastLogEntry(load(t));
      expect(t).toBe(text);
    });
  }

  // Minor: a file without a final newline gets one on the way (insertLines adds it, removal keeps it).
  it('for a file without a final newline', () => {
    const text = 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - { id: a, schedule: { times: ["08:00"] } }\nlog:\n  - { at: 2026-03-08T08:01Z, med: a, status: taken }';
    const t = appendLogEntry(load(text), { at: '2026-03-10T08:00Z', med: 'a', status: 'taken' });
    expect(removeLastLogEntry(load(t))).toBe(text);
  });
});

// ---------------------------------------------------------------------------

interface HeadCase {
  name: string;
  text: string;
  ops: HeadOp[];
  /** The expected change: at line `line`, these lines removed and these added. */
  line: (t: string) => number;
  removed: string[];
  added: string[];
}

const exLine = (needle: string) => (t: string) => lineOf(t, needle);

const HEAD_CASES: HeadCase[] = [
  {
    name: 'set a scalar, keeping the comment after it',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 0, 'purpose'], value: 'type 2 diabetes' }],
    line: exLine('purpose: blood sugar'),
    removed: ['    purpose: blood sugar'],
    added: ['    purpose: type 2 diabetes'],
  },
  {
    name: 'set a scalar to a value that needs quotes',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 0, 'instructions'], value: 'Take with food: never on an empty stomach' }],
    line: exLine('instructions: Take with food.'),
    removed: ['    instructions: Take with food.'],
    added: ['    instructions: "Take with food: never on an empty stomach"'],
  },
  {
    name: 'set a new key inside a flow map (stop: `until`), keeping the comment',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 2, 'schedule', 'until'], value: '2026-03-31' }],
    line: exLine('days: [sun]'),
    removed: ['    schedule: { days: [sun], times: ["06:30"] }  # weekly'],
    added: ['    schedule: { days: [sun], times: ["06:30"], until: 2026-03-31 }  # weekly'],
  },
  {
    name: 'set a new key on a block map: a line after its last key',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 1, 'purpose'], value: 'stroke prevention' }],
    line: (t) => lineOf(t, 'schedule: { times: ["09:00", "21:00"] }') + 1,
    removed: [],
    added: ['    purpose: stroke prevention'],
  },
  {
    name: 'set a new key on the last medication (just before `log:`)',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 7, 'purpose'], value: 'pain' }],
    line: (t) => lineOf(t, 'maxPerDay: 4') + 1,
    removed: [],
    added: ['    purpose: pain'],
  },
  {
    name: 'append a medication to a block list: block lines before `log:`',
    text: EXAMPLE,
    ops: [{ op: 'append', path: ['medications'], item: { id: 'vitd', strength: '1000 IU', schedule: { times: ['08:00'], days: ['sun'] } }, block: true }],
    line: (t) => lineOf(t, 'maxPerDay: 4') + 1,
    removed: [],
    added: ['  - id: vitd', '    strength: "1000 IU"', '    schedule: { times: ["08:00"], days: [sun] }'],
  },
  {
    name: 'wrap a flow schedule into a one-phase list, the comment staying on the phase',
    text: EXAMPLE,
    ops: [{ op: 'wrap', path: ['medications', 0, 'schedule'] }],
    line: exLine('schedule: { times: [breakfast, dinner] }'),
    removed: ['    schedule: { times: [breakfast, dinner] }     # routine names or "HH:MM"'],
    added: ['    schedule:', '      - { times: [breakfast, dinner] }     # routine names or "HH:MM"'],
  },
  {
    name: 'the edit of a schedule (wrap, end the old phase, append the new one)',
    text: EXAMPLE,
    ops: [
      { op: 'wrap', path: ['medications', 0, 'schedule'] },
      { op: 'set', path: ['medications', 0, 'schedule', 0, 'until'], value: '2026-03-07' },
      { op: 'append', path: ['medications', 0, 'schedule'], item: { times: ['08:00', '20:00'], from: '2026-03-08' } },
    ],
    line: exLine('schedule: { times: [breakfast, dinner] }'),
    removed: ['    schedule: { times: [breakfast, dinner] }     # routine names or "HH:MM"'],
    added: ['    schedule:', '      - { times: [breakfast, dinner], until: 2026-03-07 }     # routine names or "HH:MM"', '      - { times: ["08:00", "20:00"], from: 2026-03-08 }'],
  },
  {
    name: 'set `until` on the last phase of a phase list',
    text: EXAMPLE,
    ops: [{ op: 'set', path: ['medications', 5, 'schedule', 1, 'until'], value: '2026-02-09' }],
    line: exLine('from: 2026-02-06'),
    removed: ['      - { from: 2026-02-06, until: 2026-02-10, times: ["08:00"], dose: 2 }'],
    added: ['      - { from: 2026-02-06, until: 2026-02-09, times: ["08:00"], dose: 2 }'],
  },
  {
    name: 'in a file with comments everywhere: set a quoted scalar (the new value is written in our style)',
    text: COMMENTED_LOG_LAST,
    ops: [{ op: 'set', path: ['medications', 0, 'strength'], value: '850 mg' }],
    line: exLine('strength: 500 mg'),
    removed: ['    strength: 500 mg   # plain with a space'],
    added: ['    strength: "850 mg"   # plain with a space'],
  },
  {
    name: 'in a file with comments everywhere: a new key after an unknown key',
    text: COMMENTED_LOG_LAST,
    ops: [{ op: 'set', path: ['medications', 0, 'purpose'], value: 'sugar' }],
    line: (t) => lineOf(t, 'x-colour: white') + 1,
    removed: [],
    added: ['    purpose: sugar'],
  },
  {
    name: 'in a file with comments everywhere: wrap a block-map schedule',
    text: COMMENTED_LOG_LAST,
    ops: [{ op: 'wrap', path: ['medications', 0, 'schedule'] }],
    line: exLine('times: [breakfast, "20:00"]'),
    removed: ['      times: [breakfast, "20:00"]   # flow list', '      dose: 2'],
    added: ['      - times: [breakfast, "20:00"]   # flow list', '        dose: 2'],
  },
  {
    name: 'in a file with comments everywhere: set inside a flow map with mixed quotes',
    text: COMMENTED_LOG_LAST,
    ops: [{ op: 'set', path: ['medications', 1, 'schedule', 'until'], value: '2026-04-01' }],
    line: exLine("schedule: { times: ['09:00', \"21:00\"] }"),
    removed: ["    schedule: { times: ['09:00', \"21:00\"] }   # mixed quotes"],
    added: ["    schedule: { times: ['09:00', \"21:00\"], until: 2026-04-01 }   # mixed quotes"],
  },
  {
    name: 'in a file with comments everywhere: append a medication (after the last one, before the comment that ends the list)',
    text: COMMENTED_LOG_LAST,
    ops: [{ op: 'append', path: ['medications'], item: { id: 'vitd', schedule: { times: ['08:00'] } }, block: true }],
    line: (t) => lineOf(t, "schedule: { times: ['09:00'") + 1,
    removed: [],
    added: ['  - id: vitd', '    schedule: { times: ["08:00"] }'],
  },
];

describe('editHead: only the intended lines change', () => {
  for (const c of HEAD_CASES) {
    // Regression test (a bug found and fixed; the text says what used to happen): a block collection's range in `yaml` ends at the start of the next line, and
    // edit.ts takes lineEndIncl(text, range[1]) as the end of its last line, which is the end of the NEXT line.
    it(c.name, () => {
      const after = editHead(load(c.text), c.ops);
      const d = diff(c.text, after);
      expect({ removed: d.removed, added: d.added }).toEqual({ removed: c.removed, added: c.added });
      expect(d.line).toBe(c.line(c.text));
      // The result is a valid regimen, on both paths alike.
      expect(parseRegimen(after, P).regimen).toEqual(parseRegimen(after, P, { full: true }).regimen);
    });
  }

  it('refuses (exit 73) rather than guess when a key follows the log', () => {
    let err: unknown;
    try {
      editHead(load(COMMENTED), [{ op: 'set', path: ['medications', 0, 'strength'], value: '850 mg' }]);
    } catch (e) {
      err = e;
    }
    expect((err as MedsError).code).toBe('edit-refused');
    expect((err as MedsError).exitCode).toBe(73);
    expect((err as MedsError).hint).toContain('meds check');
  });

  it('applies the same ops on the full path (no log block) with the same result, and keeps CRLF line ends', () => {
    const text = EXAMPLE.replace(/\n/g, '\r\n');
    const l = parseRegimen(text, P, { full: true });
    expect(l.logBlock).toBeUndefined();
    const after = editHead(l, [{ op: 'set', path: ['medications', 0, 'purpose'], value: 'x' }]);
    expect(diff(text, after).removed).toEqual(['    purpose: blood sugar\r']);
  });
});

// Files as `meds init` writes them: `medications: []` and `log: []` (the log is read by the full parser).
const INIT = `meds: 1                              # format version
patient:
  timezone: Europe/London
  routine: { wake: "06:30", breakfast: "07:00" }
settings:
  window: { early: 1h, late: 2h }
medications: []
log: []                              # one entry per line, in the order recorded
`;
const MED_A = { id: 'a', schedule: { times: ['08:00'] } };
const MED_B = { id: 'b', schedule: { times: ['09:00'] } };

describe('editHead on a new file (`medications: []`, `log: []`)', () => {
  it('the first medication replaces `[]` with a block list', () => {
    const after = editHead(load(INIT), [{ op: 'append', path: ['medications'], item: MED_A, block: true }]);
    const d = diff(INIT, after);
    expect(d.removed).toEqual(['medications: []']);
    expect(d.added.slice(1)).toEqual(['  - id: a', '    schedule: { times: ["08:00"] }']);
    expect(load(after).regimen.medications.map((m) => m.id)).toEqual(['a']);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): appendText clears `[]` but leaves the space before it: "medications: " with a trailing blank.
  it('leaves no trailing space on `medications:`', () => {
    const after = editHead(load(INIT), [{ op: 'append', path: ['medications'], item: MED_A, block: true }]);
    expect(diff(INIT, after).added[0]).toBe('medications:');
  });

  // Regression test (a bug found and fixed; the text says what used to happen): the range of a block map in the `yaml` package ends at the start of the next line, and
  // appendText / setText use lineEndIncl(head, range[1]), which then runs to the end of the NEXT line
  // (here `log: []`). The new item lands after `log: []`, the read-back check fails and the edit is
  // refused (exit 73): `meds init; meds add a ...; meds add b ...` fails on the second add.
  it('a second medication goes after the first, not after the next key', () => {
    const one = editHead(load(INIT), [{ op: 'append', path: ['medications'], item: MED_A, block: true }]);
    const two = editHead(load(one), [{ op: 'append', path: ['medications'], item: MED_B, block: true }]);
    const d = diff(one, two);
    expect(d.removed).toEqual([]);
    expect(d.added).toEqual(['  - id: b', '    schedule: { times: ["09:00"] }']);
  });

  // Regression test (a bug found and fixed; the text says what used to happen): the same root cause on the fast path: a medication whose last key holds a block list
  // (prednisone's phases) ends at the start of the next medication's line; a new key is inserted
  // after `  - id: levothyroxine` and the edit is refused (`meds edit prednisone --purpose x`: exit 73).
  it('a new key on a medication whose last value is a block list goes after that list', () => {
    const after = editHead(load(EXAMPLE), [{ op: 'set', path: ['medications', 5, 'purpose'], value: 'taper' }]);
    const d = diff(EXAMPLE, after);
    expect(d.removed).toEqual([]);
    expect(d.added).toEqual(['    purpose: taper']);
    expect(d.line).toBe(lineOf(EXAMPLE, 'from: 2026-02-06') + 1);
  });
});

describe('a file with CRLF line ends keeps them', () => {
  // Regression test (a bug found and fixed; the text says what used to happen): the lines meds
  // added to a file written with CRLF line ends (Windows) ended in a bare LF, leaving mixed line ends.
  const CRLF = EXAMPLE.replace(/\n/g, '\r\n');
  const bareLf = (t: string) => /(?<!\r)\n/.test(t);
  const sameAsLf = (crlf: string, lf: string) => expect(crlf).toBe(lf.replace(/\n/g, '\r\n'));

  it('appending a log entry adds a CRLF line, the same line as in the LF file', () => {
    const after = appendLogEntry(load(CRLF), TAKE);
    expect(bareLf(after)).toBe(false);
    sameAsLf(after, appendLogEntry(load(EXAMPLE), TAKE));
  });

  it('head edits (set, append a medication, append a fill) add CRLF lines', () => {
    const ops: HeadOp[][] = [
      [{ op: 'set', path: ['medications', 0, 'purpose'], value: 'x' }],
      [{ op: 'append', path: ['medications'], item: { id: 'vitd', schedule: { times: ['08:00'] } }, block: true }],
      [{ op: 'append', path: ['medications', 0, 'supply', 'fills'], item: { date: '2026-03-08', quantity: 60 } }],
    ];
    for (const o of ops) {
      const after = editHead(load(CRLF), o);
      expect(bareLf(after), JSON.stringify(o)).toBe(false);
      sameAsLf(after, editHead(load(EXAMPLE), o));
      expect(load(after).regimen).toEqual(load(editHead(load(EXAMPLE), o)).regimen);
    }
  });

  it('removing the last entry leaves CRLF line ends; a file with mixed ends is left as it is', () => {
    expect(bareLf(removeLastLogEntry(load(CRLF)))).toBe(false);
    const mixed = CRLF.replace('\r\npatient:', '\npatient:');
    const after = appendLogEntry(load(mixed), TAKE);
    expect(after.startsWith(mixed)).toBe(true);
    expect(after.endsWith('\n') && !after.endsWith('\r\n')).toBe(true);
  });
});

describe('a CRLF file read on the fast path (as its text without the CRs)', () => {
  it('head edits, appends and undo give the full path\'s text, CRLF throughout', () => {
    const text = EXAMPLE.replace(/\n/g, '\r\n');
    const fast = load(text);
    const full = parseRegimen(text, P, { full: true });
    expect(fast.logBlock).toBeDefined();
    expect(fast.outer).toEqual({ crlf: true, bom: false });
    const ops = [{ op: 'set' as const, path: ['medications', 0, 'purpose'], value: 'x' }];
    expect(editHead(fast, ops)).toBe(editHead(full, ops));
    const e = { at: '2026-03-08T18:10-04:00', med: 'metformin', for: '2026-03-08T18:00', status: 'taken' };
    expect(appendLogEntry(fast, e)).toBe(appendLogEntry(full, e));
    expect(removeLastLogEntry(fast)).toBe(removeLastLogEntry(full));
    expect(/(?<!\r)\n/.test(appendLogEntry(fast, e))).toBe(false);
  });
});
