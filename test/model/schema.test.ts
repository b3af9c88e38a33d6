import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { regimenSchema } from '../../src/model/schema.js';
import { ROOT } from '../helpers/cli.js';

describe('the shipped JSON Schema', () => {
  it('is exactly the definition the validator walks (schema/meds.schema.json is generated from src/model/schema.ts)', () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, 'schema', 'meds.schema.json'), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(regimenSchema)));
  });
  it('is referenced by the example file', () => {
    expect(readFileSync(join(ROOT, 'examples', 'regimen.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/meds\.schema\.json$/m);
  });
});
