/**
 * Reading the regimen file, orchestrated: the bytes (load-bytes.ts), the head (fasthead.ts, else
 * load-head.ts), the log (load-log.ts) or, for a file in another shape, the general YAML parser;
 * then validation, and when recording began (core/tracking.ts) from the whole log's facts.
 * The public entry is load.ts; this module's options include the tests' (full, yamlHead, bytes).
 */
import type { Document, LineCounter } from 'yaml';
import type { Problem, SourcePos } from '../errors.js';
import { Clock } from '../time/time.js';
import { columnsOf } from '../core/doses.js';
import type { LogColumns, LogEntry, LogFacts, Millis, Regimen } from '../model/types.js';
import { logFactsOf, resolveTracking } from '../core/tracking.js';
import { Checker, validateRegimen, type Locate } from '../model/validate.js';
import { readHeadFast } from './fasthead.js';
import { countNewlines, entryText, findLogBlock, findLogKey, type LogBlock, type ScannedBlock } from './fastlog.js';
import { invalid, MAX_FULL_PARSE, MAX_TEXT, readSnapshot, tooLarge, tooLargeForParser } from './load-bytes.js';
import { docLocator, parseDoc, toJS, withLazyDoc } from './load-head.js';
import { logSetup, readStrictLog, scanLines, strictLogFacts } from './load-log.js';

/** What a command asks of a read (load.ts exports this part). */
export interface LoadOptions {
  /**
   * Entries whose `at` date is before this instant's day (minus a margin) may be checked but not
   * built; a function is given the regimen (its head) to say (core/window.ts logWindow).
   */
  logFrom?: Millis | ((regimen: Regimen) => Millis);
  /**
   * Also give the log (the part `logFrom` asks for) as numbers, in `columns`. On the usual fast path
   * the entries are then not built as objects (regimen.log stays empty): for commands that count
   * over years of log and need no entry's text (adherence).
   */
  columns?: boolean;
}

/** LoadOptions, and the tests' (which compare the paths) and loadRegimen's own. */
export interface ParseOptions extends LoadOptions {
  /** Force the full YAML parser (tests compare both paths). */
  full?: boolean;
  /** Read the head with yaml even when the subset reader could (tests compare both). */
  yamlHead?: boolean;
  /** The text's bytes, when the file is ASCII (readSnapshot's `ascii`): numbers are read from them. */
  bytes?: Uint8Array;
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

/**
 * Read and check a regimen file for a command that does not write it (an edit reads the file
 * itself: transaction.ts mutate).
 */
export function loadRegimen(path: string, opts: ParseOptions = {}): ReadLoaded {
  const { text, ascii } = readSnapshot(path);
  return parseRegimen(text, path, { ...opts, bytes: ascii });
}


/** Parse and validate regimen text. Throws MedsError (exit 65) when it is invalid. */
export function parseRegimen(text: string, path: string, opts: ParseOptions = {}): Loaded {
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

function parseFull(text: string, path: string, opts: ParseOptions): Loaded {
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

function parseFast(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: ParseOptions): Loaded | undefined {
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
function parseFastAs(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: ParseOptions, tail: boolean, fastHead: boolean): Loaded | undefined | typeof TAIL | typeof YAML_HEAD {
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
    const entry = entryText(text, scanned, i);
    // Like the parser's positions: a key path points at the value, or at the key when asked for it;
    // the entry itself at its map (`{`, or the first key of an entry in block style).
    const k = key ? entry.search(new RegExp(`(^|[{,\\s])${key}: `)) : -1;
    const at = k < 0 ? (entry.includes('{') ? entry.indexOf('{') : entry.indexOf('-') + 2) : (entry.startsWith(key!, k) ? k : k + 1) + (asKey ? 0 : key!.length + 2);
    const o = Math.max(0, at);
    return { file: path, line: scanned.lineNumbers[i]! + countNewlines(entry, 0, o), col: o - (entry.lastIndexOf('\n', o - 1) + 1) + 1 };
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

function hasTail(text: string, block: LogBlock | undefined): boolean {
  return !!block && block.end < text.length && /\S/.test(text.slice(block.end));
}

