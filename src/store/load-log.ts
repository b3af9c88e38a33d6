/**
 * Reading the log: the strict pattern over runs of lines (readStrictLog), line by line where a line
 * is not strict (scanLines: such an entry is read alone), numbers read by position for columns
 * (readRow), and what the whole log holds (its facts) whatever part of it is built.
 */
import { Clock, dayFromCivil, civilFromDay, DAY, HOUR, MINUTE, slotOf } from '../time/time.js';
import { newColumns } from '../core/doses.js';
import { ENTRY_EXTRA, ENTRY_TAKEN, type DayNum, type LogColumns, type LogEntry, type LogFacts, type Millis, type Regimen } from '../model/types.js';
import { Checker, logEntryOf } from '../model/validate.js';
import { regimenSchema } from '../model/schema.js';
import type { Problem } from '../errors.js';
import { yaml } from './yaml.js';
import { readFlowLine } from './fasthead.js';
import { countNewlines, entryText, execSafely, strictEntryPattern, strictRunPattern, testSafely, type LogBlock, type ScannedBlock } from './fastlog.js';
import { PARSE_OPTS } from './load-head.js';
import type { Loaded, ParseOptions } from './load-parse.js';

/**
 * What reading the log needs from the head: the medication ids (to their index, and to their own
 * string), the cutoff that `opts.logFrom` gives, and the strict pattern of the ids.
 */
export function logSetup(regimen: Regimen, opts: ParseOptions, clock: Clock) {
  const ids = new Map(regimen.medications.map((m) => [m.id, m.index]));
  const canonical = new Map(regimen.medications.map((m) => [m.id, m.id]));
  const logFrom = typeof opts.logFrom === 'function' ? opts.logFrom(regimen) : opts.logFrom;
  const cutoff = logFrom !== undefined ? cutoffText(logFrom, clock) : undefined;
  return { ids, canonical, cutoff, strict: strictEntryPattern([...ids.keys()], true) };
}

/**
 * The log line by line: each line is checked by the strict pattern in place at its offset (no
 * substring per line); lines before the cutoff are only checked, the others are built from the
 * pattern's groups; any other line goes through readFlowLine (fasthead.ts) and the same checks as the full
 * parser. Undefined when a line is not a shape read line by line (the full parser decides).
 */
export function scanLines(text: string, block: ScannedBlock, strict: RegExp, ids: Map<string, number>, canonical: Map<string, string>, clock: Clock, cutoff: string | undefined, checker: Checker): { log: LogEntry[]; complete: boolean; facts: LogFacts } | undefined {
  const log: LogEntry[] = [];
  const times = new StrictTimes();
  let complete = true;
  // The whole log's facts: from the entries built, and from the lines only checked (strict lines,
  // read by position).
  const firstAtByMed = new Map<string, Millis>();
  let firstAt: Millis | undefined;
  const seen = (med: string, at: () => Millis) => {
    if (firstAt === undefined) firstAt = at();
    if (!firstAtByMed.has(med)) firstAtByMed.set(med, at());
  };
  const n = block.count;
  const atCol = block.indent.length + 8; // "- { at: "
  for (let i = 0; i < n; i++) {
    const start = block.starts[i]!;
    const skip = cutoff !== undefined && isBefore(text, start + atCol, cutoff);
    strict.lastIndex = start;
    const m = skip ? (block.strict[i] || testSafely(strict, text) ? SKIPPED : null) : execSafely(strict, text);
    if (m) {
      if (m === SKIPPED) {
        complete = false;
        const medAt = text.indexOf(', med: ', start + atCol) + 7;
        seen(text.slice(medAt, text.indexOf(',', medAt)), () => times.instant(text, start + atCol));
      } else {
        const e = strictEntry(m, i, block.lineNumbers[i]!, canonical, times);
        seen(e.med, () => e.at);
        log.push(e);
      }
      continue;
    }
    const src = entryText(text, block, i);
    const obj = readFlowLine(src) ?? readEntryAlone(src);
    if (!obj) return undefined;
    const before = checker.problems.length;
    checker.walk(obj, regimenSchema.properties!.log!.items!, ['log', i]);
    if (checker.problems.slice(before).some((p) => p.severity === 'error')) continue;
    const e = logEntryOf(obj, i, clock, ids, checker, ['log', i], block.lineNumbers[i]);
    if (e) {
      seen(e.med, () => e.at);
      log.push(e);
    }
  }
  return { log, complete, facts: { count: n, firstAt, firstAtByMed } };
}

/**
 * An entry in block style (`- at: ...` and its other keys on lines of their own), read alone by the
 * general YAML parser: an odd entry costs its own size, not the whole log's. Undefined for anything
 * else, or anything that entry alone does not read cleanly (an alias to the head, a tag, a problem):
 * the whole file then goes to the general parser, which reports it with its place.
 */
function readEntryAlone(src: string): Record<string, unknown> | undefined {
  if (/^ *- \{/.test(src)) return undefined;
  const doc = yaml().parseDocument(src, PARSE_OPTS);
  if (doc.errors.length || doc.warnings.length) return undefined;
  let v: unknown;
  try {
    v = doc.toJS({ maxAliasCount: 0 });
  } catch {
    return undefined;
  }
  const e = Array.isArray(v) && v.length === 1 ? v[0] : undefined;
  return e && typeof e === 'object' && !Array.isArray(e) ? (e as Record<string, unknown>) : undefined;
}

/**
 * The usual log, read without a JavaScript loop over its old lines: every line from the `log:` key to
 * the end of the file is a strict line at one indentation. Lines dated before the cutoff are checked
 * by a sticky pattern 256 lines at a time (strictRunPattern); a line where it stops is either dated
 * on or after the cutoff, and is then checked and built by the strict pattern, or is not a strict
 * line, and the line-by-line scan decides (undefined). `strict` is strictEntryPattern (sticky), which
 * that scan uses too. With `asColumns`, the lines are built as columns instead of LogEntry objects:
 * the lines on or after the cutoff are then checked by runs too (the same pattern without the date
 * guard), and each is read by position (readRow), without the strict pattern's groups.
 */
export function readStrictLog(text: string, key: { keyStart: number; keyLineEnd: number }, strict: RegExp, ids: Map<string, number>, canonical: Map<string, string>, cutoff: string | undefined, asColumns: boolean, ascii: Uint8Array | undefined): { block: LogBlock; log: LogEntry[]; complete: boolean; columns?: LogColumns } | undefined {
  const from = key.keyLineEnd;
  const len = text.length;
  if (from >= len || text.charCodeAt(from - 1) !== 10) return undefined;
  const reader = new StrictLogReader(text, from, strict, ids, canonical, cutoff, asColumns, len - from, countNewlines(text, 0, from) + 1);
  // As columns, the text's characters as bytes (readRow): those read from the file when it is ASCII.
  if (!reader.read(text, from, 0, asColumns ? (ascii ?? Buffer.from(text, 'latin1')) : undefined)) return undefined;
  return reader.finish(key, len, text.charCodeAt(len - 1) === 10);
}

/**
 * readStrictLog's reading, over the whole text or over pieces of it in turn (each whole lines, in
 * order: loadRegimen reads a file a piece at a time). The first log line gives the indentation.
 */
class StrictLogReader {
  private readonly indent: number;
  private readonly old: RegExp | undefined;
  private readonly fresh: RegExp | undefined;
  private readonly cutBytes: Uint8Array | undefined;
  private readonly times = new StrictTimes();
  private readonly memo: DateMemo = { key: -1, day: 0 };
  private readonly log: LogEntry[] = [];
  private readonly cols: LogColumns | undefined;
  private built = 0;
  private index = 0; // log lines before the piece being read (and, in it, before its `counted`)
  private lastStart = -1;

  /**
   * `first` is the text of the first piece and `from` where its log lines start; `room` at least the
   * log's length in characters (the file's size in bytes will do: as columns, a row for every 50
   * characters is room enough); `firstLine` the file line of the first log line.
   */
  constructor(
    first: string,
    from: number,
    private readonly strict: RegExp,
    private readonly ids: Map<string, number>,
    private readonly canonical: Map<string, string>,
    private readonly cutoff: string | undefined,
    asColumns: boolean,
    room: number,
    private readonly firstLine: number,
  ) {
    let p = from;
    while (first.charCodeAt(p) === 32) p++;
    this.indent = p - from;
    this.old = cutoff === undefined ? undefined : strictRunPattern([...ids.keys()], this.indent, cutoff);
    this.fresh = asColumns ? strictRunPattern([...ids.keys()], this.indent) : undefined;
    this.cutBytes = asColumns && cutoff !== undefined ? Buffer.from(cutoff, 'latin1') : undefined;
    // (The shortest strict line, "- { at: 2026-01-01T00:00Z, med: a, status: taken }", has 50 characters.)
    this.cols = asColumns ? newColumns(Math.floor(room / 50) + 1) : undefined;
  }

  /**
   * The log lines of s from `from` to its end (whole lines; only the file's last may lack its
   * newline); s[0] is the text's offset `base`; as columns, `bytes` are s's characters as bytes.
   * False: a line that is not a strict line at the indentation (the caller reads the log another way).
   */
  read(s: string, from: number, base: number, bytes: Uint8Array | undefined): boolean {
    const { old, fresh, cols, indent, cutoff, cutBytes, strict, ids, memo } = this;
    const len = s.length;
    // (In locals while reading; kept in the reader at the end of the piece.)
    let index = this.index;
    let built = this.built;
    let pos = from;
    let counted = from; // newlines before `counted` are in `index`
    let runEnd = -1; // where the last run of old lines ended
    const atCol = indent + 8; // "- { at: "
    while (pos < len) {
      // (A run is tried only where this line's date is old: a log read whole has no old lines.)
      const isOld = old !== undefined && isBefore(s, pos + atCol, cutoff!);
      if (isOld) {
        old.lastIndex = pos;
        // (A run holding millions of quoted characters is too long for the engine: see testSafely.)
        if (testSafely(old, s)) {
          // A run stops short of 256 lines only before a line it cannot take: so a run that starts
          // where the last one ended follows one of 256 lines, which need no counting.
          index += pos === runEnd ? 256 : countNewlines(s, counted, pos);
          counted = pos;
          pos = runEnd = old.lastIndex;
          continue;
        }
      }
      if (cols && !isOld) {
        // As columns, lines on or after the cutoff are checked a run at a time too, then read by position.
        fresh!.lastIndex = pos;
        if (testSafely(fresh!, s)) {
          const end = fresh!.lastIndex;
          index += countNewlines(s, counted, pos);
          while (pos < end) {
            if (cutBytes === undefined || !bytesBefore(bytes!, pos + atCol, cutBytes)) readRow(s, bytes!, pos + indent, cols, built++, ids, memo);
            const nl = s.indexOf('\n', pos);
            if (nl === -1) pos = len;
            else {
              index++;
              pos = nl + 1;
            }
          }
          counted = pos;
          continue;
        }
      }
      for (let k = 0; k < indent; k++) if (s.charCodeAt(pos + k) !== 32) return false;
      if (s.charCodeAt(pos + indent) !== 45 /* - */) return false;
      strict.lastIndex = pos;
      const e = execSafely(strict, s);
      if (!e) return false;
      if (isOld) {
        // An old line the run could not take (see testSafely): checked, not built.
        pos = strict.lastIndex + 1;
        continue;
      }
      if (cols) readRow(s, bytes!, pos + indent, cols, built, ids, memo);
      else {
        index += countNewlines(s, counted, pos);
        counted = pos;
        this.log.push(strictEntry(e, index, this.firstLine + index, this.canonical, this.times));
      }
      built++;
      pos = strict.lastIndex + 1;
    }
    this.index = index + countNewlines(s, counted, len);
    this.built = built;
    if (len > from) this.lastStart = base + s.lastIndexOf('\n', len - (s.charCodeAt(len - 1) === 10 ? 2 : 1)) + 1;
    return true;
  }

  /** What was read, the text being `end` long (ending with a newline or not). */
  finish(key: { keyStart: number; keyLineEnd: number }, end: number, endsNl: boolean): { block: LogBlock; log: LogEntry[]; complete: boolean; columns?: LogColumns } {
    const count = this.index + (endsNl ? 0 : 1);
    const block: LogBlock = { keyStart: key.keyStart, keyLineEnd: key.keyLineEnd, end, lastEntryEnd: end, indent: ' '.repeat(this.indent), count, lastStart: this.lastStart };
    const cols = this.cols;
    return { block, log: this.log, complete: cols ? count === 0 : this.built === count, columns: cols && shrunk(cols, this.built) };
  }
}

/** The first n rows of `c` (views, no copy). */
function shrunk(c: LogColumns, n: number): LogColumns {
  return { length: n, med: c.med.subarray(0, n), at: c.at.subarray(0, n), slot: c.slot.subarray(0, n), flags: c.flags.subarray(0, n), dose: c.dose.subarray(0, n) };
}

/** The last date readRow turned into a day number (a log has a dozen entries a day). */
interface DateMemo {
  key: number;
  day: DayNum;
}

/** The day number of the YYYY-MM-DD at b[p] (bytes), through the memo. */
function dayAt(b: Uint8Array, p: number, memo: DateMemo): DayNum {
  const y = (b[p]! - 48) * 1000 + (b[p + 1]! - 48) * 100 + (b[p + 2]! - 48) * 10 + b[p + 3]! - 48;
  const mo = (b[p + 5]! - 48) * 10 + b[p + 6]! - 48;
  const d = (b[p + 8]! - 48) * 10 + b[p + 9]! - 48;
  const key = (y * 13 + mo) * 32 + d;
  if (key !== memo.key) {
    memo.key = key;
    memo.day = dayFromCivil(y, mo, d);
  }
  return memo.day;
}

/**
 * Row r of the columns from a line the strict pattern accepted, read by position: the pattern fixed
 * the line's shape, so nothing is checked again and no group or substring is made (but the id's).
 * `p` is where the line's "- { at: " starts. Digits are read from `b`, the text's characters as
 * bytes (a typed array reads faster than charCodeAt in code V8 has not optimized yet); a quoted
 * reason, which may hold any character, is skipped in the text. The same numbers as StrictTimes.
 */
function readRow(text: string, b: Uint8Array, p: number, c: LogColumns, r: number, ids: Map<string, number>, memo: DateMemo): void {
  p += 8; // "- { at: "
  // YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)
  let t = dayAt(b, p, memo) * DAY + ((b[p + 11]! - 48) * 10 + b[p + 12]! - 48) * HOUR + ((b[p + 14]! - 48) * 10 + b[p + 15]! - 48) * MINUTE;
  p += 16;
  if (b[p] === 58 /* : */) {
    t += ((b[p + 1]! - 48) * 10 + b[p + 2]! - 48) * 1000;
    p += 3;
  }
  const sign = b[p];
  if (sign === 90 /* Z */) p++;
  else {
    const off = ((b[p + 1]! - 48) * 10 + b[p + 2]! - 48) * 60 + (b[p + 4]! - 48) * 10 + b[p + 5]! - 48;
    t -= (sign === 45 /* - */ ? -off : off) * MINUTE;
    p += 6;
  }
  c.at[r] = t;
  p += 7; // ", med: "
  let q = text.indexOf(',', p);
  c.med[r] = ids.get(text.slice(p, q))!;
  p = q + 2;
  if (b[p] === 102 /* f: "for: " */) {
    // YYYY-MM-DDTHH:MM[:SS][±HH:MM]; with an offset (length 22 or 25) it is a fold's slot: + 0.5
    p += 5;
    q = text.indexOf(',', p);
    const slot = dayAt(b, p, memo) * 1440 + ((b[p + 11]! - 48) * 10 + b[p + 12]! - 48) * 60 + (b[p + 14]! - 48) * 10 + b[p + 15]! - 48;
    c.slot[r] = q - p > 19 ? slot + 0.5 : slot;
    p = q + 2;
  } else c.slot[r] = NaN;
  p += 8; // "status: "
  const taken = b[p] === 116; /* t */
  p += taken ? 5 : 7;
  let flags = taken ? ENTRY_TAKEN : 0;
  let dose = NaN;
  // Then ", reason: …", ", dose: …" and ", extra: true", each optional, in that order.
  while (b[p] === 44 /* , */) {
    const k = b[p + 2];
    if (k === 114 /* r */) {
      p += 10; // ", reason: "
      let ch = text.charCodeAt(p);
      if (ch === 34 /* " */) {
        // To the closing quote, past escapes.
        for (ch = text.charCodeAt(++p); ch !== 34; ch = text.charCodeAt(p)) p += ch === 92 /* \ */ ? 2 : 1;
        p++;
      } else {
        // A plain reason has no comma or brace: it ends at the next field or at " }".
        while (ch !== 44 && ch !== 125 /* } */) ch = text.charCodeAt(++p);
      }
    } else if (k === 100 /* d */) {
      p += 8; // ", dose: "
      q = p;
      for (let ch = b[q]!; (ch >= 48 && ch <= 57) || ch === 46 /* . */; ch = b[++q]!);
      dose = Number(text.slice(p, q));
      p = q;
    } else {
      flags |= ENTRY_EXTRA; // ", extra: true", the last field
      break;
    }
  }
  c.flags[r] = flags;
  c.dose[r] = dose;
}

const SKIPPED = [] as unknown as RegExpExecArray;

/**
 * The cutoff, two days before the day of `logFrom`, as the log writes dates (YYYY-MM-DD, four-digit
 * years) and compared as text with each entry's date. Before year 1 there is no cutoff (every
 * entry is built); after 9999 it is one no date reaches ("9999-99-99"); neither asks the zone
 * about such an instant.
 */
function cutoffText(logFrom: Millis, clock: Clock): string | undefined {
  if (logFrom < FIRST_CUTOFF) return undefined;
  if (logFrom >= LAST_CUTOFF) return '9999-99-99';
  const { y, m, d } = civilFromDay(clock.dayOf(logFrom) - 2);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const FIRST_CUTOFF = dayFromCivil(1, 1, 4) * DAY;

const LAST_CUTOFF = dayFromCivil(10000, 1, 1) * DAY;

/** Does the date at `col` sort before `cutoff` (YYYY-MM-DD)? Compared in place, without a substring. */
function isBefore(line: string, col: number, cutoff: string): boolean {
  for (let k = 0; k < 10; k++) {
    const a = line.charCodeAt(col + k), b = cutoff.charCodeAt(k);
    if (a !== b) return a < b;
  }
  return false;
}

/** isBefore on bytes (readRow's). */
function bytesBefore(b: Uint8Array, col: number, cutoff: Uint8Array): boolean {
  for (let k = 0; k < 10; k++) {
    const x = b[col + k]!, y = cutoff[k]!;
    if (x !== y) return x < y;
  }
  return false;
}

/**
 * The instants of the date-times the strict pattern accepted (strictEntry), by arithmetic on their
 * characters: the same results as parseInstant (time/time.ts), without a regular expression. The last
 * date's day number is kept, as a log has a dozen entries a day. (readRow does the same on bytes.)
 */
class StrictTimes {
  private date = '-'; // (no date starts with it)
  private day = 0;

  /** YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM), at s[p], as an instant. */
  instant(s: string, p = 0): Millis {
    if (!s.startsWith(this.date, p)) {
      this.date = s.slice(p, p + 10);
      const y = (s.charCodeAt(p) - 48) * 1000 + (s.charCodeAt(p + 1) - 48) * 100 + (s.charCodeAt(p + 2) - 48) * 10 + s.charCodeAt(p + 3) - 48;
      this.day = dayFromCivil(y, (s.charCodeAt(p + 5) - 48) * 10 + s.charCodeAt(p + 6) - 48, (s.charCodeAt(p + 8) - 48) * 10 + s.charCodeAt(p + 9) - 48);
    }
    let t = this.day * DAY + ((s.charCodeAt(p + 11) - 48) * 10 + s.charCodeAt(p + 12) - 48) * HOUR + ((s.charCodeAt(p + 14) - 48) * 10 + s.charCodeAt(p + 15) - 48) * MINUTE;
    let z = p + 16;
    if (s.charCodeAt(z) === 58 /* : */) {
      t += ((s.charCodeAt(z + 1) - 48) * 10 + s.charCodeAt(z + 2) - 48) * 1000;
      z += 3;
    }
    const sign = s.charCodeAt(z);
    if (sign !== 90 /* Z */) {
      const off = ((s.charCodeAt(z + 1) - 48) * 10 + s.charCodeAt(z + 2) - 48) * 60 + (s.charCodeAt(z + 4) - 48) * 10 + s.charCodeAt(z + 5) - 48;
      t -= (sign === 45 /* - */ ? -off : off) * MINUTE;
    }
    return t;
  }
}

/**
 * The facts of a log made only of strict lines (readStrictLog's), found without reading each line:
 * each medication's first line by a string search for its `, med: <id>,` (a match inside a quoted
 * reason comes after the line's own med field, so it has a comma between the line's at-date and
 * it, and is passed over).
 */
export function strictLogFacts(text: string, block: LogBlock, medIds: string[]): LogFacts {
  const firstAtByMed = new Map<string, Millis>();
  if (block.count === 0) return { count: 0, firstAt: undefined, firstAtByMed };
  const times = new StrictTimes();
  const atCol = block.indent.length + 8; // "- { at: "
  const firstAt = times.instant(text, block.keyLineEnd + atCol);
  for (const id of medIds) {
    const needle = `, med: ${id},`;
    for (let h = text.indexOf(needle, block.keyLineEnd); h !== -1; h = text.indexOf(needle, h + 1)) {
      const at = text.lastIndexOf('\n', h) + 1 + atCol;
      if (text.lastIndexOf(',', h - 1) < at) {
        firstAtByMed.set(id, times.instant(text, at));
        break;
      }
    }
  }
  return { count: block.count, firstAt, firstAtByMed };
}

/** A LogEntry from the strict pattern's groups: 1 at, 2 med, 3 for, 4 status, 5 reason, 6 dose, 7 extra. */
function strictEntry(m: RegExpExecArray, index: number, line: number, ids: Map<string, string>, times: StrictTimes): LogEntry {
  // The medication's own id string and literal statuses (not slices of the file's text), so later
  // comparisons and map look-ups are by identity. The same fields in the same order as logEntryOf.
  return {
    at: times.instant(m[1]!),
    atText: m[1]!,
    med: ids.get(m[2]!)!,
    for: m[3] === undefined ? undefined : m[3].length === 16 ? m[3] : slotOf(m[3]),
    extra: m[7] === undefined ? undefined : true,
    status: m[4]!.length === 5 ? 'taken' : 'skipped',
    reason: m[5] === undefined ? undefined : m[5].charCodeAt(0) === 34 ? (JSON.parse(m[5]) as string) : m[5],
    dose: m[6] === undefined ? undefined : Number(m[6]),
    index,
    line,
  };
}

/**
 * Check one log line about to be appended to a file read on the fast path: the same
 * checks the fast path makes when it reads the line back. With the rest of the file
 * unchanged (an append is a pure insertion), this is what a full re-read would decide,
 * without reading ten years of log again. Returns the problems found (empty: valid).
 */
export function checkAppendedLine(l: Loaded, lineWithNewline: string): Problem[] {
  const { regimen } = l;
  const line = lineWithNewline.replace(/\n$/, '');
  if (line.includes('\n')) return [{ severity: 'error', code: 'yaml', path: ['log', l.logCount], message: 'the new entry is more than one line' }];
  const ids = new Map(regimen.medications.map((m) => [m.id, m.index]));
  if (strictEntryPattern([...ids.keys()]).test(line)) return [];
  const i = l.logCount;
  const checker = new Checker(() => undefined);
  const obj = readFlowLine(line);
  if (!obj) return [{ severity: 'error', code: 'yaml', path: ['log', i], message: `the new entry is not a one-line YAML map: ${line.trim()}` }];
  checker.walk(obj, regimenSchema.properties!.log!.items!, ['log', i]);
  logEntryOf(obj, i, new Clock(regimen.patient.timezone), ids, checker, ['log', i]);
  return checker.problems.filter((p) => p.severity === 'error');
}

