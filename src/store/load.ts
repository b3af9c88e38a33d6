/**
 * Reading the regimen file: locate it, read it, parse it (fast log path or the
 * full YAML parser), validate it, and keep what a later edit needs (the text,
 * the parsed head with its source ranges, the log block).
 */
import { isAscii } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { EXIT, MedsError, type Problem, type SourcePos } from '../errors.js';
import { Clock, dayFromCivil, DAY, formatDay, HOUR, MINUTE, slotOf } from '../core/time.js';
import type { LogEntry, Millis, Regimen } from '../model/types.js';
import { Checker, logEntryOf, validateRegimen, type Locate, type Path } from '../model/validate.js';
import { regimenSchema } from '../model/schema.js';
import { entryText, findLogBlock, findLogKey, strictEntryPattern, tokenizeFlowLine, type LogBlock } from './fastlog.js';

export interface LoadOptions {
  /** Entries whose `at` date is before this instant's day (minus a margin) may be checked but not built. */
  logFrom?: Millis;
  /** Force the full YAML parser (tests compare both paths). */
  full?: boolean;
}

export interface Loaded {
  path: string;
  text: string;
  regimen: Regimen;
  warnings: Problem[];
  /** The parsed document: the whole file on the full path, the file without its log on the fast path. */
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Present on the fast path: where the log's lines are. */
  logBlock?: LogBlock;
  /** Number of log entries in the file (all, built or not). */
  logCount: number;
  /** True when every log entry was built into regimen.log. */
  logComplete: boolean;
}

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

/** Read the file, with the stamp taken before reading (so a change during or after the read shows). */
export function readSnapshot(path: string): { text: string; stamp: FileStamp } {
  try {
    // Only a regular file of bounded size is read: a device such as /dev/zero never ends.
    const st = statSync(path, { bigint: true });
    if (!st.isFile() && !st.isDirectory()) throw new MedsError('read-failed', `${path} is not a regular file`, { exitCode: EXIT.ioError, hint: 'point --file or $MEDS_FILE at a regimen file' });
    if (st.size > BigInt(MAX_TEXT)) throw invalid(path, [{ severity: 'error', code: 'too-large', path: [], message: `the file is larger than ${MAX_TEXT / 1024 / 1024} MB`, pos: { file: path, line: 1, col: 1 } }]);
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    const buf = readFileSync(path);
    // Most files are plain ASCII: decoding them as Latin-1 gives the same string, faster.
    return { text: isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8'), stamp };
  } catch (err) {
    if (err instanceof MedsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MedsError('missing', `no regimen file at ${path}`, { exitCode: EXIT.missing, hint: 'create one with `meds init`, or point at one with --file or $MEDS_FILE', cause: err });
    if (code === 'EISDIR') throw new MedsError('read-failed', `${path} is a folder, not a regimen file`, { exitCode: EXIT.ioError, cause: err });
    throw new MedsError('read-failed', `cannot read ${path}: ${(err as Error).message}`, { exitCode: EXIT.ioError, hint: code === 'EACCES' || code === 'EPERM' ? `check that you may read ${path} (ls -l)` : undefined, cause: err });
  }
}

export function readRegimenText(path: string): string {
  return readSnapshot(path).text;
}

export function loadRegimen(path: string, opts: LoadOptions = {}): Loaded {
  return parseRegimen(readRegimenText(path), path, opts);
}

const PARSE_OPTS = { uniqueKeys: true, strict: true, prettyErrors: false, keepSourceTokens: false } as const;
const MAX_TEXT = 64 * 1024 * 1024;

/** Parse and validate regimen text. Throws MedsError (exit 65) when it is invalid. */
export function parseRegimen(text: string, path: string, opts: LoadOptions = {}): Loaded {
  if (text.length > MAX_TEXT) throw invalid(path, [{ severity: 'error', code: 'too-large', path: [], message: `the file is larger than ${MAX_TEXT / 1024 / 1024} MB` }]);
  const key = opts.full || text.includes('\r') || text.charCodeAt(0) === 0xfeff ? undefined : findLogKey(text);
  if (key) {
    const r = parseFast(text, path, key, opts);
    if (r) return r;
  }
  return parseFull(text, path);
}

function parseDoc(text: string, path: string): { doc: Document.Parsed; lc: LineCounter } {
  const lc = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { ...PARSE_OPTS, lineCounter: lc });
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
    visit(doc, { Alias: (_, node) => ((at = node.range?.[0] ?? 0), visit.BREAK) });
    const p = lc.linePos(at);
    throw invalid(path, [{ severity: 'error', code: 'yaml', path: [], message: `YAML: ${(err as Error).message}`, pos: { file: path, line: p.line, col: p.col } }]);
  }
}

function parseFull(text: string, path: string): Loaded {
  const { doc, lc } = parseDoc(text, path);
  const raw = toJS(doc, path, lc);
  const locate = docLocator(doc, lc, path);
  const { regimen, problems } = validateRegimen(raw, locate);
  if (!regimen) throw invalid(path, problems);
  const logCount = regimen.log.length;
  return { path, text, regimen, warnings: problems, doc, lineCounter: lc, logCount, logComplete: true };
}

const TAIL = Symbol('keys follow the log');

function parseFast(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: LoadOptions): Loaded | undefined {
  const r = parseFastAs(text, path, key, opts, false);
  return r === TAIL ? (parseFastAs(text, path, key, opts, true) as Loaded | undefined) : r;
}

/**
 * The head is the file without its log. Usually the log is last (`tail` false): the head is what
 * comes before it, read first, and its medication ids make the pattern the log is read with in one
 * pass; finding keys after the log answers TAIL. Then (`tail` true) the log block is found first
 * and blanked out of the head, offsets unchanged.
 */
function parseFastAs(text: string, path: string, key: { keyStart: number; keyLineEnd: number }, opts: LoadOptions, tail: boolean): Loaded | undefined | typeof TAIL {
  let block: LogBlock | undefined;
  let head: string;
  if (tail) {
    block = findLogBlock(text, undefined, key);
    if (!block) return undefined;
    head = text.slice(0, block.keyStart) + text.slice(block.keyStart, block.end).replace(/[^\n]/g, ' ') + text.slice(block.end);
  } else head = text.slice(0, key.keyStart);
  const { doc, lc } = parseDoc(head, path);
  if (doc.has('log')) return undefined;
  const raw = toJS(doc, path, lc) as Record<string, unknown> | null;
  const headLocate = docLocator(doc, lc, path);
  const entryPos = (i: number, key: string | undefined, asKey: boolean): SourcePos => {
    if (!block) return { file: path, line: 1, col: 1 };
    const line = entryText(text, block, i);
    // Like the parser's positions: a key path points at the value, or at the key when asked for it.
    const k = key ? line.indexOf(`${key}: `) : -1;
    const col = k < 0 ? line.indexOf('{') : asKey ? k : k + key!.length + 2;
    return { file: path, line: block.lineNumbers[i]!, col: (col < 0 ? 0 : col) + 1 };
  };
  const locate: Locate = (p, key) => {
    if (p[0] === 'log' && typeof p[1] === 'number') return entryPos(p[1], typeof p[2] === 'string' ? p[2] : undefined, !!key);
    return headLocate(p, key);
  };
  const withEmptyLog = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, log: [] } : raw;
  const { regimen, problems } = validateRegimen(withEmptyLog, locate);
  if (!regimen) {
    // Keys after the log may be what the head lacks: read the whole head before judging.
    if (!tail && hasTail(text, findLogBlock(text, undefined, key))) return TAIL;
    throw invalid(path, problems);
  }

  const ids = new Map(regimen.medications.map((m) => [m.id, m.index]));
  const strict = strictEntryPattern([...ids.keys()], true);
  const canonical = new Map(regimen.medications.map((m) => [m.id, m.id]));
  block ??= findLogBlock(text, strict, key);
  if (!block) return undefined;
  if (!tail && hasTail(text, block)) return TAIL;
  const clock = new Clock(regimen.patient.timezone);
  const cutoff = opts.logFrom !== undefined ? formatDay(clock.dayOf(opts.logFrom) - 2) : undefined;
  const checker = new Checker(locate);
  const log: LogEntry[] = [];
  let complete = true;
  const n = block.starts.length;
  const atCol = block.indent.length + 8; // "- { at: "
  for (let i = 0; i < n; i++) {
    // The strict pattern runs in place at the line's offset (no substring per line). Lines before
    // the cutoff are only checked; the others are built from the pattern's groups.
    const start = block.starts[i]!;
    const skip = cutoff !== undefined && isBefore(text, start + atCol, cutoff);
    strict.lastIndex = start;
    const m = skip ? (block.strict[i] || strict.test(text) ? SKIPPED : null) : strict.exec(text);
    if (m) {
      if (m === SKIPPED) complete = false;
      else log.push(strictEntry(m, i, block.lineNumbers[i]!, canonical));
      continue;
    }
    // Any other line: the tokenizer and the same checks as the full parser.
    const obj = tokenizeFlowLine(entryText(text, block, i));
    if (!obj) return undefined; // not a shape we read line by line: the full parser decides
    const before = checker.problems.length;
    checker.walk(obj, regimenSchema.properties!.log!.items!, ['log', i]);
    if (checker.problems.slice(before).some((p) => p.severity === 'error')) continue;
    const e = logEntryOf(obj, i, clock, ids, checker, ['log', i], block.lineNumbers[i]);
    if (e) log.push(e);
  }
  const all = [...problems, ...checker.problems];
  if (all.some((p) => p.severity === 'error')) throw invalid(path, all);
  regimen.log = log;
  return { path, text, regimen, warnings: all, doc, lineCounter: lc, logBlock: block, logCount: n, logComplete: complete };
}

const SKIPPED = [] as unknown as RegExpExecArray;

function hasTail(text: string, block: LogBlock | undefined): boolean {
  return !!block && block.end < text.length && /\S/.test(text.slice(block.end));
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** Does the date at `col` sort before `cutoff` (YYYY-MM-DD)? Compared in place, without a substring. */
function isBefore(line: string, col: number, cutoff: string): boolean {
  for (let k = 0; k < 10; k++) {
    const a = line.charCodeAt(col + k), b = cutoff.charCodeAt(k);
    if (a !== b) return a < b;
  }
  return false;
}

/**
 * The instant of a date-time the strict pattern accepted (YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)), by
 * arithmetic on its characters: the same result as parseInstant, without its regular expression.
 */
function strictInstant(s: string): Millis {
  const day = dayFromCivil(digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3), digit(s, 5) * 10 + digit(s, 6), digit(s, 8) * 10 + digit(s, 9));
  let t = day * DAY + (digit(s, 11) * 10 + digit(s, 12)) * HOUR + (digit(s, 14) * 10 + digit(s, 15)) * MINUTE;
  let i = 16;
  if (s.charCodeAt(i) === 58 /* : */) {
    t += (digit(s, 17) * 10 + digit(s, 18)) * 1000;
    i = 19;
  }
  if (s.charCodeAt(i) !== 90 /* Z */) {
    const off = (digit(s, i + 1) * 10 + digit(s, i + 2)) * 60 + digit(s, i + 4) * 10 + digit(s, i + 5);
    t -= (s.charCodeAt(i) === 45 /* - */ ? -off : off) * MINUTE;
  }
  return t;
}

/** A LogEntry from the strict pattern's groups: 1 at, 2 med, 3 for, 4 status, 5 reason, 6 dose, 7 extra. */
function strictEntry(m: RegExpExecArray, index: number, line: number, ids: Map<string, string>): LogEntry {
  // The medication's own id string and literal statuses (not slices of the file's text), so later
  // comparisons and map look-ups are by identity.
  const e: LogEntry = { at: strictInstant(m[1]!), atText: m[1]!, med: ids.get(m[2]!)!, status: m[4]!.length === 5 ? 'taken' : 'skipped', index };
  if (m[3] !== undefined) e.for = m[3].length === 16 ? m[3] : slotOf(m[3]);
  if (m[7] !== undefined) e.extra = true;
  if (m[5] !== undefined) e.reason = m[5].charCodeAt(0) === 34 ? (JSON.parse(m[5]) as string) : m[5];
  if (m[6] !== undefined) e.dose = Number(m[6]);
  e.line = line;
  return e;
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
  const obj = tokenizeFlowLine(line);
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
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
        if (i === path.length - 1 && key) node = keyNode;
      } else if (isSeq(node) && typeof seg === 'number') {
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
