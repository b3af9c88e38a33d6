/** docs/checks.md lists every finding code meds check can give (issue #18: each code documented). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_RULES } from '../../src/data/drug-table.js';
import { ATTENTION_STATUSES } from '../../src/core/supply.js';

const ROOT = join(__dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'docs/checks.md'), 'utf8');

function allCodes(): Set<string> {
  const r = CHECK_RULES;
  const codes = new Set<string>([
    ...r.interactions.map((x) => x.code),
    ...r.separations.map((x) => x.code),
    ...r.takeFirst.map((x) => x.code),
    ...r.duplications.map((x) => x.code),
    ...r.allergies.map((x) => x.code),
    ...r.olderAdults.items.map((x) => x.code),
    r.highRiskMissed.code,
    ...ATTENTION_STATUSES.map((s) => `supply.${s}`),
  ]);
  // The codes written in the checks' source ('dose.max-daily', 'file.future-entry', ...).
  for (const dir of ['src/core/check', 'src/check']) {
    for (const f of readdirSync(join(ROOT, dir))) {
      for (const m of readFileSync(join(ROOT, dir, f), 'utf8').matchAll(/code: '([a-z]+\.[a-z0-9.-]+)'|code = '([a-z]+\.[a-z0-9.-]+)'/g)) codes.add(m[1] ?? m[2]!);
    }
  }
  return codes;
}

describe('finding codes', () => {
  it('every code is in docs/checks.md', () => {
    const codes = allCodes();
    expect(codes.size).toBeGreaterThan(40);
    expect([...codes].filter((c) => !doc.includes('`' + c + '`'))).toEqual([]);
  });
  it('bundled codes are unique per rule kind, and interactions do not share a code', () => {
    const ddi = CHECK_RULES.interactions.map((x) => x.code);
    expect(new Set(ddi).size).toBe(ddi.length);
  });
});
