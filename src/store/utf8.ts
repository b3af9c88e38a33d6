/**
 * The regimen file must be UTF-8. Decoding other bytes as UTF-8 turns each invalid sequence into
 * U+FFFD, and writing that text back would rewrite bytes (comments included) that meds never
 * edited; so such a file is refused, read or written, with the position of its first bad byte.
 */
import { isUtf8 } from 'node:buffer';
import type { Problem } from '../errors.js';

/** undefined for valid UTF-8; else the problem, at the first byte that is not. */
export function utf8Problem(bytes: Uint8Array): Problem | undefined {
  if (isUtf8(bytes)) return undefined;
  const at = firstInvalid(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  // The column counts characters (code points; the bytes before it on its line are valid UTF-8).
  const col = [...Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, at - lineStart).toString('utf8')].length + 1;
  return {
    severity: 'error',
    code: 'not-utf8',
    path: [],
    message: `the file is not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at line ${line}, column ${col})`,
    hint: 'save the file as UTF-8 (meds refuses to read or write other bytes rather than replace them)',
    pos: { line, col },
  };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629, section 4). */
function firstInvalid(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // no overlong forms
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}
