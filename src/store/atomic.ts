/**
 * Atomic replacement of the regimen file: write a temporary file next to the
 * target, fsync it, rename it over the target, fsync the directory. A reader
 * (or a crash) sees either the old file or the new one, never a mix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, MedsError } from '../errors.js';

/**
 * The file a write to `file` must replace: the end of a symlink chain, so
 * the link itself survives. A dangling link is followed by hand (realpath
 * fails on it) so the missing target is created instead of the link replaced.
 */
export function resolveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    let p = file;
    for (let hops = 0; hops < 40; hops++) {
      let next: string;
      try {
        next = fs.readlinkSync(p);
      } catch {
        return p; // not a link (or not there): this is the file
      }
      p = path.resolve(path.dirname(p), next);
    }
    throw Object.assign(new Error(`too many levels of symbolic links: ${file}`), { code: 'ELOOP' });
  }
}

/** Whether a process with this pid exists (EPERM: it does, but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) !== 'ESRCH';
  }
}

/**
 * Crash-test hook. MEDS_FAULT=<step> kills this process with SIGKILL at that
 * step, so tests can check what a crash there leaves behind. Steps:
 * before-temp, after-temp-write (data written and fsynced, not yet closed),
 * before-rename, after-rename.
 */
function fault(step: string): void {
  if (process.env.MEDS_FAULT === step) process.kill(process.pid, 'SIGKILL');
}

const tempPrefix = (target: string) => `.${path.basename(target)}.meds-`;

export interface WriteOptions {
  /**
   * Called once the temporary file is durable, just before the rename: false when the file was
   * changed by someone else since it was read; the rename is then not made, nothing is written,
   * and writeFileAtomicSync returns false. The later it is asked, the smaller the window in which
   * another program's save can still be overwritten (docs/reliability.md, "the window left").
   */
  unchanged?: () => boolean;
}

/**
 * Write `content` (text, or bytes in parts) to `file` atomically, keeping the file's mode, owner
 * and group. True when written; false when `opts.unchanged` said the file changed meanwhile.
 */
export function writeFileAtomicSync(file: string, content: string | Buffer[], opts: WriteOptions = {}): boolean {
  let tmp: string | undefined;
  let fd: number | undefined;
  let replaced = false;
  try {
    const target = resolveTarget(file);
    const dir = path.dirname(target);
    const old = existing(target);
    if (old && old.nlink > 1) throw hardLinked(file, old.nlink);
    const mode = old?.mode ?? 0o600; // new file: health data, owner only
    fault('before-temp');
    // The name need not be secret: 'wx' (O_CREAT|O_EXCL) neither reuses nor follows what is there;
    // a name taken (by a run with the same pid, long ago) is followed by another.
    for (let attempt = 0; fd === undefined; attempt++) {
      const name = path.join(dir, `${tempPrefix(target)}${process.pid}-${Math.floor(Math.random() * 2 ** 48).toString(16).padStart(12, '0')}.tmp`);
      try {
        fd = fs.openSync(name, 'wx', mode);
      } catch (err) {
        if (errno(err) === 'EEXIST' && attempt < 10) continue;
        throw err;
      }
      tmp = name; // only now is it ours to remove
    }
    if (old) keepOwner(fd, old, file);
    fs.fchmodSync(fd, mode); // the mode given to open is masked by the umask (and chown clears set-id bits)
    if (typeof content === 'string') fs.writeFileSync(fd, content); // loops until every byte is written
    else for (const part of content) fs.writeFileSync(fd, part); // each appended at the file position
    fs.fsyncSync(fd);
    fault('after-temp-write');
    fs.closeSync(fd);
    fd = undefined;
    fault('before-rename');
    if (opts.unchanged && !opts.unchanged()) {
      fs.unlinkSync(tmp!);
      tmp = undefined;
      return false;
    }
    fs.renameSync(tmp!, target);
    tmp = undefined;
    replaced = true;
    fault('after-rename');
    fsyncDir(dir);
    return true;
  } catch (err) {
    if (fd !== undefined) ignore(() => fs.closeSync(fd!));
    if (tmp !== undefined) ignore(() => fs.unlinkSync(tmp!));
    if (err instanceof MedsError) throw err;
    throw writeError(file, err, replaced);
  }
}

interface Existing {
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
}

function existing(target: string): Existing | undefined {
  try {
    const st = fs.statSync(target);
    return { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, nlink: st.nlink };
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The new file gets the old one's owner and group: a rename puts a file made by this process in
 * its place, and that would be ours (root's, for a root run on another user's file, locking its
 * owner out; or our primary group instead of a shared one). Where the system does not let us
 * give it away (not root, or not a member of the group), nothing is written: a file its owner can
 * no longer open is worse than a refused write.
 */
function keepOwner(fd: number, old: Existing, file: string): void {
  const st = fs.fstatSync(fd);
  if (st.uid === old.uid && st.gid === old.gid) return;
  try {
    fs.fchownSync(fd, old.uid, old.gid);
  } catch (err) {
    if (errno(err) !== 'EPERM' && errno(err) !== 'EINVAL') throw err;
    const what = st.uid !== old.uid ? `its owner (uid ${old.uid})` : `its group (gid ${old.gid})`;
    throw new MedsError('owner', `could not write ${file}: the new file could not keep ${what}; the original file is unchanged`, {
      exitCode: EXIT.cantWrite,
      hint: st.uid !== old.uid ? `Run meds as the file's owner (uid ${old.uid}).` : `Run meds as a member of group ${old.gid}, or change the file's group (chgrp).`,
      cause: err,
    });
  }
}

/**
 * A file with other hard links: replacing it by rename would split them (the other names would
 * keep the old content, silently). meds refuses rather than do that.
 */
function hardLinked(file: string, nlink: number): MedsError {
  return new MedsError('hard-link', `could not write ${file}: it has ${nlink} hard links, and replacing it would leave the other ${nlink - 1 === 1 ? 'name' : 'names'} with the old content; the original file is unchanged`, {
    exitCode: EXIT.cantWrite,
    hint: 'Keep one name for the file (use a symbolic link for the others: meds writes through symbolic links).',
  });
}

/**
 * A temporary file this old is abandoned even if a process with its pid runs: a write takes
 * seconds at most, and a pid is reused (after a reboot, most of all). Were its writer alive after
 * all (stopped for an hour), its rename fails and it reports that the original is unchanged.
 */
const TEMP_ABANDONED_MS = 60 * 60 * 1000;

/** Removes temporary files of `file` left by runs that crashed (their pid is gone, or they are old). Never throws. */
export function cleanStaleTemps(file: string): void {
  ignore(() => {
    const target = resolveTarget(file);
    const dir = path.dirname(target);
    const prefix = tempPrefix(target);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
      const pid = Number(m?.[1]);
      if (m && pid > 0 && (!pidAlive(pid) || isOlderThan(path.join(dir, name), TEMP_ABANDONED_MS))) ignore(() => fs.unlinkSync(path.join(dir, name)));
    }
  });
}

function isOlderThan(p: string, ms: number): boolean {
  try {
    return Date.now() - fs.lstatSync(p).mtimeMs > ms;
  } catch {
    return false;
  }
}

/** Makes the rename durable. Some platforms and file systems cannot open or fsync a directory; that is not an error. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (err) {
    if (['EISDIR', 'EPERM', 'EINVAL'].includes(errno(err) ?? '')) return;
    throw err;
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL'].includes(errno(err) ?? '')) throw err;
  } finally {
    fs.closeSync(fd);
  }
}

function writeError(file: string, err: unknown, replaced: boolean): MedsError {
  const code = errno(err);
  const [reason, hint] =
    code === 'ENOSPC'
      ? ['the disk is full', 'Free some disk space and try again.']
      : code === 'EDQUOT'
        ? ['your disk quota is exhausted', 'Free some space within your quota and try again.']
        : code === 'EROFS'
          ? ['the file system is read-only', 'Keep the regimen file on a writable file system.']
          : code === 'EACCES' || code === 'EPERM'
            ? ['permission denied', `Check that you may write ${file} and its folder.`]
            : [err instanceof Error ? err.message : String(err), `Check that the folder of ${file} exists and is writable.`];
  const outcome = replaced
    ? 'the new content is in place but may not survive a power loss'
    : 'the original file is unchanged';
  return new MedsError('write-failed', `could not write ${file}: ${reason}; ${outcome}`, {
    exitCode: EXIT.cantWrite,
    hint,
    cause: err,
  });
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function ignore(f: () => void): void {
  try {
    f();
  } catch {
    // best effort: the caller is already reporting or tolerating a failure
  }
}
