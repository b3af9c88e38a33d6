import { join, resolve } from 'node:path';
import { requireLazily } from '../lazy.js';

/** Where the regimen file is: --file, else $MEDS_FILE, else ${XDG_DATA_HOME:-~/.local/share}/meds/regimen.yaml. */
export function regimenPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.MEDS_FILE) return resolve(env.MEDS_FILE);
  const base = env.XDG_DATA_HOME || join(requireLazily<typeof import('node:os')>('node:os').homedir(), '.local', 'share');
  return join(base, 'meds', 'regimen.yaml');
}
