// How much of a command's time is V8 warming up: runs one meds command several times in ONE process
// (the bundle loaded as bin/meds.js loads it, with its code cache) and prints the time of each run.
// The first run is what every `meds` process pays; the later ones are the same work once V8 has
// compiled and optimized the code it runs.
//
//   node bench/warm-vs-cold.mjs [--runs N] [meds arguments...]
//
// Default: `adherence --days 3650` on the benchmark's 10-year file (brought up to date as `npm run
// bench` does), with the benchmark's --now. The command's output goes to stdout (send it to /dev/null),
// the timings to stderr:  env -u NODE_EXTRA_CA_CERTS node bench/warm-vs-cold.mjs > /dev/null
import { readFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { NOW, dataPath } from './generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
let args = process.argv.slice(2);
let runs = 8;
if (args[0] === '--runs') {
  runs = Number(args[1]);
  args = args.slice(2);
  if (!(runs >= 2)) {
    console.error('warm-vs-cold: --runs needs a number of at least 2');
    process.exit(2);
  }
}
if (!args.length) {
  // (Brought up to date as npm run bench does, in another process: the garbage of generating 4.5 MB
  // of text here would be collected during the first run.)
  const gen = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (gen.status !== 0) process.exit(1);
  args = ['--file', dataPath('10y'), '--now', NOW, 'adherence', '--days', '3650'];
}

const bundle = join(ROOT, 'dist', 'meds.cjs');
let cachedData;
try {
  cachedData = readFileSync(`${bundle}.cache`);
} catch {
  // no code cache: the first run also compiles
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`, { filename: bundle, cachedData });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));

const times = [];
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  await mod.exports.main(['node', 'meds', ...args]);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
  process.exitCode = undefined;
}
const later = times.slice(1).sort((a, b) => a - b);
const median = later[(later.length - 1) >> 1];
writeSync(2, `meds ${args.join(' ')}\n`);
writeSync(2, `runs in one process (ms): ${times.map((t) => t.toFixed(1)).join(', ')}\n`);
writeSync(2, `first (what a process pays): ${times[0].toFixed(1)} ms; later runs, median: ${median.toFixed(1)} ms; cache ${cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'missing'}\n`);
