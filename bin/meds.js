#!/usr/bin/env node
// Starts meds from its one bundled file (dist/meds.cjs, built by `npm run build`,
// also on `npm install`), with V8's code cache when the build made one: compiling
// the bundle is a large part of a short run's start-up. CommonJS (bin/package.json),
// because Node's ES module loader costs a short run another 15-20 ms.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'meds.cjs');
const cacheFile = `${bundle}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache: compile from source.
}
const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(wrapper, { filename: bundle, cachedData });
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
// Output is written synchronously (to the fds), so nothing is pending when main settles: exiting
// then spares a command that built a large heap (ten years of log) the heap's teardown.
mod.exports.main(process.argv).then(() => process.exit());
