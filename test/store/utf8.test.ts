import { describe, expect, it } from 'vitest';
import { utf8Problem } from '../../src/store/utf8.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('utf8Problem: the first byte that is not UTF-8, by line and column (in characters)', () => {
  const cases: [string, Buffer, { line: number; col: number; byte: string } | undefined][] = [
    ['ASCII', bytes('meds: 1\n'), undefined],
    ['accents, a dash and an emoji', bytes('name: Álex – 💊\n'), undefined],
    ['a Latin-1 é in a comment on line 3', bytes('a: 1\nb: 2\n# caf', [0xe9], '\n'), { line: 3, col: 6, byte: 'e9' }],
    ['after multi-byte characters on its line', bytes('x\n# ü💊', [0xff], '\n'), { line: 2, col: 5, byte: 'ff' }],
    ['a truncated sequence at the end', bytes('ok\n', [0xe2, 0x82]), { line: 2, col: 1, byte: 'e2' }],
    ['an overlong encoding of "/"', bytes('a', [0xc0, 0xaf]), { line: 1, col: 2, byte: 'c0' }],
    ['an encoded surrogate', bytes('ab', [0xed, 0xa0, 0x80]), { line: 1, col: 3, byte: 'ed' }],
    ['above U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), { line: 1, col: 1, byte: 'f4' }],
    ['a stray continuation byte', bytes('é', [0x80]), { line: 1, col: 2, byte: '80' }],
  ];
  it.each(cases)('%s', (_, b, want) => {
    const p = utf8Problem(b);
    if (!want) return expect(p).toBeUndefined();
    expect(p?.pos).toEqual({ line: want.line, col: want.col });
    expect(p?.code).toBe('not-utf8');
    expect(p?.message).toBe(`the file is not valid UTF-8 (byte 0x${want.byte} at line ${want.line}, column ${want.col})`);
  });
});
