/**
 * Read-modify-write under the lock. The change is computed from the file as
 * read; the result is parsed and validated before anything is written (an
 * invalid file is never written). Another program (an editor) does not take our
 * lock, so once the new file is durable, just before the atomic rename, the file
 * is compared with the version read (unchangedSince); if someone changed it
 * meanwhile the whole change is recomputed from the new content.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync, writeFileSync, type BigIntStats } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, MedsError } from '../errors.js';
import { acquireLock } from './lock.js';
import { cleanStaleTemps, resolveTarget, writeFileAtomicSync } from './atomic.js';
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
      if (process.env.MEDS_TEST_HOOK_BEFORE_WRITE) runTestHook(process.env.MEDS_TEST_HOOK_BEFORE_WRITE, 'append');
      // A line added at the very end of an ASCII file: the bytes read, then the line (the same
      // content as change.text, without encoding megabytes of text again).
      const pureAppend = ascii && change.appendedLine !== undefined && loaded.logBlock?.lastEntryEnd === before.length && change.text.length === before.length + change.appendedLine.length;
      const content = pureAppend ? [ascii, Buffer.from(change.appendedLine!, 'utf8')] : change.text;
      const bytesRead = () => ascii ?? Buffer.from(before, 'utf8');
      // An open descriptor on the version checked: a program writing into the file in place after the
      // check (between it and the rename, or through a descriptor opened before the rename) writes
      // into that version, which the rename takes off the path but this descriptor still reads.
      let guard: number | undefined;
      try {
        const written = writeFileAtomicSync(path, content, {
          unchanged: () => {
            guard = openGuard(path, stamp);
            const same = guard !== undefined && unchangedSince((bigint) => statSync(path, { bigint }), () => readFileSync(path), stamp, readAt, bytesRead, true);
            if (same && process.env.MEDS_TEST_HOOK_BEFORE_WRITE) runTestHook(process.env.MEDS_TEST_HOOK_BEFORE_WRITE, 'late-append');
            return same;
          },
        });
        if (!written) {
          if (attempt < MAX_ATTEMPTS) continue;
          throw new MedsError('changed', `${path} kept changing while meds was writing it; nothing was written`, {
            exitCode: EXIT.locked,
            hint: 'close the editor that is saving it, then try again',
          });
        }
        // The replaced version was written to after the check: its bytes are the editor's save.
        // Put that save back in place of ours and make the change again on top of it.
        if (guard !== undefined && !unchangedSince((bigint) => fstatSync(guard!, { bigint }), () => readFileSync(guard!), stamp, readAt, bytesRead, false)) {
          restoreLateSave(path, readAll(guard));
          if (attempt < MAX_ATTEMPTS) continue;
          throw new MedsError('changed', `${path} kept changing while meds was writing it; nothing was written`, {
            exitCode: EXIT.locked,
            hint: 'close the editor that is saving it, then try again',
          });
        }
      } finally {
        if (guard !== undefined) closeSync(guard);
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
 * Whether a file is still the version read: the same size and modification time in ns (and, looking
 * at the path, the same device, inode and change time), and, when it was modified so shortly before
 * the read that its times cannot tell (RACY_NS, as git's "racily clean" entries), the same bytes.
 * On the path, the stat comes last: what is left unguarded is the time between it and the rename
 * (docs/reliability.md). On the descriptor of a version our rename replaced, the change time is not
 * compared: the rename itself changes it (the link count drops).
 */
function unchangedSince(stat: (bigint: true) => BigIntStats, bytes: () => Buffer, stamp: FileStamp, readAt: bigint, bytesRead: () => Buffer, onPath: boolean): boolean {
  try {
    if (stamp.mtimeNs + RACY_NS >= readAt || stamp.ctimeNs + RACY_NS >= readAt) {
      if (stat(true).size !== stamp.size || !bytes().equals(bytesRead())) return false;
    }
    const st = stat(true);
    if (st.dev !== stamp.dev || st.ino !== stamp.ino || st.size !== stamp.size || st.mtimeNs !== stamp.mtimeNs) return false;
    return !onPath || st.ctimeNs === stamp.ctimeNs;
  } catch {
    return false; // gone, or unreadable now: not the version read (the retry's read says why)
  }
}

/** A descriptor on the file at `path` when it is still the inode read, else undefined. */
function openGuard(path: string, stamp: FileStamp): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const st = fstatSync(fd, { bigint: true });
  if (st.dev === stamp.dev && st.ino === stamp.ino) return fd;
  closeSync(fd);
  return undefined;
}

function readAll(fd: number): Buffer {
  const size = Number(fstatSync(fd).size);
  if (size > MAX_TEXT) throw new MedsError('changed', 'a save made while meds was writing is larger than a regimen file may be', { exitCode: EXIT.locked });
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/**
 * Puts back a save that landed in the version our rename replaced, in place of what we wrote, when
 * the path still holds what we wrote. If yet another save replaced it meanwhile, the late save is
 * kept beside the file, and the command stops saying where: an edit is never dropped in silence.
 */
function restoreLateSave(path: string, theirs: Buffer): void {
  const ours = stampOf(path);
  const restored = writeFileAtomicSync(path, [theirs], { unchanged: () => {
    try {
      return sameStamp(stampOf(path), ours);
    } catch {
      return false;
    }
  } });
  if (restored) return;
  const aside = `${resolveTarget(path)}.meds-saved-${process.pid}`;
  writeFileSync(aside, theirs, { mode: 0o600, flag: 'wx' });
  throw new MedsError('changed', `${path} was saved by two other programs while meds was writing it; one of those saves is kept in ${aside}`, {
    exitCode: EXIT.locked,
    hint: `compare ${aside} with ${path}, keep what you need, then run the command again`,
  });
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
 * Test hook (used by test/store/transaction.test.ts and the reliability suite): a shell-free action
 * that simulates an editor saving the file at the worst moment. "append:PATH:TEXT" appends between
 * computing a change and writing it; "late-append:PATH:TEXT" appends after the last check, just
 * before the rename (the window docs/reliability.md describes). Once per marker file.
 */
function runTestHook(spec: string, when: 'append' | 'late-append'): void {
  const [kind, file, ...rest] = spec.split(':');
  if (kind !== when || !file) return;
  const marker = `${file}.hooked`;
  if (existsSync(marker)) return;
  writeFileSync(marker, '');
  appendFileSync(file, rest.join(':'));
}
