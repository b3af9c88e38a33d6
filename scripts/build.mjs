// Bundles src/ into dist/meds.cjs (one file: faster start than hundreds of modules)
// and writes schema/meds.schema.json from src/model/schema.ts.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const APART = ['yaml', 'cli-table3'];
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// The old code cache goes first: V8 accepts a cache for any source of the same length (it checks the
// length, its version and its flags, not the text), so a cache must never outlive the bundle it was made
// for, even when this build stops half-way (review finding).
const { rmSync } = await import('node:fs');
rmSync(join(root, 'dist/meds.cjs.cache'), { force: true });

// Two modules the libraries load at start-up that meds does not use, each costing a short run
// several milliseconds: commander's child_process (for executable subcommands; loaded here on
// first use instead) and chalk's colour detection (node:tty and node:os; meds decides colour
// itself in src/render/output.ts and gives chalk the level).
const startupTrim = {
  name: 'startup-trim',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes(`${join('node_modules', 'commander')}`) ? { path: 'child_process', namespace: 'on-first-use' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'on-first-use' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
      loader: 'js',
    }));
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'no-detection' }));
    b.onLoad({ filter: /.*/, namespace: 'no-detection' }, () => ({
      contents: 'export function createSupportsColor() { return false; }\nexport default { stdout: false, stderr: false };',
      loader: 'js',
    }));
  },
};

// One CommonJS file for Node 20, minified: the program and each package bundled apart.
const cjsFile = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minifyWhitespace: true, minifySyntax: true, legalComments: 'none', logLevel: 'warning' };

// The shipped bundle has no test hooks: the environment variables that inject a crash or a write
// between the check and the rename (src/store/atomic.ts, transaction.ts) are compiled out. The
// tests that need them run dist/meds-testing.cjs, the same program with them kept
// (test/helpers/meds-testing.cjs).
const NO_HOOKS = { 'process.env.MEDS_FAULT': 'undefined', 'process.env.MEDS_TEST_HOOK_BEFORE_WRITE': 'undefined' };
const program = (outfile, hooks) => ({
  ...cjsFile,
  entryPoints: [join(root, 'src/index.ts')],
  outfile,
  // Loaded from node_modules only when needed: the prompts when prompting, luxon where
  // the process cannot use the TZ engine (src/time/zone.ts).
  external: ['@inquirer/prompts', 'luxon'],
  // yaml and cli-table3 are bundled apart (below) and loaded by src/lazy.ts when a run needs them.
  define: { MEDS_BUNDLED_APART: JSON.stringify(APART), MEDS_VERSION: JSON.stringify(version), ...(hooks ? {} : NO_HOOKS) },
  logOverride: { 'empty-import-meta': 'silent' }, // src/lazy.ts reads import.meta only outside the bundle
  sourcemap: hooks ? undefined : 'linked',
  plugins: [startupTrim],
});
await build(program(join(root, 'dist/meds.cjs'), false));
await build(program(join(root, 'dist/meds-testing.cjs'), true));

// meds check's worker thread (src/check/run.ts starts it from beside the bundle), built like it.
await build({
  ...cjsFile,
  entryPoints: [join(root, 'src/check/worker.ts')],
  outfile: join(root, 'dist/check-worker.cjs'),
  external: ['@inquirer/prompts', 'luxon'],
  define: { MEDS_BUNDLED_APART: JSON.stringify(APART) },
  logOverride: { 'empty-import-meta': 'silent' },
});

// Packages only some runs need, each one file in dist/lib/: a fast-path `today` or `take` reads
// and compiles neither (yaml: files outside the fast paths' subset, head edits, positions of
// problems; cli-table3: tables with wide characters).
for (const id of APART) {
  await build({ ...cjsFile, entryPoints: [id], outfile: join(root, 'dist/lib', `${id}.cjs`) });
}

// The benchmark's in-process case loads the store directly.
await build({
  entryPoints: [join(root, 'src/store/load-bench.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: join(root, 'dist/load-bench.mjs'),
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

const schemaOut = join(root, 'dist/schema.cjs');
await build({ entryPoints: [join(root, 'src/model/schema.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: schemaOut, logLevel: 'warning' });
const { createRequire } = await import('node:module');
const { regimenSchema } = createRequire(import.meta.url)(schemaOut);
mkdirSync(join(root, 'schema'), { recursive: true });
writeFileSync(join(root, 'schema/meds.schema.json'), JSON.stringify(regimenSchema, null, 2) + '\n');

// The format of meds check's rules files (--rules), for editors.
const rulesOut = join(root, 'dist/rules-schema.cjs');
await build({ entryPoints: [join(root, 'src/check/rules-schema.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: rulesOut, logLevel: 'warning' });
writeFileSync(join(root, 'schema/check-rules.schema.json'), JSON.stringify(createRequire(import.meta.url)(rulesOut).rulesSchema, null, 2) + '\n');

// V8 code cache for the bundle: what `today` runs (scripts/warm-cache.cjs says why), run once
// in one process, and what V8 compiled is kept (bin/meds.js uses it when V8 accepts it: this Node, and a
// bundle of the same length, which is why it was removed first).
import { spawnSync } from 'node:child_process';
// (The commands' output goes to this pipe and is dropped.)
const warm = spawnSync(process.execPath, [join(root, 'scripts/warm-cache.cjs')], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
if (warm.status !== 0) {
  console.error('build: the warm-up run failed; no code cache was written\n' + warm.stderr);
  rmSync(join(root, 'dist/meds.cjs.cache'), { force: true });
}
