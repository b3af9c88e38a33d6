/**
 * Loading a package only when it is needed, with require from this file's own
 * place: the bundle (dist/meds.cjs, run by bin/meds.js as a vm.Script, where a
 * dynamic import() has no loader) or the TypeScript source under the tests. In the
 * bundle, yaml and cli-table3 are single files of their own beside it (dist/lib/).
 */
import { createRequire } from 'node:module';

/** Set (to the packages bundled apart, in dist/lib/) by scripts/build.mjs in the bundle only. */
declare const MEDS_BUNDLED_APART: string[] | undefined;

export function requireLazily<T>(id: string): T {
  const from = typeof __filename === 'string' ? __filename : import.meta.url;
  const apart = typeof MEDS_BUNDLED_APART !== 'undefined' && MEDS_BUNDLED_APART.includes(id);
  return createRequire(from)(apart ? `./lib/${id}.cjs` : id) as T;
}
