// How fast can an atomic `take` on the 10-year file be on this machine, whatever meds does? Times,
// alternately, `node -e 0`, a script that only does the I/O an atomic replace needs (read the file,
// write a temporary copy with one more line, fsync it, rename it over the file, fsync the folder: no
// parsing, no checking, no bundle), and `meds take`, each on a fresh copy of the file, in the clean
// environment (no NODE_* variable). Needs the data: `npm run bench` (or bench/generate.mjs) first.
// usage: node bench/take-floor.mjs [runs=21]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, 'data', 'regimen-10y.yaml');
if (!existsSync(data)) {
  console.error('bench/take-floor: no bench/data/regimen-10y.yaml; run `npm run bench` first');
  process.exit(2);
}
const runs = Number(process.argv[2] ?? 21);
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NODE_')));
env.NO_COLOR = '1';
const dir = mkdtempSync(join(tmpdir(), 'meds-take-floor-'));
const io = join(here, 'atomic-replace-io.cjs');
const bin = join(here, '..', 'bin', 'meds.js');
const cases = {
  'node -e 0': () => ['-e', '0'],
  'I/O of an atomic replace only': (f) => [io, f],
  'meds take': (f) => [bin, 'take', 'metformin', '--at', '2026-11-20T08:55', '--file', f, '--now', '2026-11-20T09:00'],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
try {
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(cases)) {
      // A folder of its own for each run (take cleans its folder of stale temporary files).
      const work = mkdtempSync(join(dir, 'run-'));
      const file = join(work, 'regimen.yaml');
      copyFileSync(data, file);
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args(file), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
      times[name].push(ms);
      rmSync(work, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(times['node -e 0']);
for (const name of Object.keys(cases)) console.log(`${median(times[name]).toFixed(1).padStart(7)} ms  ${(median(times[name]) / base).toFixed(2)}×  ${name}`);
