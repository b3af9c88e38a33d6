import { describe, expect, it } from 'vitest';
import { checkAppendedLine, parseRegimen } from '../../src/store/load.js';
import { appendedLine, appendLogEntry } from '../../src/store/edit.js';
import { ROOT, read } from '../helpers/cli.js';
import { join } from 'node:path';

const EXAMPLE = read(join(ROOT, 'examples', 'regimen.yaml'));

describe('checking only the appended line gives the verdict of a full re-read', () => {
  const loaded = parseRegimen(EXAMPLE, 'r.yaml');
  const lines = [
    '  - { at: 2026-03-08T18:02-04:00, med: metformin, for: 2026-03-08T18:00, status: taken }\n',
    '  - { at: 2026-03-08T18:02-04:00, med: metformin, status: skipped, reason: "sick, tired" }\n',
    "  - { at: 2026-03-08T18:02-04:00, med: 'metformin', status: taken }\n",
    '  - { at: 2026-03-08T18:02-04:00, med: metfromin, status: taken }\n',
    '  - { at: 2026-02-30T18:02-04:00, med: metformin, status: taken }\n',
    '  - { at: 2026-03-08T18:02-04:00, med: metformin, status: taken, dose: 0 }\n',
    '  - { at: 2026-03-08T18:02-04:00, med: metformin, status: tkn }\n',
    '  - { at: 2026-03-08T18:02-04:00, med: metformin, status: taken, colour: red }\n',
  ];
  it.each(lines)('%s', (line) => {
    const text = EXAMPLE + line;
    let fullErrors = 0;
    try {
      parseRegimen(text, 'r.yaml');
    } catch (err) {
      fullErrors = (err as { problems?: unknown[] }).problems?.length ?? 1;
    }
    expect(checkAppendedLine(loaded, line).length > 0).toBe(fullErrors > 0);
  });
  it('is offered only for a pure insertion into a fast-path log block, and names exactly the inserted line', () => {
    const e = { at: '2026-03-08T18:02-04:00', med: 'metformin', for: '2026-03-08T18:00', status: 'taken' };
    const line = appendedLine(loaded, e)!;
    const text = appendLogEntry(loaded, e);
    expect(text).toBe(EXAMPLE + line);
    const block = parseRegimen('meds: 1\npatient: { timezone: UTC }\nmedications: [{ id: a, schedule: { times: ["08:00"] } }]\nlog:\n  - at: 2026-03-08T08:00Z\n    med: a\n    status: taken\n', 'r.yaml');
    // A log with an entry in block style is a fast-path block too: the new line goes after that entry's lines.
    const after = appendLogEntry(block, { ...e, med: 'a' });
    expect(after).toBe(block.text + appendedLine(block, { ...e, med: 'a' }));
    expect(parseRegimen(after, 'r.yaml').regimen.log.map((x) => x.med)).toEqual(['a', 'a']);
    const flow = parseRegimen('meds: 1\npatient: { timezone: UTC }\nmedications: [{ id: a, schedule: { times: ["08:00"] } }]\nlog: [{ at: 2026-03-08T08:00Z, med: a, status: taken }]\n', 'r.yaml');
    expect(appendedLine(flow, { ...e, med: 'a' })).toBeUndefined();
  });
});

describe('a take written as the bytes read plus the new line', () => {
  // mutate writes [bytes read, new line] for a line appended at the very end of an ASCII file
  // (no re-encoding of megabytes of text); the file must be exactly what change.text says, and a
  // file with non-ASCII text (or entries after the log's end) goes through the text as before.
  const e = { at: '2026-03-08T18:02-04:00', med: 'metformin', for: '2026-03-08T18:00', status: 'taken' };
  const cases: [string, string][] = [
    ['an ASCII file whose log ends the file', EXAMPLE],
    ['a file with non-ASCII text (a name with an accent)', EXAMPLE.replace('name: Alex Rivera', 'name: Álex Rivera')],
    ['a file with a comment after the log', `${EXAMPLE}# kept at the end\n`],
  ];
  it.each(cases)('%s', async (_name, text) => {
    const { mutate } = await import('../../src/store/transaction.js');
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'meds-append-')), 'r.yaml');
    writeFileSync(file, text);
    let expected = '';
    mutate(file, (l) => {
      expected = appendLogEntry(l, e);
      return { text: expected, result: undefined, appendedLine: appendedLine(l, e) };
    });
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect(expected.length).toBeGreaterThan(text.length);
  });
});

describe('a change is never written past the 64 MB a read accepts', () => {
  it('a line appended to an ASCII file just under 64 MB is refused (exit 2), and the file is left as it was (review finding: it was written, and then no command, undo included, could read the file)', async () => {
    const { mutate } = await import('../../src/store/transaction.js');
    const { MAX_TEXT } = await import('../../src/store/load.js');
    const { mkdtempSync, readFileSync, statSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const e = { at: '2026-03-08T18:02-04:00', med: 'metformin', for: '2026-03-08T18:00', status: 'taken' };
    // The example with a comment that brings it to 30 bytes under the cap.
    const filler = MAX_TEXT - 30 - EXAMPLE.length - 3;
    const text = `# ${'x'.repeat(filler)}\n${EXAMPLE}`;
    expect(Buffer.byteLength(text)).toBe(MAX_TEXT - 30);
    const file = join(mkdtempSync(join(tmpdir(), 'meds-cap-')), 'r.yaml');
    writeFileSync(file, text);
    const err = (() => {
      try {
        mutate(file, (l) => ({ text: appendLogEntry(l, e), result: undefined, appendedLine: appendedLine(l, e) }));
      } catch (x) {
        return x as { code?: string; exitCode?: number; message: string };
      }
    })();
    expect([err?.code, err?.exitCode]).toEqual(['invalid-change', 2]);
    expect(err?.message).toContain('larger than 64 MB');
    expect(statSync(file).size).toBe(MAX_TEXT - 30);
    expect(readFileSync(file, 'latin1').endsWith(EXAMPLE)).toBe(true);
  });
});

describe('a change of fewer than 64 M characters but more than 64 MB of UTF-8', () => {
  it('is refused (exit 2): the cap counts the bytes to be written, as a read counts them', async () => {
    const { mutate } = await import('../../src/store/transaction.js');
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'meds-cap-')), 'r.yaml');
    writeFileSync(file, EXAMPLE);
    const big = `# ${'é'.repeat(33 * 1024 * 1024)}\n${EXAMPLE}`; // ~33 M characters, ~66 MB
    expect(big.length).toBeLessThan(64 * 1024 * 1024);
    const err = (() => {
      try {
        mutate(file, () => ({ text: big, result: undefined }));
      } catch (x) {
        return x as { code?: string; exitCode?: number };
      }
    })();
    expect([err?.code, err?.exitCode]).toEqual(['invalid-change', 2]);
    expect(readFileSync(file, 'utf8')).toBe(EXAMPLE);
  });
});
