import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { requireLazily } from '../lazy.js';

/**
 * Where the regimen file is: --file, else $MEDS_FILE, else ${XDG_DATA_HOME:-~/.local/share}/meds/regimen.yaml.
 * An empty --file or $MEDS_FILE is a usage error, never a silent fall-back to another file (a
 * write would land there). A relative $XDG_DATA_HOME is ignored, as the XDG Base Directory
 * Specification requires ("If an implementation encounters a relative path in any of these
 * variables it should consider the path invalid and ignore it",
 * https://specifications.freedesktop.org/basedir-spec/latest/).
 */
export function regimenPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined) {
    if (flag === '') throw usageError('empty-path', '--file "" names no file', 'give the path of the regimen file, or leave --file out to use $MEDS_FILE or the default');
    return decodable(resolve(flag), '--file');
  }
  if (env.MEDS_FILE !== undefined) {
    if (env.MEDS_FILE === '') throw usageError('empty-path', '$MEDS_FILE is set but empty', 'set it to the path of the regimen file, or unset it to use the default');
    return decodable(resolve(env.MEDS_FILE), '$MEDS_FILE');
  }
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(requireLazily<typeof import('node:os')>('node:os').homedir(), '.local', 'share');
  return decodable(join(base, 'meds', 'regimen.yaml'), xdg && isAbsolute(xdg) ? '$XDG_DATA_HOME' : '$HOME');
}

/**
 * Node gives arguments and the environment as text decoded from UTF-8, each invalid byte as
 * U+FFFD, so a path holding such bytes cannot be opened by the name meds receives. Say so,
 * instead of "no regimen file" at a path that is not the one given (a name that really holds
 * U+FFFD, and exists, is used as it is).
 */
function decodable(path: string, from: string): string {
  if (!path.includes('\uFFFD') || existsSync(path)) return path;
  throw usageError('undecodable-path', `the path from ${from} holds bytes that are not UTF-8 (shown as \uFFFD: ${JSON.stringify(path)}); meds cannot open it by that name`, 'rename the file or folder to a UTF-8 name, or reach it through a symbolic link with one');
}
