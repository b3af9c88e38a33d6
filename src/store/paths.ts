import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the regimen file is: --file, else $MEDS_FILE, else ${XDG_DATA_HOME:-~/.local/share}/meds/regimen.yaml. */
export function regimenPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.MEDS_FILE) return resolve(env.MEDS_FILE);
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'meds', 'regimen.yaml');
}
