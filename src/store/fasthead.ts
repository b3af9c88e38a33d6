/**
 * The head's fast path. The head is the file without its log: patient,
 * settings and medications, a few kilobytes that every command reads. The
 * `yaml` package reads it correctly but, run once in a fresh process, its cold
 * code costs 20-30 ms, most of a short command's own time. This reader
 * understands the plain subset of YAML a regimen head is written in (block
 * maps and sequences, one-line flow collections, plain and quoted one-line
 * scalars, comments) and gives the same value as `yaml`'s toJS. Anything else
 * (anchors, tags, block scalars, a scalar over several lines, tabs, duplicate
 * keys, quoted keys, an odd indentation) answers undefined and the caller
 * parses with `yaml`, which also gives the positions of any problem.
 * test/store/fasthead.test.ts compares both readers on varied heads.
 */

interface Line {
  indent: number;
  text: string; // the line without its indentation (comments included)
}

/** Thrown inside the reader when the text leaves the subset; caught in readHeadFast. */
const OUT = Symbol('outside the subset');

/** Deeper nesting is left to yaml (which has its own limits); a regimen head nests about 5 deep. */
const MAX_DEPTH = 64;

// A plain key; the parser refuses implicit keys over 1024 characters, the subset stops well before.
const KEY_SOURCE = '([A-Za-z_][A-Za-z0-9_-]{0,200}):(?= |$)';
const KEY = new RegExp(`^${KEY_SOURCE}`);
/** KEY at a given place (lastIndex), without a substring. */
const KEY_AT = new RegExp(KEY_SOURCE, 'y');

/** The head's value as `yaml` would give it (`doc.toJS()`), or undefined when it is not in the subset. */
export function readHeadFast(text: string): unknown {
  const lines = contentLines(text);
  if (!lines) return undefined;
  if (!lines.length) return null; // comments only: an empty document
  try {
    const r = new Reader(lines);
    if (lines[0]!.indent !== 0) return undefined;
    const value = r.block(0);
    return r.i === lines.length ? value : undefined;
  } catch (err) {
    if (err === OUT || err instanceof RangeError) return undefined; // (a RangeError: nesting too deep for the stack)
    throw err;
  }
}

/** The lines that carry content, with their indentation; undefined for what the subset leaves out. */
function contentLines(text: string): Line[] | undefined {
  const out: Line[] = [];
  // Characters that start YAML features outside the subset, or that the reader does not expect anywhere.
  if (text.includes('\t') || text.includes('\r')) return undefined;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    let p = pos;
    while (p < nl && text.charCodeAt(p) === 32) p++;
    if (p < nl && text.charCodeAt(p) !== 35 /* # */) {
      const line = text.slice(p, nl);
      // Directives and document markers.
      if (p === pos && (line.startsWith('%') || line.startsWith('---') || line.startsWith('...'))) return undefined;
      out.push({ indent: p - pos, text: line });
    }
    pos = nl + 1;
  }
  return out;
}

const isSeqItem = (s: string) => s.charCodeAt(0) === 45 /* - */ && (s.length === 1 || s.charCodeAt(1) === 32);

class Reader {
  i = 0;
  constructor(readonly lines: Line[]) {}

  private depth = 0;

  /** The block node whose first line is lines[i], at `indent`. */
  block(indent: number): unknown {
    const l = this.lines[this.i]!;
    if (l.indent !== indent || ++this.depth > MAX_DEPTH) throw OUT;
    const value = isSeqItem(l.text) ? this.seq(indent) : this.map(indent);
    this.depth--;
    return value;
  }

  map(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const { lines } = this;
    while (this.i < lines.length) {
      const l = lines[this.i]!;
      if (l.indent < indent) break;
      if (l.indent > indent || isSeqItem(l.text)) throw OUT;
      const m = KEY.exec(l.text);
      if (!m) throw OUT;
      const key = m[1]!;
      if (!keyOk(obj, key)) throw OUT;
      const rest = l.text.slice(key.length + 1);
      this.i++;
      const next = lines[this.i];
      let value: unknown;
      if (isEmpty(rest)) {
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && isSeqItem(next.text)) value = this.seq(indent);
        else value = null;
      } else {
        value = inline(rest);
        if (next && next.indent > indent) throw OUT; // a scalar over several lines
      }
      obj[key] = value;
    }
    return obj;
  }

  seq(indent: number): unknown[] {
    const arr: unknown[] = [];
    const { lines } = this;
    while (this.i < lines.length) {
      const l = lines[this.i]!;
      if (l.indent < indent || (l.indent === indent && !isSeqItem(l.text))) break;
      if (l.indent > indent || !isSeqItem(l.text)) throw OUT;
      let k = 1;
      while (l.text.charCodeAt(k) === 32) k++;
      const rest = l.text.slice(k);
      if (isEmpty(rest)) throw OUT; // an item on the following lines
      if (KEY.test(rest)) {
        // `- key: value`: a map whose first key is on the dash's line, its column the map's indentation.
        lines[this.i] = { indent: indent + k, text: rest };
        arr.push(this.block(indent + k));
        continue;
      }
      this.i++;
      arr.push(inline(' ' + rest));
      const next = lines[this.i];
      if (next && next.indent > indent) throw OUT;
    }
    return arr;
  }
}

/**
 * One log line written as a flow map of scalars (`- { at: ..., med: ..., status: taken }`), as yaml
 * reads it, or undefined for anything else (nested collections, tabs, what the subset leaves out):
 * the caller then hands the file to the parser. The fast log path's reader of lines its strict
 * pattern does not accept.
 */
export function readFlowLine(line: string): Record<string, FlowValue> | undefined {
  const m = /^ *- +(?=\{)/.exec(line);
  if (!m || line.includes('\t') || line.includes('\r')) return undefined;
  try {
    const [value, end] = flowValue(line, m[0].length, 0);
    if (!/^(?: *| +#.*)$/.test(line.slice(end))) return undefined;
    const map = value as Record<string, unknown>;
    for (const k in map) if (map[k] !== null && typeof map[k] === 'object') return undefined;
    return map as Record<string, FlowValue>;
  } catch (err) {
    if (err === OUT || err instanceof RangeError) return undefined;
    throw err;
  }
}

/** A key the reader takes: one YAML reads as that string, not `__proto__`, not already in the map. */
function keyOk(obj: Record<string, unknown>, key: string): boolean {
  return resolvePlain(key) === key && key !== '__proto__' && !Object.prototype.hasOwnProperty.call(obj, key);
}

/** Nothing but spaces and perhaps a comment. */
function isEmpty(rest: string): boolean {
  let p = 0;
  while (rest.charCodeAt(p) === 32) p++;
  return p === rest.length || (rest.charCodeAt(p) === 35 /* # */ && p > 0);
}

/**
 * A value on the rest of a line (which starts with the space after `key:` or `-`): a flow
 * collection, a quoted or a plain scalar, then perhaps a comment.
 */
function inline(rest: string): unknown {
  let p = 0;
  while (rest.charCodeAt(p) === 32) p++;
  if (p === 0) throw OUT;
  const c = rest[p]!;
  let value: unknown;
  let end: number;
  if (c === '{' || c === '[' || c === '"' || c === "'") {
    [value, end] = flowValue(rest, p, 0);
  } else {
    // A plain scalar in block context: up to a comment or the end of the line.
    let e = rest.indexOf(' #', p);
    if (e === -1) e = rest.length;
    const raw = rest.slice(p, withoutSpaces(rest, p, e));
    if (!plainOk(raw, false)) throw OUT;
    value = resolvePlain(raw);
    end = e;
  }
  if (!isEmpty(rest.slice(end))) throw OUT;
  return value;
}

const INDICATORS = '[]{}&*!|>\'"%@`#,?:';

/** A plain scalar the reader takes as it stands: one that starts with no indicator and holds no `: ` or ` #`. */
function plainOk(raw: string, flow: boolean): boolean {
  if (!raw) return false;
  // (Compared as text, not by patterns: a short run pays to compile each pattern it uses.)
  if (INDICATORS.includes(raw[0]!) || (raw[0] === '-' && (raw.length === 1 || raw[1] === ' '))) return false;
  if (raw.includes(': ') || raw.includes(' #') || raw.endsWith(':')) return false;
  if (flow && /[[\]{},]/.test(raw)) return false;
  return true;
}

const FLOW_PLAIN_END = /[,\]}]| #/g;

/** A value in flow context (or a quoted scalar) starting at s[p]; returns it and the offset after it. */
function flowValue(s: string, p: number, depth: number): [unknown, number] {
  if (depth > MAX_DEPTH) throw OUT;
  const c = s[p];
  if (c === '{') {
    const obj: Record<string, unknown> = {};
    p = skip(s, p + 1);
    if (s[p] === '}') return [obj, p + 1];
    for (;;) {
      KEY_AT.lastIndex = p;
      const m = KEY_AT.exec(s);
      if (!m) throw OUT;
      const key = m[1]!;
      if (!keyOk(obj, key)) throw OUT;
      p += key.length + 1;
      if (s[p] !== ' ') throw OUT;
      let v: unknown;
      [v, p] = flowValue(s, skip(s, p), depth + 1);
      obj[key] = v;
      p = skip(s, p);
      if (s[p] === '}') return [obj, p + 1];
      if (s[p] !== ',') throw OUT;
      p = skip(s, p + 1);
      if (s[p] === '}' || s[p] === ',') throw OUT; // a trailing or doubled comma
    }
  }
  if (c === '[') {
    const arr: unknown[] = [];
    p = skip(s, p + 1);
    if (s[p] === ']') return [arr, p + 1];
    for (;;) {
      let v: unknown;
      [v, p] = flowValue(s, p, depth + 1);
      arr.push(v);
      p = skip(s, p);
      if (s[p] === ']') return [arr, p + 1];
      if (s[p] !== ',') throw OUT;
      p = skip(s, p + 1);
      if (s[p] === ']' || s[p] === ',') throw OUT;
    }
  }
  if (c === '"') {
    let j = p + 1;
    for (;;) {
      const ch = s.charCodeAt(j);
      if (Number.isNaN(ch)) throw OUT; // goes on to the next line
      if (ch === 34) break;
      if (ch === 92 /* \ */) {
        const e = s[j + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(j + 2, j + 6))) throw OUT;
          j += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw OUT;
        j += 2;
        continue;
      }
      if (ch < 32) throw OUT;
      j++;
    }
    const raw = s.slice(p, j + 1);
    // An escaped surrogate (half of a pair, or alone) is left to the parser.
    if (/\\u[dD][89a-fA-F]/.test(raw)) throw OUT;
    return [JSON.parse(raw) as string, j + 1];
  }
  if (c === "'") {
    let j = p + 1;
    let v = '';
    for (;;) {
      const q = s.indexOf("'", j);
      if (q === -1) throw OUT;
      v += s.slice(j, q);
      if (s[q + 1] === "'") {
        v += "'";
        j = q + 2;
        continue;
      }
      return [v, q + 1];
    }
  }
  // A plain scalar in flow context: up to , ] } or a comment (which would leave the collection open).
  FLOW_PLAIN_END.lastIndex = p;
  const m = FLOW_PLAIN_END.exec(s);
  if (!m || m[0] === ' #') throw OUT;
  const raw = s.slice(p, withoutSpaces(s, p, m.index));
  if (!plainOk(raw, true)) throw OUT;
  return [resolvePlain(raw), m.index];
}

/** The end of s[p, e) without its trailing spaces (only spaces: YAML's other blanks are text here). */
function withoutSpaces(s: string, p: number, e: number): number {
  while (e > p && s.charCodeAt(e - 1) === 32) e--;
  return e;
}

function skip(s: string, p: number): number {
  while (s.charCodeAt(p) === 32) p++;
  return p;
}

export type FlowValue = string | number | boolean | null;

/**
 * YAML 1.2 core schema resolution of a plain scalar (as the `yaml` package's default schema). The
 * few words are compared as words, and only what starts as a number can be one: most scalars (and
 * every key, which keyOk resolves) then run no pattern.
 */
export function resolvePlain(s: string): FlowValue {
  switch (s) {
    case '~':
    case 'null':
    case 'Null':
    case 'NULL':
      return null;
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return Infinity;
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return -Infinity;
    case '.nan':
    case '.NaN':
    case '.NAN':
      return NaN;
  }
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */ || c === 46) /* . */) return s;
  if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  return s;
}
