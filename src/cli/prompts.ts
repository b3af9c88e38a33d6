/**
 * The prompt library, loaded only when a person is being asked something (it costs
 * 40-100 ms to load). Loaded with require from the bundle's own location: bin/meds.js
 * runs the bundle as a vm.Script, where a dynamic import() has no loader.
 */
import { createRequire } from 'node:module';

export type Prompts = typeof import('@inquirer/prompts');

export function loadPrompts(): Prompts {
  const from = typeof __filename === 'string' ? __filename : process.argv[1] ?? process.cwd();
  return createRequire(from)('@inquirer/prompts') as Prompts;
}
