/**
 * A worker thread of `meds check` (dist/check-worker.cjs): checks the batches of paths the main
 * thread sends and posts each batch's results back. It reads the --rules file again itself (the main
 * thread has checked it), so only paths and plain results cross between threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile } from './file.js';
import { knowledgeOf } from './knowledge.js';
import { loadRules } from './rules-file.js';

export interface WorkerInit {
  nowText?: string;
  rulesFile?: string;
}
export interface Batch {
  seq: number;
  paths: string[];
}

const init = workerData as WorkerInit;
const knowledge = knowledgeOf(init.rulesFile !== undefined ? loadRules(init.rulesFile).rules : undefined);
const opts = { review: true, nowText: init.nowText, knowledge };

parentPort!.on('message', (b: Batch) => {
  parentPort!.postMessage({ seq: b.seq, results: b.paths.map((p) => checkFile(p, opts)) });
});
