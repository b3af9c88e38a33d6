/**
 * An advisory lock around the read-modify-write of the regimen file: the file
 * `<file>.lock`, created exclusively, naming its owner (pid, host, and, where
 * /proc tells them, the process's start time and the boot's id). A lock whose
 * owner is gone on this host is taken over: a dead pid, or a live pid that is
 * another process than the one that wrote the lock (a pid reused after the
 * owner died, or after a reboot). A lock from another host never is (we cannot
 * tell whether its pid is alive).
 *
 * Waiters queue: each takes a ticket (`<file>.lock.q-<arrival>-<pid>`) and
 * only the first live ticket tries for the lock, so a burst is served in order
 * of arrival and no waiter is passed over until its timeout.
 *
 * Everything found at these paths is read without following links, without
 * blocking, and at most MAX_LOCK_BYTES of it: a FIFO, a device or a link put
 * there is refused at once, never waited on or read without end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT, MedsError } from '../errors.js';
import { pidAlive, resolveTarget } from './atomic.js';
import { requireLazily } from '../lazy.js';

/** This host's name (node:os is loaded only by commands that write). */
const hostname = (): string => requireLazily<typeof import('node:os')>('node:os').hostname();

/** A lock (or break lock) this old without a readable owner was left by a crash. */
const STALE_MS = 10_000;
/** An owner record is under 200 bytes; more is not a lock meds wrote, and is not read. */
const MAX_LOCK_BYTES = 512;

/**
 * How often a waiter looks: the first (it tries for the lock) and the second (the sooner it sees
 * it is first, the shorter the hand-over) every few milliseconds; the others less often the
 * further back they are, so that 40 waiters polling do not take the CPU the holder needs (a
 * turn takes some 10-50 ms on a busy machine; docs/reliability.md).
 */
const HEAD_POLL_MS = 3;
const POLL_PER_PLACE_MS = 10;
const MAX_POLL_MS = 200;

interface Seen {
  text: string;
  ino: number;
  mtimeMs: number;
}

interface Owner {
  pid: number;
  host: string;
  createdAt: string;
  /** The owner's start time, in clock ticks since boot (/proc/<pid>/stat field 22). */
  start?: string;
  /** /proc/sys/kernel/random/boot_id when the owner ran. */
  boot?: string;
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
  const queue = new Queue(lock);
  // Without waiters, straight to the lock; with waiters, behind them.
  let content = queue.empty() ? tryCreate(lock) : undefined;
  try {
    while (content === undefined) {
      queue.join();
      const ahead = queue.ahead();
      const first = ahead === 0;
      if (first) {
        content = tryCreate(lock);
        if (content !== undefined) break;
        if (breakIfStale(lock)) continue;
      }
      if (Date.now() >= deadline) throw lockedError(file, lock);
      // (Jitter keeps the waiters' looks apart.)
      sleep(ahead <= 1 ? HEAD_POLL_MS : Math.min(MAX_POLL_MS, POLL_PER_PLACE_MS * ahead) * (0.5 + Math.random()));
    }
  } finally {
    queue.leave();
  }
  removeIfAbandoned(`${lock}.break`); // a break lock left by a process killed while breaking

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    try {
      // Someone may have broken and retaken the lock; only remove our own.
      if (read(lock).text === content) fs.unlinkSync(lock);
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

/** This process as an owner record names it. */
function me(): string {
  return JSON.stringify({ pid: process.pid, host: hostname(), createdAt: new Date().toISOString(), ...identity() });
}

let ownIdentity: { start?: string; boot?: string } | undefined;
function identity(): { start?: string; boot?: string } {
  if (!ownIdentity) {
    const start = startTime(process.pid);
    const boot = bootId();
    ownIdentity = { ...(start ? { start } : {}), ...(boot ? { boot } : {}) };
  }
  return ownIdentity;
}

/**
 * A process's start time in clock ticks since boot, field 22 of /proc/<pid>/stat; undefined
 * where there is no /proc (macOS) or the process is gone. Its name (field 2, in parentheses) may
 * hold spaces and parentheses, so the fields are counted from the last ')'.
 */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
    return field && /^\d+$/.test(field) ? field : undefined;
  } catch {
    return undefined;
  }
}

let ownBoot: string | null | undefined;
function bootId(): string | undefined {
  if (ownBoot === undefined) {
    try {
      ownBoot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() || null;
    } catch {
      ownBoot = null;
    }
  }
  return ownBoot ?? undefined;
}

/** Creates the lock; returns its content, or undefined if it already exists. */
function tryCreate(lock: string): string | undefined {
  const content = createExclusive(lock);
  if (content === undefined) refuseOdd(lock); // a FIFO, a device, a link or a folder there is no lock at all
  return content;
}

/**
 * Creates `p` (O_CREAT|O_EXCL: never through a link, never an existing file) naming this
 * process; its content, or undefined if something is already there.
 */
function createExclusive(p: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(p, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw lockError(p, err);
  }
  const content = me();
  try {
    // Not fsynced: the lock matters only while its owner runs. After a crash it is read as empty,
    // garbled or naming a dead pid, and each of those is taken over (isStale).
    fs.writeFileSync(fd, content);
    fs.closeSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(p, { force: true });
    throw lockError(p, err);
  }
  return content;
}

/**
 * Removes `lock` if its owner is gone; true if it did, so the caller retries
 * at once. Several processes may notice the same stale lock: the break lock
 * makes check-and-unlink one step, and the re-read under it keeps a process
 * that looked earlier from removing the new owner's lock.
 */
function breakIfStale(lock: string): boolean {
  const seen = tryRead(lock);
  if (!seen || !isStale(seen)) return false; // (gone: the next try will tell)
  const brk = `${lock}.break`;
  if (createExclusive(brk) === undefined) {
    // A break lock is held for microseconds; one whose owner is gone was left by a crash.
    // (Two processes removing the same abandoned one at the same instant could both go on;
    // that needs a crash inside this tiny window first.)
    removeIfAbandoned(brk);
    return false;
  }
  try {
    const now = tryRead(lock);
    if (!now || now.ino !== seen.ino || now.text !== seen.text || !isStale(now)) return false;
    fs.unlinkSync(lock);
    return true;
  } finally {
    fs.rmSync(brk, { force: true });
  }
}

/** Removes a break lock or a ticket whose owner is gone (or, unreadable, that is old); never throws. */
function removeIfAbandoned(p: string): boolean {
  const seen = tryRead(p, true);
  if (seen === undefined || !isStale(seen)) return false;
  try {
    fs.unlinkSync(p);
  } catch {
    // someone else removed it
  }
  return true;
}

function isStale(seen: Seen): boolean {
  const owner = parse(seen.text);
  // Empty or garbled: a crash between creating and writing it, once it is old enough.
  if (!owner) return Date.now() - seen.mtimeMs > STALE_MS;
  if (owner.host !== hostname()) return false;
  const { boot } = identity();
  if (owner.boot && boot && owner.boot !== boot) return true; // written before a reboot: its pid means nothing now
  if (!pidAlive(owner.pid)) return true;
  // Alive, but is it the owner? A pid is reused; the start time tells the processes apart.
  if (!owner.start) return false;
  const start = startTime(owner.pid);
  return start !== undefined && start !== owner.start;
}

/**
 * Reads a lock-like file: without following a link (O_NOFOLLOW), without waiting on a FIFO
 * (O_NONBLOCK), only a regular file, and at most MAX_LOCK_BYTES of it (a longer one reads as
 * garbled). Throws OddLock for anything else there; errno errors as they come.
 */
function read(p: string): Seen {
  const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new OddLock(kindOf(st));
    const buf = Buffer.alloc(MAX_LOCK_BYTES + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return { text: n > MAX_LOCK_BYTES ? '' : buf.toString('utf8', 0, n), ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

/** read, or undefined when it is gone or unreadable (not ours to break). `odd`: an odd file reads as undefined too. */
function tryRead(p: string, odd = false): Seen | undefined {
  try {
    return read(p);
  } catch (err) {
    if (err instanceof OddLock && !odd) throw lockRefused(p, err.kind);
    if ((err as NodeJS.ErrnoException).code === 'ELOOP' && !odd) throw lockRefused(p, 'a symbolic link');
    return undefined;
  }
}

/** Throws if what is at the lock path is not a regular file (then it is no lock, and never goes away). */
function refuseOdd(lock: string): void {
  tryRead(lock);
}

class OddLock extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

function kindOf(st: fs.Stats): string {
  return st.isFIFO() ? 'a FIFO' : st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
}

function lockRefused(lock: string, kind: string): MedsError {
  return new MedsError('lock-odd', `${lock} is ${kind}, not a lock file meds made; nothing was written`, {
    exitCode: EXIT.cantWrite,
    hint: `Remove ${lock} (no meds makes it), then try again.`,
  });
}

/**
 * The waiters of one lock, in order of arrival: ticket files beside it, named by the monotonic
 * clock (shared by every process of a host) and the pid. Tickets of another host are not
 * ordered against (their clocks differ); a ticket whose owner is gone is removed by whoever
 * finds it ahead of its own.
 */
class Queue {
  private readonly dir: string;
  private readonly prefix: string;
  private ticket?: string;
  private readonly leaveOnExit = () => this.leave();

  constructor(lock: string) {
    this.dir = path.dirname(lock);
    this.prefix = `${path.basename(lock)}.q-`;
  }

  private tickets(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => n.startsWith(this.prefix)).sort();
    } catch {
      return [];
    }
  }

  empty(): boolean {
    return this.tickets().length === 0;
  }

  join(): void {
    if (this.ticket) return;
    const name = `${this.prefix}${process.hrtime.bigint().toString().padStart(20, '0')}-${process.pid}`;
    if (createExclusive(path.join(this.dir, name)) === undefined) return; // (taken: try again next round)
    this.ticket = name;
    process.on('exit', this.leaveOnExit);
  }

  /**
   * How many tickets are ahead of ours: 0 when none (of this host) is, Infinity before joining.
   * Only a waiter at most second in line reads the front ticket (removing it if its owner is
   * gone): a ticket is checked when it reaches the front, and the others' looks stay cheap.
   */
  ahead(): number {
    if (!this.ticket) return Infinity;
    const before = this.tickets().filter((n) => n < this.ticket!);
    if (before.length > 2) return before.length;
    for (const [i, name] of before.entries()) {
      const p = path.join(this.dir, name);
      const seen = tryRead(p, true);
      const owner = seen && parse(seen.text);
      if (seen === undefined || (owner && owner.host !== hostname()) || removeIfAbandoned(p)) continue; // gone, foreign, or just removed
      return before.length - i;
    }
    return 0;
  }

  leave(): void {
    if (!this.ticket) return;
    process.removeListener('exit', this.leaveOnExit);
    fs.rmSync(path.join(this.dir, this.ticket), { force: true });
    this.ticket = undefined;
  }
}

function parse(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (Number.isInteger(o.pid) && o.pid! > 0 && typeof o.host === 'string' && typeof o.createdAt === 'string') {
      return { pid: o.pid!, host: o.host, createdAt: o.createdAt, ...(typeof o.start === 'string' ? { start: o.start } : {}), ...(typeof o.boot === 'string' ? { boot: o.boot } : {}) };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

function lockedError(file: string, lock: string): MedsError {
  let owner: Owner | undefined;
  try {
    owner = parse(read(lock).text);
  } catch {
    // gone meanwhile, or unreadable
  }
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
