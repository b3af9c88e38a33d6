// Builds V8's code cache for dist/meds.cjs (used by bin/meds.js): loads the bundle exactly as
// bin does, runs `today` in this one process (on a copy of the example file, output discarded),
// then saves what V8 compiled. Run by scripts/build.mjs.
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
// Only what `today` runs (the command run most, from cron and at the terminal): V8 deserializes the
// whole cache at every start, and compiling the few functions another command needs, when it needs
// them, measured cheaper than a cache of everything. Alternating runs, median ms, clean environment
// (scratch A/B, 2026-11-27): today (empty log) 72.3 with a cache warmed by all 19 commands, 69.4 by
// today+take+skip+missed, 67.7 by today alone; take (10 years) 135.1 / 128.2 / 123.4; adherence
// (1 year) 171.0 / 166.9 / 160.9; list 72.8 / 73.4 / 74.9.
const runs = [['today'], ['today', '--json']];

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
