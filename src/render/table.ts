/**
 * Tables, in one place: borderless columns, and no ANSI codes at all (cli-table3
 * emits them for headers and borders even when piped unless its style is
 * emptied) unless color is on. cli-table3 lays out tables with wide, combining or
 * control characters (they need its width rules); other text, the usual case, gets
 * the same layout computed directly: cli-table3 costs a short
 * command ~30 ms to start and about a millisecond a row (test/render/table.test.ts
 * checks that both give the same output).
 */
import type TableType from 'cli-table3';
import { requireLazily } from '../lazy.js';
import { shownCell } from './escape.js';

const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

/** Above this many rows, the direct layout whatever the text (its widths are then approximate for wide characters). */
export const DIRECT_LAYOUT_ROWS = 200;

/**
 * Characters whose width is not one column: control characters, combining marks, zero-width and
 * variation selectors, East Asian wide and full-width ranges, and anything outside the Basic
 * Multilingual Plane (emoji). Text without them is laid out directly; with them, by cli-table3.
 */
// eslint-disable-next-line no-control-regex
const NOT_ONE_COLUMN = /[\x00-\x1f\x7f-\x9f\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1100-\u115f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2e80-\ua4cf\uac00-\ud7a3\ud800-\udfff\uf900-\ufaff\ufe00-\ufe0f\ufe20-\ufe2f\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export function table(head: string[], rowsIn: string[][], opts: { color: boolean; bold?: (s: string) => string }): string {
  const bold = opts.bold;
  // Control characters in a cell are shown as escapes (render/escape.ts): measured as shown.
  const rows = rowsIn.map((r) => r.map(shownCell));
  const h = opts.color && bold ? head.map((s) => bold(s)) : head;
  const plain = [head, ...rows].every((r) => r.every((c) => !NOT_ONE_COLUMN.test(c.replace(ANSI, ''))));
  if (plain || rows.length > DIRECT_LAYOUT_ROWS) return columns(h, rows);
  return cliTable(h, rows);
}

/** The layout by cli-table3. */
export function cliTable(head: string[], rows: string[][]): string {
  const Table = requireLazily<typeof TableType>('cli-table3');
  const t = new Table({
    head,
    chars: PLAIN_CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.replace(/\s+$/, '')).join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const visible = (s: string) => [...s.replace(ANSI, '')].length;

/** Left-aligned columns two spaces apart, trailing spaces trimmed: the layout above, computed directly. */
export function columns(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  // A loop, not Math.max(...column): a spread of years of rows overflows the call stack.
  const widths = head.map((_, i) => all.reduce((w, r) => Math.max(w, visible(r[i] ?? '')), 0));
  return all
    .map((r) => widths.map((w, i) => { const c = r[i] ?? ''; return c + ' '.repeat(w - visible(c)); }).join('  ').replace(/\s+$/, ''))
    .join('\n');
}

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && visible(line) + 1 + visible(word) > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || !out.length) out.push(line);
  return out;
}

/**
 * Rows whose `wrap` columns are cut into lines so the table fits in `width` columns: each extra line
 * is a row of its own with the other cells empty. The wrapped columns share what the others leave.
 */
export function fitRows(head: string[], rows: string[][], wrap: number[], width: number | undefined): string[][] {
  if (width === undefined) return rows;
  const widths = head.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const fixed = widths.reduce((n, w, i) => (wrap.includes(i) ? n : n + w), 0) + 2 * (head.length - 1);
  let room = width - fixed;
  const total = wrap.reduce((n, i) => n + widths[i]!, 0);
  if (total <= room) return rows;
  room = Math.max(room, 12 * wrap.length);
  // Each wrapped column gets a share of the room in proportion to its width, at least 12 columns.
  const share = new Map(wrap.map((i) => [i, Math.max(12, Math.floor((room * widths[i]!) / total))]));
  const out: string[][] = [];
  for (const r of rows) {
    const cut = new Map(wrap.map((i) => [i, wrapText(r[i] ?? '', share.get(i)!)]));
    const n = Math.max(...[...cut.values()].map((l) => l.length));
    for (let k = 0; k < n; k++) out.push(r.map((c, i) => (cut.has(i) ? (cut.get(i)![k] ?? '') : k === 0 ? c : '')));
  }
  return out;
}
