/**
 * cli-table3, wrapped once: borderless columns, and no ANSI codes at all
 * (its header and border styles emit them even when piped) unless color is on.
 */
import Table from 'cli-table3';

const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

export function table(head: string[], rows: string[][], opts: { color: boolean; bold?: (s: string) => string }): string {
  const t = new Table({
    head: opts.color && opts.bold ? head.map(opts.bold) : head,
    chars: PLAIN_CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const r of rows) t.push(r);
  return t.toString().split('\n').map((l) => l.replace(/\s+$/, '')).join('\n');
}
