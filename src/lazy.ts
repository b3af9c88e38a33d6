/**
 * Loading a package only when it is needed, with require from this file's own
 * place: the bundle (dist/meds.cjs, run by bin/meds.js as a vm.Script, where a
 * dynamic import() has no loader) or the TypeScript source under the tests.
 */
import { createRequire } from 'node:module';

export function requireLazily<T>(id: string): T {
  const from = typeof __filename === 'string' ? __filename : import.meta.url;
  return createRequire(from)(id) as T;
}
