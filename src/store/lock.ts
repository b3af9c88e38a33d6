/**
 * An advisory lock around the read-modify-write of the regimen file: the file
 * `<file>.lock`, created exclusively, naming its owner. A lock whose owner
 * died on this host is taken over; a lock from another host never is (we
 * cannot tell whether its pid is alive).
 */
import * as fs from 'node:fs';
import { EXIT, MedsError } from '../errors.js';
import { pidAlive, resolveTarget } from './atomic.js';
import { requireLazily } from '../lazy.js';

/** This host's name (node:os is loaded only by commands that write). */
const hostname = (): string => requireLazily<typeof import('node:os')>('node:os').hostname();

/** A lock (or break lock) this old without a readable owner was left by a crash. */
const STALE_MS = 10_000;

interface Seen {
  text: string;
  ino: number;
  mtimeMs: number;
}

interface Owner {
  pid: number;
  host: string;
  createdAt: string;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

export function acquireLock(file: string, opts: { timeoutMs?: number } = {}): () => void {
  let lock = `${file}.lock`;
  try {
    lock = `${resolveTarget(file)}.lock`;
  } catch (err) {
    throw lockError(lock, err); // a symlink loop
  }
  const deadline = Date.now() + (opts.timeoutMs ?? defaultTimeout());
  let content: string | undefined;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    content = tryCreate(lock);
    if (content !== undefined) break;
    if (breakIfStale(lock)) continue;
    if (Date.now() >= deadline) throw lockedError(file, lock);
    sleep(Math.min(100, delay * (0.5 + Math.random()))); // jitter keeps waiters from retrying in step
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      // Someone may have broken and retaken the lock; only remove our own.
      if (fs.readFileSync(lock, 'utf8') === content) fs.unlinkSync(lock);
    } catch {
      // already gone, or not removable: a lock naming a dead pid is taken over later
    }
  };
  process.on('exit', release);
  return release;
}

function defaultTimeout(): number {
  const env = process.env.MEDS_LOCK_TIMEOUT_MS;
  const ms = Number(env);
  // 30 s: a burst of 32 cold starts on a loaded 2-core machine once needed more than 10 s (docs/reliability.md).
  return env && Number.isFinite(ms) && ms >= 0 ? ms : 30_000;
}

/** Creates the lock; returns its content, or undefined if it already exists. */
function tryCreate(lock: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw lockError(lock, err);
  }
  const content = JSON.stringify({ pid: process.pid, host: hostname(), createdAt: new Date().toISOString() });
  try {
    // Not fsynced: the lock matters only while its owner runs. After a crash it is read as empty,
    // garbled or naming a dead pid, and each of those is taken over (isStale).
    fs.writeFileSync(fd, content);
    fs.closeSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
    throw lockError(lock, err);
  }
  return content;
}

/**
 * Removes `lock` if its owner is dead; true if it did, so the caller retries
 * at once. Several processes may notice the same stale lock: the break lock
 * makes check-and-unlink one step, and the re-read under it keeps a process
 * that looked earlier from removing the new owner's lock.
 */
function breakIfStale(lock: string): boolean {
  const seen = read(lock);
  if (!seen || !isStale(seen)) return false; // (gone: the next try will tell)
  const brk = `${lock}.break`;
  try {
    fs.closeSync(fs.openSync(brk, 'wx', 0o600));
  } catch (err) {
    // A break lock is held for microseconds; an old one was left by a crash.
    // (Two processes removing the same old one at the same instant could both
    // go on; that needs a crash inside this tiny window first.)
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isOld(brk)) {
      try {
        fs.unlinkSync(brk);
      } catch {
        // someone else removed it
      }
    }
    return false;
  }
  try {
    const now = read(lock);
    if (!now || now.ino !== seen.ino || now.text !== seen.text || !isStale(now)) return false;
    fs.unlinkSync(lock);
    return true;
  } finally {
    fs.rmSync(brk, { force: true });
  }
}

function isStale(seen: Seen): boolean {
  const owner = parse(seen.text);
  // Empty or garbled: a crash between creating and writing it, once it is old enough.
  if (!owner) return Date.now() - seen.mtimeMs > STALE_MS;
  return owner.host === hostname() && !pidAlive(owner.pid);
}

function isOld(p: string): boolean {
  try {
    return Date.now() - fs.statSync(p).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

function read(lock: string): Seen | undefined {
  try {
    const st = fs.statSync(lock);
    return { text: fs.readFileSync(lock, 'utf8'), ino: st.ino, mtimeMs: st.mtimeMs };
  } catch {
    return undefined; // gone, or unreadable: either way not ours to break
  }
}

function parse(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (Number.isInteger(o.pid) && o.pid! > 0 && typeof o.host === 'string' && typeof o.createdAt === 'string') {
      return o as Owner;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

function lockedError(file: string, lock: string): MedsError {
  const owner = parse(read(lock)?.text ?? '');
  const who = owner
    ? `another meds (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, since ${owner.createdAt})`
    : 'another meds';
  return new MedsError('locked', `${who} is using ${file}`, {
    exitCode: EXIT.locked,
    hint: `Try again in a moment; if no meds is running, remove ${lock}`,
  });
}

function lockError(lock: string, err: unknown): MedsError {
  return new MedsError('lock-failed', `could not create the lock file ${lock}: ${(err as Error).message}`, {
    exitCode: EXIT.cantWrite,
    hint: 'Check that the folder of the regimen file exists and is writable.',
    cause: err,
  });
}
