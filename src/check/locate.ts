/**
 * Where a medication is in its file, found fast: most findings point at `medications[i]`, and a
 * pharmacist's run has findings in most files, so parsing every head again with yaml for the
 * positions would double the cost of a run. This reads the head's lines (up to the `log:` line) and
 * finds the i-th item of a block sequence under a top-level `medications:` key: the position of its
 * first key (or of its `{`), which is where the yaml document puts the item (docLocator).
 * Anything else, or any doubt (a flow sequence, an anchor, a tag, a bare `-`), answers undefined and
 * the caller asks the yaml document. test/check/differential.test.ts compares the two.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { SourcePos } from '../errors.js';

/** Bytes of a file's start read for its head; a longer head is left to yaml. */
const HEAD_BYTES = 64 * 1024;

export function readHead(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // A piece at a time: the head is usually a few KiB before a long log.
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    let n = 0;
    for (let piece = 8192; n < HEAD_BYTES; piece *= 2) {
      const got = readSync(fd, buf, n, Math.min(piece, HEAD_BYTES - n), n);
      n += got;
      const text = buf.toString('latin1', 0, n);
      const log = text.search(/^log:/m);
      // (Latin-1 keeps offsets in bytes; the head is decoded as UTF-8 once its end is known.)
      if (log >= 0) return buf.toString('utf8', 0, log);
      if (got === 0) return buf.toString('utf8', 0, n);
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ItemPositions {
  pos: SourcePos;
  /** The item's keys whose value starts on the key's own line: where the value starts. */
  values: Map<string, SourcePos>;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):( +)(?=[^ #&!*|>])/;

/** The positions of the items of the top-level `medications:` block sequence, in order; undefined at any doubt. */
export function medicationPositions(head: string, file: string): ItemPositions[] | undefined {
  if (head.charCodeAt(0) === 0xfeff || head.includes('\r') || head.includes('\t')) return undefined;
  const lines = head.split('\n');
  const start = lines.findIndex((l) => /^medications:[ ]*(#.*)?$/.test(l));
  if (start < 0) return undefined;
  const out: ItemPositions[] = [];
  let indent = -1;
  let keyCol = -1; // 0-based column of the current item's keys
  let flow = false; // the current item is a flow map: its lines are its own, not keys
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    const ind = l.length - l.trimStart().length;
    const rest = l.slice(ind);
    if (rest === '' || rest.startsWith('#')) continue;
    if (indent < 0) {
      if (!rest.startsWith('- ')) return undefined;
      indent = ind;
    }
    if (ind < indent || (ind === indent && !rest.startsWith('-'))) break; // the sequence has ended
    if (ind > indent) {
      if (flow) continue;
      // A line between the dash and the item's keys belongs to no key the way it looks: yaml decides.
      if (ind < keyCol) return undefined;
      if (ind === keyCol) value(out[out.length - 1]!, rest, i, ind, file);
      continue; // (deeper: inside a value)
    }
    // An item: its node starts at the first character after "- " and the spaces after it.
    const m = /^-( +)(?=[^ #&!*?|>'"\-[])/.exec(rest);
    if (!m) return undefined;
    keyCol = ind + 1 + m[1]!.length;
    flow = rest[m[0].length] === '{';
    const item: ItemPositions = { pos: { file, line: i + 1, col: keyCol + 1 }, values: new Map() };
    out.push(item);
    value(item, l.slice(keyCol), i, keyCol, file);
  }
  return out;
}

/** A `key: value` line of an item: where the value starts (only a value on the key's line). */
function value(item: ItemPositions, text: string, i: number, col: number, file: string): void {
  const k = KEY.exec(text);
  if (k) item.values.set(k[1]!, { file, line: i + 1, col: col + k[1]!.length + 1 + k[2]!.length + 1 });
}
