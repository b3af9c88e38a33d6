import { describe, expect, it } from 'vitest';
import { findMed } from '../../src/cli/find.js';
import type { Regimen } from '../../src/model/types.js';

const reg = {
  medications: [
    { id: 'metformin', name: 'Glucophage', unit: 'tablet', phases: [], index: 0 },
    { id: 'Apixaban', unit: 'tablet', phases: [], index: 1 },
  ],
} as unknown as Regimen;

describe('findMed: the medication a user typed', () => {
  it('by id, by id in another case, by name in any case', () => {
    expect(findMed(reg, 'metformin').index).toBe(0);
    expect(findMed(reg, 'apixaban').index).toBe(1);
    expect(findMed(reg, 'GLUCOPHAGE').index).toBe(0);
  });
  it('an unknown one is a usage error (exit 2) with the nearest id and the known ones', () => {
    expect(() => findMed(reg, 'metformon')).toThrow(expect.objectContaining({ code: 'unknown-med', exitCode: 2, hint: 'did you mean `metformin`? known: metformin, Apixaban' }));
  });
});
