/** Entry point for the benchmark's in-process case (bench/run.mjs): read, validate and build the whole file. */
import { loadRegimen } from './load.js';

export async function loadFile(path: string) {
  return loadRegimen(path);
}
