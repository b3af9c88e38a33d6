// Builds V8's code cache for dist/meds.cjs (used by bin/meds.js): loads the bundle exactly as
// bin does, runs representative commands in this one process (on a copy of the example file,
// output discarded), then saves what V8 compiled. Run by scripts/build.mjs.
'use strict';
const { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'meds.cjs');
const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(wrapper, { filename: bundle });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));

const dir = mkdtempSync(join(tmpdir(), 'meds-warm-'));
const file = join(dir, 'regimen.yaml');
copyFileSync(join(__dirname, '..', 'examples', 'regimen.yaml'), file);
const at = ['--file', file, '--now', '2026-03-08T10:00'];
const runs = [
  ['today'], ['today', '--json'], ['list'], ['history'], ['check'], ['missed'], ['missed', '--days', '30'],
  ['adherence', '--days', '30'], ['adherence', '--days', '400', '--json'], ['refills'],
  ['take', 'levothyroxine'], ['take', 'metformin'], ['take', 'ibuprofen'], ['skip', 'apixaban', '--reason', 'nausea'], ['undo'],
  ['refill', 'metformin', '--quantity', '60'], ['add', 'vitd', '--times', '08:00'], ['edit', 'vitd', '--dose', '2'], ['stop', 'vitd'],
];

(async () => {
  // The commands' output goes to stdout, a pipe that scripts/build.mjs drops.
  try {
    for (const argv of runs) {
      await mod.exports.main(['node', 'meds', ...at, ...argv]);
      process.exitCode = undefined;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(`${bundle}.cache`, script.createCachedData());
})();
