/**
 * The log's fast path. The log is the part of the file that grows (ten years
 * is ~50,000 lines), and a full YAML parse costs ~45 µs a line. Entries that
 * meds writes are one flow map a line; such a line is checked with one
 * compiled regular expression and turned into a LogEntry only when a command
 * needs it. Any line the strict pattern does not accept is read by the YAML
 * subset reader (fasthead.ts readFlowLine); anything it does not accept sends
 * the whole file to the full YAML parser, so the fast path never decides what
 * a line means on its own guesses. test/store/fastlog.test.ts compares both
 * paths on varied files.
 */
import { resolvePlain } from './fasthead.js';

export interface LogBlock {
  keyStart: number; // offset of the "log:" line
  keyLineEnd: number; // offset just after that line's newline
  end: number; // offset just after the block's last line that belongs to it (entries and comments)
  lastEntryEnd: number; // offset just after the last entry line's newline (keyLineEnd when none)
  indent: string; // indentation of the entries ("  " by default)
  count: number; // number of entry lines
  lastStart: number; // offset of the last entry line (-1 when none)
}

/** A log block read line by line: where each entry line is. */
export interface ScannedBlock extends LogBlock {
  starts: number[]; // offset of each entry line, in order
  ends: number[]; // offset just after each entry's last line (an entry in block style spans several)
  lineNumbers: number[]; // 1-based line of each entry
  strict: boolean[]; // whether each entry line matched the strict pattern given to findLogBlock
}

/** The text of the line starting at `start`. */
export function lineAt(text: string, start: number): string {
  const nl = text.indexOf('\n', start);
  return text.slice(start, nl === -1 ? text.length : nl);
}

/** The text of entry i (its first line; all its lines for an entry in block style). */
export function entryText(text: string, b: ScannedBlock, i: number): string {
  const first = lineAt(text, b.starts[i]!);
  return b.ends[i]! > b.starts[i]! + first.length + 1 ? text.slice(b.starts[i]!, b.ends[i]!) : first;
}

const LOG_KEY = /^log:[ \t]*(#[^\n]*)?$/m;

/** Where the top-level `log:` key is, if there is exactly one written as a block (`log:` alone on its line). */
export function findLogKey(text: string): { keyStart: number; keyLineEnd: number } | undefined {
  const m = LOG_KEY.exec(text);
  if (!m) return undefined;
  if (text.indexOf('\nlog:', m.index + 1) !== -1) return undefined; // a second key: let the parser report it
  let keyLineEnd = m.index + m[0].length;
  if (keyLineEnd < text.length) keyLineEnd++; // the newline
  return { keyStart: m.index, keyLineEnd };
}

/**
 * Find the block-style log made only of one-line flow maps, comments and blank lines,
 * by character checks (no substring per line: ten years is 50,000 lines). With a
 * `strict` pattern (sticky, from strictEntryPattern), each line is first tried against
 * it in place, which both checks the line and finds its end in one pass.
 * Returns undefined when the file's log has another shape (the caller then parses fully).
 */
export function findLogBlock(text: string, strict?: RegExp, key = findLogKey(text)): ScannedBlock | undefined {
  if (!key) return undefined;
  const { keyStart, keyLineEnd } = key;
  const len = text.length;
  let pos = keyLineEnd;
  let line = countNewlines(text, 0, keyLineEnd) + 1;
  const starts: number[] = [];
  const ends: number[] = [];
  const lineNumbers: number[] = [];
  const strictOk: boolean[] = [];
  let indent = -1;
  let end = keyLineEnd;
  let lastEntryEnd = keyLineEnd;
  while (pos < len) {
    if (strict) {
      strict.lastIndex = pos;
      if (testSafely(strict, text)) {
        const nl = strict.lastIndex;
        let p = pos;
        while (text.charCodeAt(p) === 32) p++;
        if (indent === -1) indent = p - pos;
        else if (p - pos !== indent) return undefined;
        starts.push(pos);
        lineNumbers.push(line);
        strictOk.push(true);
        pos = end = lastEntryEnd = nl < len ? nl + 1 : nl;
        ends.push(pos);
        line++;
        continue;
      }
    }
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    const next = nl < len ? nl + 1 : nl;
    let p = pos;
    while (p < nl && text.charCodeAt(p) === 32) p++;
    const c = p < nl ? text.charCodeAt(p) : -1;
    if (c === -1 || c === 35 /* # */) {
      // A blank line or a comment; at column 0 it is part of the block only if entries follow.
      if (p > pos) end = next;
    } else if (c === 45 /* - */ && text.charCodeAt(p + 1) === 32) {
      if (indent === -1) indent = p - pos;
      else if (p - pos !== indent) return undefined;
      starts.push(pos);
      lineNumbers.push(line);
      strictOk.push(false);
      // An entry in block style (`- at: ...` then its other keys, indented more): its lines go
      // with it, and it is read alone (load.ts). Blank lines and comments inside it too.
      let last = next;
      if (text.charCodeAt(p + 2) !== 123 /* { */) {
        for (let q = next; q < len; ) {
          let nq = text.indexOf('\n', q);
          if (nq === -1) nq = len;
          let r = q;
          while (r < nq && text.charCodeAt(r) === 32) r++;
          if (r < nq && r - q <= indent) break; // the next entry, or the next key
          q = nq < len ? nq + 1 : nq;
          if (r < nq) last = q; // (a trailing blank line stays outside the entry)
        }
      }
      end = lastEntryEnd = last;
      ends.push(last);
      line += 1 + countNewlines(text, next, last);
      pos = last;
      continue;
    } else if (p === pos) break; // the next top-level key (or a document marker)
    else return undefined; // some other indented content: not our shape
    pos = next;
    line++;
  }
  const count = starts.length;
  return { keyStart, keyLineEnd, end, lastEntryEnd, indent: ' '.repeat(indent === -1 ? 2 : indent), count, lastStart: count ? starts[count - 1]! : -1, starts, ends, lineNumbers, strict: strictOk };
}

/**
 * `re.test(text)`, or false when the engine's backtracking stack overflows: it keeps state for every
 * character of a quoted reason, so a reason of millions of characters (or a run of lines holding
 * them) overflows it. The caller then reads those lines another way.
 */
export function testSafely(re: RegExp, text: string): boolean {
  try {
    return re.test(text);
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** `re.exec(text)`, or null when the engine's stack overflows (see testSafely). */
export function execSafely(re: RegExp, text: string): RegExpExecArray | null {
  try {
    return re.exec(text);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** The number of newlines in text[from, to). */
export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The strict pattern of a line meds writes, for a given set of medication ids:
 * `- { at: <date-time with offset>, med: <id>, [for: <local slot>,] status: taken|skipped[, reason: ..][, dose: n][, extra: true] }`.
 * Dates are real calendar dates (29 February only in leap years), so a line it accepts needs
 * no further check.
 * Groups: 1 at, 2 med, 3 for, 4 status, 5 reason, 6 dose, 7 extra.
 * `sticky`: for matching inside the whole text at a line's offset (lastIndex), up to its end.
 */
export function strictEntryPattern(medIds: string[], sticky = false): RegExp {
  const body = ` *${strictBody(medIds)}`;
  return sticky ? new RegExp(`${body}(?=\\n|$)`, 'y') : new RegExp(`^${body}$`);
}

/**
 * A run of up to 256 whole strict lines at exactly this indentation (with `before`, only lines whose
 * date sorts before it, YYYY-MM-DD), each with its newline (the last may lack one); without groups.
 * Sticky: a loop of test() calls walks the log a run at a time, so the engine's per-match cost is
 * paid once every 256 lines, and where a test fails is the first line that is not such a line.
 */
export function strictRunPattern(medIds: string[], indent: number, before?: string): RegExp {
  const guard = before === undefined ? '' : `(?=${beforePattern(before)})`;
  return new RegExp(`(?:${' '.repeat(indent)}${strictBody(medIds, guard, '(?:')}(?:\\n|$)){1,256}`, 'y');
}

/**
 * The strict pattern after the indentation. `atGuard` is put just before the at-date (a lookahead that
 * constrains it); `group` opens the groups (`(?:` for none).
 */
function strictBody(medIds: string[], atGuard = '', group = '('): string {
  // Only ids that YAML reads as strings: `med: 123` is a number to the parser, and that is the parser's to report.
  const safe = medIds.filter((id) => typeof resolvePlain(id) === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id));
  const ids = safe.length ? safe.map(escapeRe).sort((a, b) => b.length - a.length).join('|') : '(?!)';
  // 29 February only in a leap year: divisible by 4, and a century only when divisible by 400.
  const leap = '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)';
  const date = `(?:\\d{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|${leap}-02-29)`;
  const time = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?';
  // A plain reason is text YAML keeps as a string: not null/true/false in any of their spellings.
  // A quoted reason: no control character (a tab is valid YAML but not JSON: such a line goes to the parser).
  const reason = `(?:, reason: ${group}"(?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt])*"|(?!(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)(?:,| \\}))[A-Za-z][A-Za-z0-9 ._/()-]*[A-Za-z0-9.)]))?`;
  // A dose of at most nine digits before and after the point: a longer number (which could round to
  // Infinity or 0) is left to the general checks.
  const g = group;
  // Without groups (the runs), the at-date is captured and the for-date, most often the same, is first
  // compared with it: the same strings match, and the engine spends a sixth fewer steps on a log
  // (callgrind, scratch: 51.6 M instructions a pass over the 10-year log, then 43.0 M).
  const runs = group === '(?:';
  // (Named: another capturing group added to the pattern cannot change what the back-reference names.)
  const atDate = runs ? `(?<at>${date})` : date;
  const forDate = runs ? `(?:\\k<at>|${date})` : date;
  return `- \\{ at: ${atGuard}${g}${atDate}T${time}(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)), med: ${g}${ids}), (?:for: ${g}${forDate}T${time}(?:[+-](?:[01]\\d|2[0-3]):[0-5]\\d)?), )?status: ${g}taken|skipped)${reason}(?:, dose: ${g}[1-9]\\d{0,8}(?:\\.\\d{1,9})?|0?\\.\\d{0,8}[1-9]\\d{0,8}))?${g}, extra: true)? \\}(?: +#[^\\n]*)?`;
}

/**
 * A pattern for the dates (YYYY-MM-DD, compared as text) before `day`: for some digit, the same
 * prefix then a smaller digit. (What follows is left to the rest of the pattern.)
 */
export function beforePattern(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a YYYY-MM-DD date: ${day}`);
  const alts: string[] = [];
  for (let k = 0; k < day.length; k++) {
    const d = day.charCodeAt(k) - 48;
    if (d > 0 && d <= 9) alts.push(`${day.slice(0, k)}[0-${d - 1}]`);
  }
  return alts.length ? `(?:${alts.join('|')})` : '(?!)';
}
