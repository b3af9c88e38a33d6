/**
 * The `yaml` package, loaded on first use. The fast paths (fasthead.ts, fastlog.ts)
 * read and append to a usual file without it; it is needed for files outside their
 * subset, for the positions of problems, and for edits of the head. In the bundle it
 * is a file of its own (dist/lib/yaml.cjs, see scripts/build.mjs), so a run that does
 * not need it does not read or compile it.
 */
import type * as Yaml from 'yaml';
import { requireLazily } from '../lazy.js';

let lib: typeof Yaml | undefined;

export function yaml(): typeof Yaml {
  return (lib ??= requireLazily<typeof Yaml>('yaml'));
}
