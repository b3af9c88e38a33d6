/**
 * Read-modify-write under the lock. The change is computed from the file as
 * read; the result is parsed and validated before anything is written (an
 * invalid file is never written). Another program (an editor) does not take our
 * lock, so once the new file is durable, just before the atomic rename, the file
 * is compared with the version read (unchangedSince); if someone changed it
 * meanwhile the whole change is recomputed from the new content.
 */
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, MedsError } from '../errors.js';
import { acquireLock } from './lock.js';
import { cleanStaleTemps, writeFileAtomicSync } from './atomic.js';
import { checkAppendedLine, invalid, MAX_TEXT, parseRegimen, readSnapshot, sameStamp, stampOf, tooLarge, type FileStamp, type LoadOptions, type Loaded } from './load.js';

export interface Change<T> {
  text: string; // the new file text
  result: T;
  /**
   * Set when the change is one log line inserted at the end of a fast-path log block and
   * nothing else: then that line alone is checked instead of re-reading the whole file.
   */
  appendedLine?: string;
  /** Checks on the file as it will be written (parsed and validated); throw to refuse. */
  verify?: (after: Loaded) => void;
}

const MAX_ATTEMPTS = 5;

export function mutate<T>(path: string, plan: (l: Loaded) => Change<T>, opts: LoadOptions = {}): T {
  cleanStaleTemps(path);
  const release = acquireLock(path);
  try {
    for (let attempt = 1; ; attempt++) {
      const readAt = BigInt(Date.now()) * 1_000_000n; // (before the read: see unchangedSince)
      const { text: before, stamp, ascii } = readSnapshot(path);
      const loaded = parseRegimen(before, path, opts);
      const change = plan(loaded);
      let after: Loaded | undefined;
      try {
        if (change.appendedLine !== undefined && loaded.logBlock) {
          const problems = checkAppendedLine(loaded, change.appendedLine);
          if (problems.length) throw invalid(path, problems);
        } else after = parseRegimen(change.text, path, opts);
        // Within the cap, in bytes, as a read counts it: never a file meds would refuse to read (review
        // finding: a line appended to a file just under 64 MB made it unreadable, undo included).
        // (UTF-8 takes at most 3 bytes a character: a shorter text needs no count.)
        if (change.text.length * 3 > MAX_TEXT) {
          const bytes = ascii && change.appendedLine !== undefined ? ascii.length + Buffer.byteLength(change.appendedLine, 'utf8') : Buffer.byteLength(change.text, 'utf8');
          if (bytes > MAX_TEXT) throw tooLarge(path);
        }
      } catch (err) {
        // The file was valid before: the change is what is wrong. Nothing is written.
        if (err instanceof MedsError && err.code === 'invalid') {
          const first = err.problems?.find((p) => p.severity === 'error');
          throw new MedsError('invalid-change', `this change would make the file invalid (${first?.message ?? err.message}); nothing was written`, { exitCode: EXIT.usage, hint: first?.hint });
        }
        throw err;
      }
      if (after) change.verify?.(after);
      if (process.env.MEDS_TEST_HOOK_BEFORE_WRITE) runTestHook(process.env.MEDS_TEST_HOOK_BEFORE_WRITE);
      // A line added at the very end of an ASCII file: the bytes read, then the line (the same
      // content as change.text, without encoding megabytes of text again).
      const pureAppend = ascii && change.appendedLine !== undefined && loaded.logBlock?.lastEntryEnd === before.length && change.text.length === before.length + change.appendedLine.length;
      const content = pureAppend ? [ascii, Buffer.from(change.appendedLine!, 'utf8')] : change.text;
      if (!writeFileAtomicSync(path, content, { unchanged: () => unchangedSince(path, stamp, readAt, () => ascii ?? Buffer.from(before, 'utf8')) })) {
        if (attempt < MAX_ATTEMPTS) continue;
        throw new MedsError('changed', `${path} kept changing while meds was writing it; nothing was written`, {
          exitCode: EXIT.locked,
          hint: 'close the editor that is saving it, then try again',
        });
      }
      return change.result;
    }
  } finally {
    release();
  }
}

/**
 * Within this of the read, a file's times can hide a change: a file system stamps times from a
 * clock that ticks every few milliseconds (or every second or two: FAT, some network file
 * systems), so a same-size save in the tick of the read leaves the stamp as it was.
 */
const RACY_NS = 2_000_000_000n;

/**
 * Whether the file at `path` is still the version read: the same stamp (device, inode, size,
 * modification and change times in ns), and, when it was modified so shortly before the read
 * that its times cannot tell (RACY_NS, as git's "racily clean" entries), the same bytes. The stat
 * comes last: what is left unguarded is the time between it and the rename (docs/reliability.md).
 */
function unchangedSince(path: string, stamp: FileStamp, readAt: bigint, bytesRead: () => Buffer): boolean {
  try {
    if (stamp.mtimeNs + RACY_NS >= readAt || stamp.ctimeNs + RACY_NS >= readAt) {
      if (statSync(path, { bigint: true }).size !== stamp.size || !readFileSync(path).equals(bytesRead())) return false;
    }
    return sameStamp(stampOf(path), stamp);
  } catch {
    return false; // gone, or unreadable now: not the version read (the retry's read says why)
  }
}

/** Create a new file (refuses to replace one unless `force`). */
export function create(path: string, text: string, force: boolean): void {
  parseRegimen(text, path); // never write an invalid file
  if (!existsSync(dirname(path))) {
    throw new MedsError('no-folder', `the folder ${dirname(path)} does not exist`, { exitCode: EXIT.cantWrite, hint: 'create it first (mkdir -p)' });
  }
  cleanStaleTemps(path); // an init killed mid-write left its temporary file
  const release = acquireLock(path);
  try {
    if (existsSync(path) && !force) {
      throw new MedsError('exists', `${path} already exists`, { exitCode: EXIT.usage, hint: 'use --force to replace it, or --file to choose another path' });
    }
    refuseNonRegular(path);
    writeFileAtomicSync(path, text);
  } finally {
    release();
  }
}

/**
 * --force replaces a regular file (or the regular file a symlink leads to), nothing else: as root,
 * `--file /dev/null` would otherwise replace the system's device node with a regimen file.
 */
function refuseNonRegular(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // nothing there (or a dangling link, whose target is created): nothing to replace
  }
  if (st.isFile()) return;
  const kind = st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  throw new MedsError('not-regular', `${path} is ${kind}, not a regular file; init --force replaces only a regular file, so nothing was written`, {
    exitCode: EXIT.cantWrite,
    hint: 'choose the regimen file\'s path with --file',
  });
}

/**
 * Test hook (used by test/store/transaction.test.ts and the reliability suite):
 * runs a shell-free action between computing a change and writing it, to
 * simulate an editor saving the file at the worst moment. Format "append:PATH:TEXT" (once).
 */
function runTestHook(spec: string): void {
  const [kind, file, ...rest] = spec.split(':');
  if (kind !== 'append' || !file) return;
  const marker = `${file}.hooked`;
  if (existsSync(marker)) return;
  writeFileSync(marker, '');
  appendFileSync(file, rest.join(':'));
}
