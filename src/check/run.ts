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
  const workers = Array.from({ length: opts.jobs }, () => new Worker(file, { workerData: init }));
  const done = new Map<number, FileResult[]>(); // results that came before an earlier batch's
  const inFlight = new Map<Worker, number>();
  let seq = 0; // the next batch's number
  let emitted = 0; // the next batch to hand on
  let ended = false;
  let pending: string[] | undefined = first;

  try {
    await new Promise<void>((resolve, reject) => {
      let feeding = false;
      const feed = async () => {
        if (feeding) return;
        feeding = true;
        try {
          for (;;) {
            // The least busy worker, if it may take another batch (and the results waiting to be handed on stay few).
            let w: Worker | undefined;
            for (const x of workers) if ((inFlight.get(x) ?? 0) < AHEAD && (!w || (inFlight.get(x) ?? 0) < (inFlight.get(w) ?? 0))) w = x;
            if (!w || ended || seq - emitted >= workers.length * AHEAD * 2) break;
            const paths = pending ?? (await next());
            pending = undefined;
            if (!paths.length) {
              ended = true;
              break;
            }
            inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
            w.postMessage({ seq: seq++, paths } satisfies Batch);
          }
          if (ended && emitted === seq) resolve();
        } catch (err) {
          reject(err);
        } finally {
          feeding = false;
        }
      };
      for (const w of workers) {
        w.on('message', (m: { seq: number; results: FileResult[] }) => {
          inFlight.set(w, inFlight.get(w)! - 1);
          done.set(m.seq, m.results);
          for (let r = done.get(emitted); r; r = done.get(emitted)) {
            done.delete(emitted++);
            for (const x of r) onResult(x);
          }
          void feed();
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (!ended || emitted < seq) reject(new Error(`a check worker stopped (exit code ${code})`));
        });
      }
      void feed();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
