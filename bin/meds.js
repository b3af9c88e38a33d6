#!/usr/bin/env node
// Starts meds from its one bundled file (dist/meds.cjs, built by `npm run build`,
// also on `npm install`), with V8's code cache when the build made one: compiling
// the bundle is most of a short run's start-up cost.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('../dist/meds.cjs', import.meta.url));
const cacheFile = `${bundle}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache: compile from source.
}
const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
const script = new Script(wrapper, { filename: bundle, cachedData });
const module = { exports: {} };
if (process.env.MEDS_WRITE_CODE_CACHE) {
  // Used by scripts/build.mjs: after a representative run, save what V8 compiled.
  process.on('exit', () => {
    const { writeFileSync } = createRequire(import.meta.url)('node:fs');
    writeFileSync(cacheFile, script.createCachedData());
  });
}
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
