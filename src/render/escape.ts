/**
 * Control characters in human output, in one place. A medication's name, a skip's reason or an
 * unknown key in the file may hold terminal escapes (ESC [ 2 J clears the screen, ESC ] 0 ; sets the
 * title, ESC [ 8 m hides what follows, such as a double-dose warning) or characters that reorder
 * the line (the bidirectional overrides of "Trojan Source"). Every text meant for a person passes
 * through `humanText` on its way out (render/output.ts), so each such character is shown as an
 * escape (`\x1b`, `\x7f`, `\u202e`), in a pipe and on a terminal, with color or without.
 *
 * Color, which needs real escapes, is told apart by a tag: the palette writes each of its codes
 * as SGR `ESC [ n ; TAG m`, where TAG is drawn at random for each run, which no file or argument
 * can know. `humanText` turns exactly those into `ESC [ n m` and escapes every other ESC.
 * (Layout code that skips SGR codes to measure widths, here and in cli-table3, skips the tagged
 * ones too: they are SGR in form.) JSON output keeps the real strings: JSON escapes them.
 */
/** C0 and C1 controls and DEL; the line and paragraph separators; bidirectional embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(c: string): string {
  const n = c.charCodeAt(0);
  return NAMED[c] ?? (n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`);
}

/** One value (a name, a reason) with every control character shown as an escape, line breaks too. */
export function shown(s: string): string {
  return s.replace(CONTROL, escapeChar);
}

/**
 * Three parameters of four digits (ansi-regex, which cli-table3 measures widths with, reads at most four
 * digits a parameter). Math.random is enough: the file and the arguments cannot observe it.
 */
const TAG = Array.from({ length: 3 }, () => 1000 + Math.floor(Math.random() * 9000)).join(';');

/** The palette's SGR code n, tagged as the palette's own. */
export function sgr(n: number): string {
  return `\x1b[${n};${TAG}m`;
}

// eslint-disable-next-line no-control-regex
const OURS_OR_CONTROL = new RegExp(`\\x1b\\[(\\d+);${TAG}m|${CONTROL_BUT_NEWLINE.source}`, 'g');

// eslint-disable-next-line no-control-regex
const OURS_OR_ANY_CONTROL = new RegExp(`\\x1b\\[\\d+;${TAG}m|${CONTROL.source}`, 'g');

/**
 * A table cell or a label, before it is laid out: every control character escaped, line breaks
 * too, so widths are measured on what will be shown; the palette's own codes kept.
 */
export function shownCell(s: string): string {
  return s.replace(OURS_OR_ANY_CONTROL, (m) => (m.length > 1 ? m : escapeChar(m)));
}

/**
 * A whole text for a person (stdout or stderr): line breaks kept, every other control character
 * escaped; with `color`, the palette's own codes become real ones (without, there are none).
 */
export function humanText(text: string, color: boolean): string {
  if (!color) return text.replace(CONTROL_BUT_NEWLINE, escapeChar);
  return text.replace(OURS_OR_CONTROL, (m, n: string | undefined) => (n !== undefined ? `\x1b[${n}m` : escapeChar(m)));
}
