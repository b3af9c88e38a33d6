/** The prompt library, loaded only when a person is being asked something (it costs 40-100 ms to load). */
import { requireLazily } from '../lazy.js';

export type Prompts = typeof import('@inquirer/prompts');

export function loadPrompts(): Prompts {
  return requireLazily<Prompts>('@inquirer/prompts');
}
