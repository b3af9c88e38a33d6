/**
 * Reading the file's bytes (bounded: only a regular file, at most MAX_TEXT), what identifies the
 * version read (FileStamp), and the errors that refuse a file (exit 65).
 */
import { isAscii } from 'node:buffer';
import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { EXIT, MedsError, type Problem } from '../errors.js';
import { utf8Problem } from './utf8.js';

/**
 * The largest file the general YAML parser is given: it holds the whole document as nodes, some
 * hundred bytes of memory for each byte of the file. Every file meds writes is read by the fast path
 * at any size (up to MAX_TEXT); a file in another shape (its log written as a flow list, say) only up
 * to this size.
 */
export const MAX_FULL_PARSE = 1024 * 1024;

/** What identifies one version of the file on disk: a write (ours or an editor's) changes it. */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function stampOf(path: string): FileStamp {
  const st = statSync(path, { bigint: true });
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Read the file, with the stamp taken before reading (so a change during or after the read shows).
 * `ascii`: the bytes, when they are plain ASCII (the text is then exactly their characters, so a
 * write can reuse them instead of encoding the text again).
 */
export function readSnapshot(path: string): { text: string; stamp: FileStamp; ascii?: Buffer } {
  try {
    // Only a regular file of bounded size is read: a device such as /dev/zero never ends.
    const st = statSync(path, { bigint: true });
    if (!st.isFile() && !st.isDirectory()) throw new MedsError('read-failed', `${path} is not a regular file`, { exitCode: EXIT.ioError, hint: 'point --file or $MEDS_FILE at a regimen file' });
    if (st.size > BigInt(MAX_TEXT)) throw tooLarge(path);
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    const buf = st.size > 0n ? readFileSync(path) : readUnsized(path);
    if (buf.length > MAX_TEXT) throw tooLarge(path);
    // Most files are plain ASCII: decoding them as Latin-1 gives the same string, faster.
    if (isAscii(buf)) return { text: buf.toString('latin1'), stamp, ascii: buf };
    const bad = utf8Problem(buf); // (never decoded with replacements: a write would rewrite those bytes)
    if (bad) throw invalid(path, [bad]);
    return { text: buf.toString('utf8'), stamp };
  } catch (err) {
    if (err instanceof MedsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MedsError('missing', `no regimen file at ${path}`, { exitCode: EXIT.missing, hint: 'create one with `meds init`, or point at one with --file or $MEDS_FILE', cause: err });
    if (code === 'EISDIR') throw new MedsError('read-failed', `${path} is a folder, not a regimen file`, { exitCode: EXIT.ioError, cause: err });
    throw new MedsError('read-failed', `cannot read ${path}: ${(err as Error).message}`, { exitCode: EXIT.ioError, hint: code === 'EACCES' || code === 'EPERM' ? `check that you may read ${path} (ls -l)` : undefined, cause: err });
  }
}

/**
 * A file that says it has no size (as those in /proc do) read to its end, or to one byte past the
 * cap: readFileSync would read such a file until it ends, and /proc/self/pagemap holds gigabytes
 * (review finding: `--file /proc/self/pagemap` hung).
 */
function readUnsized(path: string): Buffer {
  // (Non-blocking: a size-0 file that waits for data, such as /proc/kmsg, fails instead of waiting.)
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= MAX_TEXT) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

export function tooLargeForParser(path: string): MedsError {
  return invalid(path, [
    {
      severity: 'error',
      code: 'too-large',
      path: [],
      message: `the file is larger than ${MAX_FULL_PARSE / 1024 / 1024} MB and not in the shape meds reads line by line`,
      hint: 'keep the log as meds writes it, one `- { at: ..., med: ..., status: ... }` entry per line, after the other keys (docs/reliability.md)',
      pos: { file: path, line: 1, col: 1 },
    },
  ]);
}

/** The cap counts bytes, as the file holds them (a file meds writes, it must be able to read again). */
export function tooLarge(path: string): MedsError {
  return invalid(path, [{ severity: 'error', code: 'too-large', path: [], message: `the file is larger than ${MAX_TEXT / 1024 / 1024} MB`, pos: { file: path, line: 1, col: 1 } }]);
}

export const MAX_TEXT = 64 * 1024 * 1024;

export function invalid(path: string, problems: Problem[]): MedsError {
  // In file order, so the headline is the first problem in the file whichever path found it.
  const at = (p: Problem) => (p.pos ? p.pos.line * 1e6 + p.pos.col : 0);
  problems = [...problems].sort((a, b) => at(a) - at(b));
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems[0];
  for (const p of problems) if (p.pos && !p.pos.file) p.pos.file = path;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new MedsError('invalid', `${path} is not a valid regimen file: ${first?.message ?? 'unknown problem'}${more}`, {
    exitCode: EXIT.invalid,
    hint: first?.hint,
    pos: first?.pos,
    problems,
  });
}

