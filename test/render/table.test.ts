import { describe, expect, it } from 'vitest';
import { cliTable, columns, DIRECT_LAYOUT_ROWS, table } from '../../src/render/table.js';

describe('tables', () => {
  const head = ['DATE', 'TIME', 'MEDICATION', 'STATUS', 'REASON'];
  const rows = Array.from({ length: 60 }, (_, i) => [`2026-03-${String((i % 28) + 1).padStart(2, '0')}`, `0${i % 10}:00`, ['metformin', 'apixaban', 'ibuprofen'][i % 3]!, i % 7 ? 'taken' : 'skipped', i % 5 ? '' : 'felt sick ●']);
  it('lays out tables exactly as cli-table3 does', () => {
    expect(columns(head, rows)).toBe(cliTable(head, rows));
    const ascii = rows.map((r) => r.map((c) => c.replace('●', '*')));
    expect(table(head, ascii, { color: false })).toBe(cliTable(head, ascii));
    const latin = [['café', '—', '◐ ●', 'naïve'], ['x', 'y', 'z', 'w']];
    expect(table(['A', 'B', 'C', 'D'], latin, { color: false })).toBe(cliTable(['A', 'B', 'C', 'D'], latin));
  });
  it('gives text with wide characters to cli-table3, which knows their width', () => {
    const wide = [['薬', '08:00'], ['metformin', '09:00']];
    expect(table(['NAME', 'TIME'], wide, { color: false })).toBe(cliTable(['NAME', 'TIME'], wide));
    expect(cliTable(['NAME', 'TIME'], wide).split('\n')[1]).toBe('薬         08:00');
  });
  it('keeps colored cells aligned by their visible width', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const colored = rows.map((r) => [r[0]!, r[1]!, r[2]!, red(r[3]!), r[4]!]);
    const plain = columns(head, rows).split('\n');
    expect(columns(head, colored).split('\n').map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual(plain);
  });
  it('uses the direct layout past the threshold, with the same output', () => {
    const many = Array.from({ length: DIRECT_LAYOUT_ROWS + 1 }, (_, i) => rows[i % rows.length]!);
    expect(table(head, many, { color: false })).toBe(columns(head, many));
  });
  it('prints no ANSI codes without color', () => {
    expect(table(head, rows, { color: false, bold: (s) => `\u001b[1m${s}\u001b[22m` })).not.toMatch(/\u001b/);
  });
});

describe('tables in color', () => {
  it('makes each header bold once (no index or array passed to the color function)', () => {
    const out = table(['A', 'B'], [['x', 'y']], { color: true, bold: (...args: unknown[]) => `<${args.join('|')}>` });
    expect(out.split('\n')[0]).toBe('<A>  <B>');
  });
});
