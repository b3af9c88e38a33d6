/**
 * meds check's fast path against the straightforward one (issue #18): on varied files, checkFile
 * (the store's fast readers, the log read only from the cutoff, positions of medications from the
 * head's lines) gives exactly what the whole file parsed by yaml, every entry built and every
 * position taken from the yaml document give. The files: the benchmark's generated ones, and the
 * same rewritten the ways people and other tools write YAML.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/file.js';
import { knowledgeOf } from '../../src/check/knowledge.js';
import { medicationPositions } from '../../src/check/locate.js';
import { docLocator } from '../../src/store/load.js';
import { yaml } from '../../src/store/yaml.js';
// @ts-expect-error: a plain ES module of the benchmark, without types
import { generateBulkFile, BULK_NOW } from '../../bench/bulk-check.mjs';

const knowledge = knowledgeOf();
const dir = mkdtempSync(join(tmpdir(), 'meds-diff-'));

/** Ways of writing the same file (or a damaged one) that the fast readers may or may not take. */
const VARIANTS: [string, (s: string) => string][] = [
  ['as generated', (s) => s],
  ['comments after values and between items', (s) => s.replace(/^(    strength: .*)$/gm, '$1   # from the label').replace(/^  - id: /gm, '  # next\n  - id: ')],
  ['block-style schedules', (s) => s.replace(/^    schedule: \{ times: \[(.*)\] \}$/gm, (_, t: string) => `    schedule:\n      times: [${t}]`)],
  ['more spaces after the dash', (s) => s.replace(/^  - id: /gm, '  -   id: ')],
  ['a zero-indented medications list', (s) => s.replace(/^(medications:\n)([\s\S]*?)(?=^log:)/m, (_, k: string, body: string) => k + body.replace(/^  /gm, ''))],
  ['CRLF line endings', (s) => s.replace(/\n/g, '\r\n')],
  ['block-style log entries', (s) => s.replace(/^  - \{ at: ([^,]+), med: ([^,]+), for: ([^,]+), status: (\w+)(.*) \}$/gm, '  - at: $1\n    med: $2\n    for: $3\n    status: $4')],
  ['settings after the log', (s) => s + 'settings:\n  window: { early: 1h, late: 2h }\n'],
  ['a flow-style medication', (s) => s.replace(/^  - id: (m1-\w+)\n    name: (.*)\n    strength: (.*)\n    dose: 1\n/m, '  - { id: $1, name: $2, strength: $3, dose: 1,\n      schedule: { times: ["08:00"] } }\n').replace(/^(  - \{ id: m1-[\s\S]*?\} \}\n)    schedule: .*\n/m, '$1')],
  ['an unknown key', (s) => s.replace('    dose: 1\n', '    dose: 1\n    dosage: twice\n')],
  ['a broken log line', (s) => s.replace(/^(  - \{ at: [^\n]*)\}$/m, '$1')],
  ['an unknown medication in the log', (s) => s.replace(/med: m2-[\w-]+/, 'med: nobody')],
  ['a future entry', (s) => s + '  - { at: 2026-12-01T08:00+00:00, med: m1-x, status: taken }\n'],
];

describe('checkFile: the fast path equals the straightforward one', () => {
  const cases: [string, string][] = [];
  for (let i = 0; i < 24; i++) for (const [name, f] of VARIANTS) cases.push([`file ${i}, ${name}`, f(generateBulkFile(i, { entries: 120 + i * 7 }))]);
  it.each(cases)('%s', (name, text) => {
    const p = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(p, text.replace(/med: m1-x/, `med: ${/id: (m1-[\w-]+)/.exec(text)?.[1] ?? 'm1'}`));
    const fast = checkFile(p, { review: true, nowText: BULK_NOW, knowledge });
    const plain = checkFile(p, { review: true, nowText: BULK_NOW, knowledge, straightforward: true });
    expect(fast).toEqual(plain);
    // (A case that checks nothing would prove nothing: most files have findings.)
    if (name.includes('as generated')) expect(fast.findings.length).toBeGreaterThan(0);
  });
});

describe('medicationPositions equals the yaml document', () => {
  it('on every variant yaml reads and whose head it reads, for every medication and every value on a key line', () => {
    let compared = 0;
    for (let i = 0; i < 12; i++) {
      for (const [name, f] of VARIANTS) {
        const text = f(generateBulkFile(i, { entries: 3 }));
        const head = text.slice(0, text.search(/^log:/m));
        const fast = medicationPositions(head, 'f');
        if (!fast) continue;
        const lc = new (yaml().LineCounter)();
        const doc = yaml().parseDocument(text, { lineCounter: lc });
        // (Positions are asked only of files meds has read, which yaml reads without error.)
        if (doc.errors.length) continue;
        const locate = docLocator(doc, lc, 'f');
        fast.forEach((item, k) => {
          expect(item.pos, `${name}: medications[${k}]`).toEqual(locate(['medications', k]));
          for (const [key, pos] of item.values) expect(pos, `medications[${k}].${key}`).toEqual(locate(['medications', k, key]));
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
