/**
 * A `meds check` run over many files: each path checked (src/check/file.ts) and its result handed
 * on in the order the paths came, as soon as it and those before it are done. Only the files in
 * flight are held, so memory stays flat in the number of files.
 */
import type { FileResult } from '../core/check/finding.js';
import { checkFile, type FileCheckOptions } from './file.js';

export interface RunOptions extends FileCheckOptions {
  jobs: number;
}

export async function runCheck(paths: AsyncIterable<string>, opts: RunOptions, onResult: (r: FileResult) => void): Promise<void> {
  for await (const p of paths) onResult(checkFile(p, opts));
}
