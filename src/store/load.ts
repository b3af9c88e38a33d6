/**
 * Reading the regimen file: locate it, read it, parse it (fast log path or the
 * full YAML parser), validate it, and keep what a later edit needs (the text,
 * the parsed head with its source ranges, the log block).
 */
import { isAscii } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Document, Node, LineCounter } from 'yaml';
import { yaml } from './yaml.js';
import { EXIT, MedsError, type Problem, type SourcePos } from '../errors.js';
import { civilFromDay, Clock, dayFromCivil, DAY, HOUR, MINUTE, slotOf } from '../core/time.js';
import { columnsOf, newColumns } from '../core/doses.js';
import { ENTRY_EXTRA, ENTRY_TAKEN, type DayNum, type LogColumns, type LogEntry, type LogFacts, type Millis, type Regimen } from '../model/types.js';
import { logFactsOf, resolveTracking } from '../core/tracking.js';
import { Checker, logEntryOf, validateRegimen, type Locate, type Path } from '../model/validate.js';
import { regimenSchema } from '../model/schema.js';
import { readFlowLine, readHeadFast } from './fasthead.js';
import { countNewlines, entryText, execSafely, findLogBlock, findLogKey, strictEntryPattern, strictRunPattern, testSafely, type LogBlock, type ScannedBlock } from './fastlog.js';

export interface LoadOptions {
  /**
   * Entries whose `at` date is before this instant's day (minus a margin) may be checked but not
   * built; a function is given the regimen (its head) to say.
   */
  logFrom?: Millis | ((regimen: Regimen) => Millis);
  /**
   * Also give the log (the part `logFrom` asks for) as numbers, in `columns`. On the usual fast path
   * the entries are then not built as objects (regimen.log stays empty): for commands that count
   * over years of log and need no entry's text (adherence).
   */
  columns?: boolean;
  /** Force the full YAML parser (tests compare both paths). */
  full?: boolean;
  /** Read the head with yaml even when the subset reader could (tests compare both). */
  yamlHead?: boolean;
  /** The text's bytes, when the file is ASCII (readSnapshot's `ascii`): numbers are read from them. */
  bytes?: Uint8Array;
  /** loadRegimen's piece size in bytes (tests: small pieces, to cross every boundary). */
  pieceBytes?: number;
}

export interface Loaded {
  path: string;
  text: string;
  regimen: Regimen;
  warnings: Problem[];
  /** The parsed document: the whole file on the full path, the file without its log on the fast path. */
  doc: Document.Parsed;
  /** That document's value as yaml reads it (`doc.toJS()`), already at hand: do not change it. */
  value: Readonly<Record<string, unknown>> | null;
  lineCounter: LineCounter;
  /** Present on the fast path: where the log's lines are. */
  logBlock?: LogBlock;
  /**
   * How the file's bytes differ from `text` (and from every offset here), when they do: CRLF line
   * ends, a byte-order mark. `text` then has neither, and an edit puts them back (edit.ts).
   */
  outer?: { crlf: boolean; bom: boolean };
  /** Number of log entries in the file (all, built or not). */
  logCount: number;
  /** True when every log entry was built into regimen.log (the `logFrom` option asks for part of it). */
  logComplete: boolean;
  /**
   * What the whole log holds, whatever part of it was built: what needs the whole history (when
   * recording began: each medication's `trackedFrom`, set from these) takes it from here.
   */
  logFacts: LogFacts;
  /** With the `columns` option: the entries on or after `logFrom` (all without it), as numbers. */
  columns?: LogColumns;
}

/** A file read by a command that does not write it (loadRegimen): no text is kept. */
export type ReadLoaded = Omit<Loaded, 'text'>;

/** What identifies one version of the file on disk: a write (ours or an editor's) changes it. */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function stampOf(path: string): FileStamp {
  const st = statSync(path, { bigint: true });
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Read the file, with the stamp taken before reading (so a change during or after the read shows).
 * `ascii`: the bytes, when they are plain ASCII (the text is then exactly their characters, so a
 * write can reuse them instead of encoding the text again).
 */
export function readSnapshot(path: string): { text: string; stamp: FileStamp; ascii?: Buffer } {
  try {
    // Only a regular file of bounded size is read: a device such as /dev/zero never ends.
    const st = statSync(path, { bigint: true });
    if (!st.isFile() && !st.isDirectory()) throw new MedsError('read-failed', `${path} is not a regular file`, { exitCode: EXIT.ioError, hint: 'point --file or $MEDS_FILE at a regimen file' });
    if (st.size > BigInt(MAX_TEXT)) throw tooLarge(path);
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    const buf = st.size > 0n ? readFileSync(path) : readUnsized(path);
    if (buf.length > MAX_TEXT) throw tooLarge(path);
    // Most files are plain ASCII: decoding them as Latin-1 gives the same string, faster.
    return isAscii(buf) ? { text: buf.toString('latin1'), stamp, ascii: buf } : { text: buf.toString('utf8'), stamp };
  } catch (err) {
    if (err instanceof MedsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MedsError('missing', `no regimen file at ${path}`, { exitCode: EXIT.missing, hint: 'create one with `meds init`, or point at one with --file or $MEDS_FILE', cause: err });
    if (code === 'EISDIR') throw new MedsError('read-failed', `${path} is a folder, not a regimen file`, { exitCode: EXIT.ioError, cause: err });
    throw new MedsError('read-failed', `cannot read ${path}: ${(err as Error).message}`, { exitCode: EXIT.ioError, hint: code === 'EACCES' || code === 'EPERM' ? `check that you may read ${path} (ls -l)` : undefined, cause: err });
  }
}

/**
 * A file that says it has no size (as those in /proc do) read to its end, or to one byte past the
 * cap: readFileSync would read such a file until it ends, and /proc/self/pagemap holds gigabytes
 * (review finding: `--file /proc/self/pagemap` hung).
 */
function readUnsized(path: string): Buffer {
  // (Non-blocking: a size-0 file that waits for data, such as /proc/kmsg, fails instead of waiting.)
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= MAX_TEXT) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLargeForParser(path: string): MedsError {
  return invalid(path, [
    {
      severity: 'error',
      code: 'too-large',
      path: [],
      message: `the file is larger than ${MAX_FULL_PARSE / 1024 / 1024} MB and not in the shape meds reads line by line`,
      hint: 'keep the log as meds writes it, one `- { at: ..., med: ..., status: ... }` entry per line, after the other keys (docs/reliability.md)',
      pos: { file: path, line: 1, col: 1 },
    },
  ]);
}

/** The cap counts bytes, as the file holds them (a file meds writes, it must be able to read again). */
export function tooLarge(path: string): MedsError {
  return invalid(path, [{ severity: 'error', code: 'too-large', path: [], message: `the file is larger than ${MAX_TEXT / 1024 / 1024} MB`, pos: { file: path, line: 1, col: 1 } }]);
}

/**
 * Read and check a regimen file for a command that does not write it (an edit reads the file
 * itself: transaction.ts mutate).
 */
export function loadRegimen(path: string, opts: LoadOptions = {}): ReadLoaded {
  const { text, ascii } = readSnapshot(path);
  return parseRegimen(text, path, { ...opts, bytes: ascii });
}

const PARSE_OPTS = { uniqueKeys: true, strict: true, prettyErrors: false, keepSourceTokens: false } as const;
export const MAX_TEXT = 64 * 1024 * 1024;

/**
 * The largest file the general YAML parser is given: it holds the whole document as nodes, some
 * hundred bytes of memory for each byte of the file. Every file meds writes is read by the fast path
 * at any size (up to MAX_TEXT); a file in another shape (its log written as a flow list, say) only up
 * to this size.
 */
export const MAX_FULL_PARSE = 1024 * 1024;

/** Parse and validate regimen text. Throws MedsError (exit 65) when it is invalid. */
export function parseRegimen(text: string, path: string, opts: LoadOptions = {}): Loaded {
  // (Characters: the bytes were counted when the file was read, and a change's are before it is written.)
  if (text.length > MAX_TEXT) throw tooLarge(path);
  // A file saved on Windows (every line end CRLF) or with a byte-order mark is read by the fast path
  // as the same text without them.
  const bom = text.charCodeAt(0) === 0xfeff;
  const crlf = text.includes('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(text);
  const inner = bom || crlf ? (crlf ? text.replace(/\r\n/g, '\n') : text).slice(bom ? 1 : 0) : text;
  const key = opts.full || inner.includes('\r') ? undefined : findLogKey(inner);
  const fast = key ? parseFast(inner, path, key, opts) : undefined;
  if (fast && inner !== text) fast.outer = { crlf, bom };
  if (!fast && !opts.full && text.length > MAX_FULL_PARSE) throw tooLargeForParser(path);
  const loaded = fast ?? parseFull(text, path, opts);
  loaded.regimen.logFacts = loaded.logFacts;
  resolveTracking(loaded.regimen, new Clock(loaded.regimen.patient.timezone));
  return loaded;
}

function parseDoc(text: string, path: string): { doc: Document.Parsed; lc: LineCounter } {
  const lc = new (yaml().LineCounter)();
  let doc: Document.Parsed;
  try {
    doc = yaml().parseDocument(text, { ...PARSE_OPTS, lineCounter: lc });
  } catch (err) {
    throw invalid(path, [{ severity: 'error', code: 'yaml', path: [], message: `the file cannot be read as YAML (${(err as Error).message})` }]);
  }
  const problems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = lc.linePos(e.pos[0]);
    problems.push({ severity: 'error', code: 'yaml', path: [], message: `YAML: ${e.message.split('\n')[0]}`, pos: { file: path, line: p.line, col: p.col } });
  }
  if (problems.length) throw invalid(path, problems);
  return { doc, lc };
}

function toJS(doc: Document.Parsed, path: string, lc: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // (An alias bomb: point at the first alias.)
    let at = 0;
    yaml().visit(doc, { Alias: (_, node) => ((at = node.range?.[0] ?? 0), yaml().visit.BREAK) });
    const p = lc.linePos(at);
    throw invalid(path, [{ severity: 'error', code: 'yaml', path: [], message: `YAML: ${(err as Error).message}`, pos: { file: path, line: p.line, col: p.col } }]);
  }
}

function parseFull(text: string, path: string, opts: LoadOptions): Loaded {
  const { doc, lc } = parseDoc(text, path);
  const raw = toJS(doc, path, lc);
  const locate = docLocator(doc, lc, path);
  const { regimen, problems } = validateRegimen(raw, locate);
  if (!regimen) throw invalid(path, problems);
  const logCount = regimen.log.length;
  return { path, text, regimen, warnings: problems, doc, value: raw as Loaded['value'], lineCounter: lc, logCount, logComplete: true, logFacts: logFactsOf(regimen.log), columns: opts.columns ? columnsOf(regimen.log, regimen.medications) : undefined };
}

const TAIL = Symbol('keys follow the log');

const YAML_HEAD = Symbol('read the head with yaml');

function parseFast(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: LoadOptions): Loaded | undefined {
  let tail = false;
  let fastHead = !opts.yamlHead;
  for (;;) {
    const r = parseFastAs(text, path, key, opts, tail, fastHead);
    if (r === TAIL) tail = true;
    else if (r === YAML_HEAD) fastHead = false;
    else return r;
  }
}

/**
 * The head is the file without its log. Usually the log is last (`tail` false): the head is what
 * comes before it, read first, and its medication ids make the pattern the log is read with in one
 * pass; finding keys after the log answers TAIL. Then (`tail` true) the log block is found first
 * and blanked out of the head, offsets unchanged.
 */
function parseFastAs(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: LoadOptions, tail: boolean, fastHead: boolean): Loaded | undefined | typeof TAIL | typeof YAML_HEAD {
  let scanned: ScannedBlock | undefined; // the log read line by line (with each line's place)
  let head: string;
  if (tail) {
    const block = (scanned = findLogBlock(text, undefined, key));
    if (!block) return undefined;
    head = text.slice(0, block.keyStart) + text.slice(block.keyStart, block.end).replace(/[^\n]/g, ' ') + text.slice(block.end);
  } else head = text.slice(0, key.keyStart);
  // The head is read by the subset reader when it can (fasthead.ts), else by yaml. Any problem in a
  // head the subset reader read is found again with yaml, for its positions.
  const fast = fastHead ? readHeadFast(head) : undefined;
  if (fastHead && fast === undefined) return YAML_HEAD;
  const parsed = fastHead ? undefined : parseDoc(head, path);
  const raw = (parsed ? toJS(parsed.doc, path, parsed.lc) : fast) as Record<string, unknown> | null;
  if (raw && typeof raw === 'object' && Object.prototype.hasOwnProperty.call(raw, 'log')) return undefined;
  const headLocate: Locate = parsed ? docLocator(parsed.doc, parsed.lc, path) : () => undefined;
  const entryPos = (i: number, key: string | undefined, asKey: boolean): SourcePos => {
    if (!scanned) return { file: path, line: 1, col: 1 };
    const line = entryText(text, scanned, i);
    // Like the parser's positions: a key path points at the value, or at the key when asked for it.
    const k = key ? line.indexOf(`${key}: `) : -1;
    const col = k < 0 ? line.indexOf('{') : asKey ? k : k + key!.length + 2;
    return { file: path, line: scanned.lineNumbers[i]!, col: (col < 0 ? 0 : col) + 1 };
  };
  const locate: Locate = (p, key) => {
    if (p[0] === 'log' && typeof p[1] === 'number') return entryPos(p[1], typeof p[2] === 'string' ? p[2] : undefined, !!key);
    return headLocate(p, key);
  };
  const withEmptyLog = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, log: [] } : raw;
  const { regimen, problems } = validateRegimen(withEmptyLog, locate);
  if (!parsed && problems.length) return YAML_HEAD;
  if (!regimen) {
    // Keys after the log may be what the head lacks: read the whole head before judging.
    if (!tail && hasTail(text, findLogBlock(text, undefined, key))) return TAIL;
    throw invalid(path, problems);
  }

  const clock = new Clock(regimen.patient.timezone);
  const { ids, canonical, cutoff, strict } = logSetup(regimen, opts, clock);
  const checker = new Checker(locate);
  const bytes = opts.bytes?.length === text.length ? opts.bytes : undefined; // (only the text's own bytes)
  const whole = tail ? undefined : readStrictLog(text, key, strict, ids, canonical, cutoff, !!opts.columns, bytes);
  let block: LogBlock;
  let log: LogEntry[];
  let complete: boolean;
  let columns: LogColumns | undefined;
  let facts: LogFacts;
  if (whole) {
    ({ block, log, complete, columns } = whole);
    facts = complete && !columns ? logFactsOf(log) : strictLogFacts(text, block, [...ids.keys()]);
  } else {
    scanned ??= findLogBlock(text, strict, key);
    if (!scanned) return undefined;
    if (!tail && hasTail(text, scanned)) return TAIL;
    block = scanned;
    const lines = scanLines(text, scanned, strict, ids, canonical, clock, cutoff, checker);
    if (!lines) return undefined;
    ({ log, complete, facts } = lines);
  }
  const all = [...problems, ...checker.problems];
  if (all.some((p) => p.severity === 'error')) throw invalid(path, all);
  regimen.log = log;
  if (opts.columns) columns ??= columnsOf(log, regimen.medications);
  const loaded = { path, text, regimen, warnings: all, value: raw, logBlock: block, logCount: block.count, logComplete: complete, logFacts: facts, columns } as Omit<Loaded, 'doc' | 'lineCounter'>;
  if (parsed) return { ...loaded, doc: parsed.doc, lineCounter: parsed.lc };
  return withLazyDoc(loaded, head, path);
}

/**
 * What reading the log needs from the head: the medication ids (to their index, and to their own
 * string), the cutoff that `opts.logFrom` gives, and the strict pattern of the ids.
 */
function logSetup(regimen: Regimen, opts: LoadOptions, clock: Clock) {
  const ids = new Map(regimen.medications.map((m) => [m.id, m.index]));
  const canonical = new Map(regimen.medications.map((m) => [m.id, m.id]));
  const logFrom = typeof opts.logFrom === 'function' ? opts.logFrom(regimen) : opts.logFrom;
  const cutoff = logFrom !== undefined ? cutoffText(logFrom, clock) : undefined;
  return { ids, canonical, cutoff, strict: strictEntryPattern([...ids.keys()], true) };
}

/**
 * `loaded` with its `doc` and `lineCounter`: the yaml document of its head (read by the subset
 * reader), made only if a caller asks for it.
 */
function withLazyDoc<T extends object>(loaded: T, head: string, path: string): T & Pick<Loaded, 'doc' | 'lineCounter'> {
  let lazy: { doc: Document.Parsed; lc: LineCounter } | undefined;
  return Object.defineProperties(loaded, {
    doc: { get: () => (lazy ??= parseDoc(head, path)).doc, enumerable: true },
    lineCounter: { get: () => (lazy ??= parseDoc(head, path)).lc, enumerable: true },
  }) as T & Pick<Loaded, 'doc' | 'lineCounter'>;
}

/**
 * The log line by line: each line is checked by the strict pattern in place at its offset (no
 * substring per line); lines before the cutoff are only checked, the others are built from the
 * pattern's groups; any other line goes through readFlowLine (fasthead.ts) and the same checks as the full
 * parser. Undefined when a line is not a shape read line by line (the full parser decides).
 */
function scanLines(text: string, block: ScannedBlock, strict: RegExp, ids: Map<string, number>, canonical: Map<string, string>, clock: Clock, cutoff: string | undefined, checker: Checker): { log: LogEntry[]; complete: boolean; facts: LogFacts } | undefined {
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
function readStrictLog(text: string, key: { keyStart: number; keyLineEnd: number }, strict: RegExp, ids: Map<string, number>, canonical: Map<string, string>, cutoff: string | undefined, asColumns: boolean, ascii: Uint8Array | undefined): { block: LogBlock; log: LogEntry[]; complete: boolean; columns?: LogColumns } | undefined {
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

function hasTail(text: string, block: LogBlock | undefined): boolean {
  return !!block && block.end < text.length && /\S/.test(text.slice(block.end));
}

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
 * characters: the same results as parseInstant (core/time.ts), without a regular expression. The last
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
function strictLogFacts(text: string, block: LogBlock, medIds: string[]): LogFacts {
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

/** Map a key path to its position using the parsed document's source ranges. */
export function docLocator(doc: Document.Parsed, lc: LineCounter, file: string): Locate {
  return (path: Path, key?: boolean) => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (yaml().isMap(node)) {
        const pair = node.items.find((p) => yaml().isPair(p) && yaml().isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
        if (i === path.length - 1 && key) node = keyNode;
      } else if (yaml().isSeq(node) && typeof seg === 'number') {
        if (!node.items[seg]) break;
        node = node.items[seg];
      } else break;
    }
    const range = (node as Node | null)?.range ?? keyNode?.range;
    if (!range) return { file, line: 1, col: 1 };
    const p = lc.linePos(range[0]);
    return { file, line: p.line, col: p.col };
  };
}

export function invalid(path: string, problems: Problem[]): MedsError {
  // In file order, so the headline is the first problem in the file whichever path found it.
  const at = (p: Problem) => (p.pos ? p.pos.line * 1e6 + p.pos.col : 0);
  problems = [...problems].sort((a, b) => at(a) - at(b));
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems[0];
  for (const p of problems) if (p.pos && !p.pos.file) p.pos.file = path;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new MedsError('invalid', `${path} is not a valid regimen file: ${first?.message ?? 'unknown problem'}${more}`, {
    exitCode: EXIT.invalid,
    hint: first?.hint,
    pos: first?.pos,
    problems,
  });
}
