/**
 * A `meds check` run over many files: each path checked (src/check/file.ts), on worker threads
 * across the cores (dist/check-worker.cjs) when there are more files than one batch, and each
 * result handed on in the order the paths came, as soon as it and those before it are done. Only
 * the batches in flight are held (at most a few per worker), so memory stays flat in the number
 * of files.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileResult } from '../core/check/finding.js';
import { checkFile, type FileCheckOptions } from './file.js';
import type { Batch, WorkerInit } from './worker.js';

export interface RunOptions extends FileCheckOptions {
  jobs: number;
  /** The --rules file (already read and checked): workers read it again. */
  rulesFile?: string;
}

/** Paths sent to a worker at a time: enough to make a message's cost small beside the checking. */
const BATCH = 16;
/** Batches each worker may have queued, so that it never waits for the main thread. */
const AHEAD = 2;
/** Each worker's heap: enough for a file at the size limit, small enough that a run's memory stays flat. */
const LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

/** The worker's file beside the bundle; absent when running from the TypeScript source (tests), where files are checked in this thread. */
function workerFile(): string | undefined {
  const f = join(typeof __dirname === 'string' ? __dirname : '.', 'check-worker.cjs');
  return existsSync(f) ? f : undefined;
}

export async function runCheck(paths: AsyncIterable<string>, opts: RunOptions, onResult: (r: FileResult) => void): Promise<void> {
  const it = paths[Symbol.asyncIterator]();
  const next = async (): Promise<string[]> => {
    const batch: string[] = [];
    while (batch.length < BATCH) {
      const r = await it.next();
      if (r.done) break;
      batch.push(r.value);
    }
    return batch;
  };
  const first = await next();
  const file = opts.jobs > 1 && first.length === BATCH ? workerFile() : undefined;
  if (!file) {
    // One thread: a short list, --jobs 1, or no worker file.
    for (let b = first; b.length; b = await next()) for (const p of b) onResult(checkFile(p, opts));
    return;
  }
  await inWorkers(file, first, next, opts, onResult);
}

async function inWorkers(file: string, first: string[], next: () => Promise<string[]>, opts: RunOptions, onResult: (r: FileResult) => void): Promise<void> {
  const init: WorkerInit = { nowText: opts.nowText, rulesFile: opts.rulesFile };
  const done = new Map<number, FileResult[]>(); // results that came before an earlier batch's
  const inFlight = new Map<Worker, Batch[]>();
  let seq = 0; // the next batch's number
  let emitted = 0; // the next batch to hand on
  let ended = false;
  let pending: string[] | undefined = first;
  let failure: unknown;

  await new Promise<void>((resolve, reject) => {
    let feeding = false;
    const finish = (err?: unknown) => {
      failure ??= err;
      if (failure !== undefined) reject(failure);
      else if (ended && emitted === seq) resolve();
    };
    const emit = (b: number, results: FileResult[]) => {
      done.set(b, results);
      for (let r = done.get(emitted); r; r = done.get(emitted)) {
        done.delete(emitted++);
        for (const x of r) onResult(x);
      }
    };
    const start = (): Worker => {
      const w = new Worker(file, { workerData: init, resourceLimits: LIMITS });
      inFlight.set(w, []);
      w.on('message', (m: { seq: number; results: FileResult[] }) => {
        const list = inFlight.get(w)!;
        list.splice(list.findIndex((b) => b.seq === m.seq), 1);
        emit(m.seq, m.results);
        void feed();
      });
      // A worker that failed (out of memory on a huge file): its batches are checked here, and a new
      // worker takes its place. Any other failure ends the run (after the results it had).
      const lost = (err: unknown) => {
        const batches = inFlight.get(w);
        if (!batches) return; // (already handled, or terminated at the end)
        inFlight.delete(w);
        try {
          for (const b of batches) emit(b.seq, b.paths.map((p) => checkFile(p, opts)));
        } catch (e) {
          return finish(e);
        }
        if ((err as NodeJS.ErrnoException)?.code !== 'ERR_WORKER_OUT_OF_MEMORY') return finish(err);
        start();
        void feed();
      };
      w.on('error', lost);
      w.on('exit', (code) => lost(new Error(`a check worker stopped (exit code ${code})`)));
      return w;
    };
    const leastBusy = (): Worker | undefined => {
      let w: Worker | undefined;
      for (const [x, list] of inFlight) if (list.length < AHEAD && (!w || list.length < inFlight.get(w)!.length)) w = x;
      return w;
    };
    const feed = async () => {
      if (feeding) return;
      feeding = true;
      try {
        for (;;) {
          // The least busy worker, if one may take another batch (and the results waiting to be handed on stay few).
          if (!leastBusy() || ended || seq - emitted >= opts.jobs * AHEAD * 2) break;
          const paths: string[] = pending ?? (await next());
          pending = undefined;
          if (!paths.length) {
            ended = true;
            break;
          }
          // (Chosen again: a worker may have been replaced while the paths were read.)
          const w = leastBusy();
          if (!w) {
            pending = paths;
            break;
          }
          const b: Batch = { seq: seq++, paths };
          inFlight.get(w)!.push(b);
          w.postMessage(b);
        }
        finish();
      } catch (err) {
        finish(err);
      } finally {
        feeding = false;
      }
    };
    for (let i = 0; i < opts.jobs; i++) start();
    void feed();
  }).finally(() => {
    const workers = [...inFlight.keys()];
    inFlight.clear(); // (their exit is the end of the run, not a failure)
    return Promise.all(workers.map((w) => w.terminate()));
  });
}
