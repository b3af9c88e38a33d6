/**
 * The files `meds check` reads, one at a time (never a list of them all): each path named; a
 * folder searched for *.yaml and *.yml, recursively, in name order, not following links to
 * folders (a link loop would never end); `-` reads more paths from stdin, one a line.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REGIMEN_FILE = /\.ya?ml$/i;

export async function* checkPaths(args: readonly string[], stdin: () => AsyncIterable<string> = stdinLines): AsyncGenerator<string> {
  for (const a of args) {
    if (a === '-') {
      for await (const line of stdin()) {
        const p = line.replace(/\r$/, '');
        if (p !== '') yield* expand(p);
      }
    } else yield* expand(a);
  }
}

function* expand(path: string): Generator<string> {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    // Not there or not readable: checkFile makes it a finding.
  }
  if (dir) yield* walk(path);
  else yield path;
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    yield dir; // (checkFile says why it cannot be read)
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (REGIMEN_FILE.test(e.name) && (e.isFile() || e.isSymbolicLink())) yield p;
  }
}

async function* stdinLines(): AsyncGenerator<string> {
  const rl = createInterface({ input: createReadStream('', { fd: 0, autoClose: false }), crlfDelay: Infinity });
  for await (const line of rl) yield line;
}
