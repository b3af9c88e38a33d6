/**
 * The layering docs/architecture.md promises, checked on the sources: each folder imports only the
 * folders below it. A new import across a layer fails here with the file and the import.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = resolve(__dirname, '..', 'src');

/** What each top folder of src/ may import (besides itself and node: modules). */
const MAY_IMPORT: Record<string, string[]> = {
  time: ['errors.ts', 'lazy.ts'],
  data: ['time', 'errors.ts'],
  model: ['time', 'data', 'errors.ts'],
  core: ['time', 'model', 'data', 'errors.ts'],
  render: ['time', 'model', 'data', 'core', 'errors.ts', 'lazy.ts'],
  store: ['time', 'model', 'data', 'core', 'errors.ts', 'lazy.ts'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(file: string): string {
  return relative(SRC, file).split('/')[0]!;
}

describe('layers', () => {
  for (const [layer, allowed] of Object.entries(MAY_IMPORT)) {
    it(`src/${layer} imports only ${allowed.join(', ')}`, () => {
      const bad: string[] = [];
      for (const f of files(join(SRC, layer))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) {
          const spec = m[1]!;
          if (!spec.startsWith('.')) continue; // node: and packages
          const target = layerOf(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
          if (target !== layer && !allowed.includes(target)) bad.push(`${relative(SRC, f)} imports ${spec}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
