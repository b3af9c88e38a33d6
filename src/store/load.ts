/**
 * The one entry point for reading the regimen file (the work is in load-bytes.ts, load-head.ts,
 * load-log.ts and load-parse.ts): locate it, read it, parse it (the fast log path, or the general
 * YAML parser for a file in another shape), validate it, and keep what a later edit needs (the text,
 * the parsed head with its source ranges, the log block). Commands read with loadRegimen; an edit
 * reads the file itself and parses it with parseRegimen (transaction.ts).
 */
import { loadRegimen as load, parseRegimen as parse, type Loaded, type LoadOptions, type ReadLoaded } from './load-parse.js';

export type { Loaded, LoadOptions, ReadLoaded } from './load-parse.js';
export { invalid, MAX_FULL_PARSE, MAX_TEXT, readSnapshot, sameStamp, stampOf, tooLarge, type FileStamp } from './load-bytes.js';
export { docLocator } from './load-head.js';
export { checkAppendedLine } from './load-log.js';

/** Read and check a regimen file for a command that does not write it. */
export function loadRegimen(path: string, opts: LoadOptions = {}): ReadLoaded {
  return load(path, { logFrom: opts.logFrom, columns: opts.columns });
}

/** Parse and validate regimen text. Throws MedsError (exit 65) when it is invalid. */
export function parseRegimen(text: string, path: string, opts: LoadOptions = {}): Loaded {
  return parse(text, path, { logFrom: opts.logFrom, columns: opts.columns });
}
