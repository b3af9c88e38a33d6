/** Control characters in human output are shown as escapes; the palette's own color codes alone reach the terminal. */
import { describe, expect, it } from 'vitest';
import { humanText, sgr, shown, shownCell } from '../../src/render/escape.js';
import { table } from '../../src/render/table.js';

describe('shown: one value', () => {
  it.each([
    ['ESC sequences', 'a\x1b[2J\x1b]0;t\x07b', 'a\\x1b[2J\\x1b]0;t\\x07b'],
    ['DEL and C1', 'a\x7f\x85\x9bb', 'a\\x7f\\x85\\x9bb'],
    ['line breaks and tabs', 'a\nb\r\tc\u2028d\u2029', 'a\\nb\\r\\tc\\u2028d\\u2029'],
    ['bidirectional overrides and isolates', 'a\u202eb\u2066c', 'a\\u202eb\\u2066c'],
    ['printable text, accents, CJK and emoji unchanged', 'Émile 山田 💊 \\x1b', 'Émile 山田 💊 \\x1b'],
  ])('%s', (_, s, want) => {
    expect(shown(s)).toBe(want);
  });
});

describe('humanText: a whole output', () => {
  it('keeps line breaks and escapes every other control character, without color', () => {
    expect(humanText('a\x1b[31mb\nc\x7f\n', false)).toBe('a\\x1b[31mb\nc\\x7f\n');
  });

  it('with color, turns the palette\'s codes into real ones and escapes any other ESC, SGR or not', () => {
    const text = `${sgr(31)}red ${'\x1b[8m'}hidden${sgr(39)} \x1b[31;1234;5678;9012m`;
    expect(humanText(text, true)).toBe('\x1b[31mred \\x1b[8mhidden\x1b[39m \\x1b[31;1234;5678;9012m');
  });

  it('without color, even the palette\'s codes are shown, never sent (the palette makes none then)', () => {
    expect(humanText(`${sgr(1)}x`, false)).toMatch(/^\\x1b\[1;\d{4};\d{4};\d{4}mx$/);
  });
});

describe('tables', () => {
  it('lay out cells as shown, so the columns line up', () => {
    const out = table(['A', 'B'], [['x\x1b[2Jy', '1'], ['plain', '2']], { color: false });
    expect(out).toBe(['A          B', 'x\\x1b[2Jy  1', 'plain      2'].join('\n'));
  });

  it('keep the palette\'s codes in a cell', () => {
    expect(shownCell(`${sgr(1)}a\nb${sgr(22)}`)).toBe(`${sgr(1)}a\\nb${sgr(22)}`);
  });
});
