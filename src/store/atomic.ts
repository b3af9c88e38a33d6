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

/** Write `content` (text, or bytes in parts) to `file` atomically. */
export function writeFileAtomicSync(file: string, content: string | Buffer[]): void {
  let tmp: string | undefined;
  let fd: number | undefined;
  let replaced = false;
  try {
    const target = resolveTarget(file);
    const dir = path.dirname(target);
    const mode = existingMode(target) ?? 0o600; // new file: health data, owner only
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
    fs.fchmodSync(fd, mode); // the mode given to open is masked by the umask
    if (typeof content === 'string') fs.writeFileSync(fd, content); // loops until every byte is written
    else for (const part of content) fs.writeFileSync(fd, part); // each appended at the file position
    fs.fsyncSync(fd);
    fault('after-temp-write');
    fs.closeSync(fd);
    fd = undefined;
    fault('before-rename');
    fs.renameSync(tmp!, target);
    tmp = undefined;
    replaced = true;
    fault('after-rename');
    fsyncDir(dir);
  } catch (err) {
    if (fd !== undefined) ignore(() => fs.closeSync(fd!));
    if (tmp !== undefined) ignore(() => fs.unlinkSync(tmp!));
    throw writeError(file, err, replaced);
  }
}

/** Removes temporary files of `file` left by runs that crashed (their pid is gone). Never throws. */
export function cleanStaleTemps(file: string): void {
  ignore(() => {
    const target = resolveTarget(file);
    const dir = path.dirname(target);
    const prefix = tempPrefix(target);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length));
      const pid = Number(m?.[1]);
      if (m && pid > 0 && !pidAlive(pid)) ignore(() => fs.unlinkSync(path.join(dir, name)));
    }
  });
}

function existingMode(target: string): number | undefined {
  try {
    return fs.statSync(target).mode & 0o7777;
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
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
