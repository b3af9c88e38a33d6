#!/usr/bin/env node
/**
 * The `meds` benchmark: times whole processes of the built binary against
 * `node -e 0` measured in the same run, interleaved, and writes a Markdown table.
 *
 *   node bench/run.mjs [--quick] [--runs N] [--warmup N] [--only TEXT] [--out FILE]
 *
 *   --quick      CI smoke test: 3 runs, 1 warm-up, writes bench/results-quick.md; exits 1 only if a
 *                case FAILED or printed different output on different runs (never for a missed target)
 *   --runs N     timed runs per case (default 15)
 *   --warmup N   warm-up runs per case (default 2, at least 1: peak RSS is taken from them)
 *   --only TEXT  run only the cases whose name contains TEXT
 *   --out FILE   write the table there instead
 *
 * Environment: MEDS_BENCH_LOAD_MODULE overrides the module of the in-process case. MEDS_BENCH_BIN overrides the binary. A path ending in .js/.mjs/.cjs is run with this
 * node; anything else is a command line (split on spaces, '...' and "..." quote) to which the
 * arguments are appended, e.g. MEDS_BENCH_BIN="node -e 'console.log(1)' --".
 *
 * Adding a case: append to CASES below. Fields:
 *   name      shown in the table
 *   kind      'cli' (default: one process of the binary per run) or 'inprocess' (see runInprocess)
 *   file      a data set of bench/generate.mjs (DATASETS: 'empty', '1y', '10y'), or null for no --file
 *   args      the command's arguments (array, or (ctx) => array); --file and --now are put first
 *   setup     (ctx) => void, once before the case's runs (e.g. write thousands of files)
 *   prepare   (ctx) => void, before every run, outside the timed section; may set ctx.file
 *   check     (ctx, result) => error string | undefined, after every run (result: { stdout, stderr, status })
 *   target    the ratio to `node -e 0` the median must not exceed (optional)
 *   maxRssMB  peak RSS limit (default RSS_LIMIT_MB)
 *   module, exportName   for kind 'inprocess'
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, NOW, dataPath, writeDatasets } from './generate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const RSS_LIMIT_MB = 150;
const TIMEOUT_MS = 120_000;
const WORK_DIR = join(DATA_DIR, 'work');

// ---------------------------------------------------------------- the cases

/** A fresh copy of a data set for a command that writes (outside the timed section). */
const freshCopy = (name) => (ctx) => {
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  ctx.file = join(WORK_DIR, `regimen-${name}.yaml`);
  copyFileSync(dataPath(name), ctx.file);
};

export const CASES = [
  { name: 'today, empty log', file: 'empty', args: ['today'], target: 1.8 },
  { name: 'today, 1 year', file: '1y', args: ['today'] },
  { name: 'today, 10 years', file: '10y', args: ['today'], target: 2.2 },
  {
    name: 'take, 10 years',
    file: '10y',
    args: ['take', 'metformin', '--at', '2026-11-20T08:55'],
    // Judged against the I/O an atomic replace needs (bench/atomic-replace-io.cjs on a fresh copy,
    // run beside each take): what meds adds to the unavoidable work, not to `node -e 0`.
    floor: { argv: (file) => [process.execPath, join(HERE, 'atomic-replace-io.cjs'), file], target: 1.6 },
    prepare: freshCopy('10y'),
    check(ctx) {
      // The dose must have been recorded: the file grew and a 2026-11-20 metformin entry is near its end.
      const text = readFileSync(ctx.file, 'utf8');
      const before = statSync(dataPath('10y')).size;
      const tail = text.slice(-2000);
      if (text.length <= before || !/med: metformin\b.*2026-11-20|2026-11-20.*med: metformin\b/.test(tail)) {
        return 'take exited successfully but no new metformin entry for 2026-11-20 was found at the end of the file';
      }
      return undefined;
    },
  },
  { name: 'adherence --days 3650, 10 years', file: '10y', args: ['adherence', '--days', '3650'], target: 6.0 },
  { name: 'refills, 10 years', file: '10y', args: ['refills'] },
  // Hook for the CLI engineer: dist/load-bench.mjs exporting `async function loadFile(path)` (read + validate + normalize).
  { name: 'load 10-year file (in-process)', kind: 'inprocess', file: '10y', module: 'dist/load-bench.mjs', exportName: 'loadFile' },
  // Next: a bulk check over thousands of files, e.g.
  // { name: 'check, 2000 files', file: null, setup: (ctx) => { /* write files into WORK_DIR */ }, args: ['check', ...], target: ... },
];

// ---------------------------------------------------------------- options

function parseOptions(argv) {
  const o = { quick: false, runs: undefined, warmup: undefined, only: undefined, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--warmup') o.warmup = Number(value());
    else if (a === '--only') o.only = value();
    else if (a === '--out') o.out = resolve(value());
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  o.runs ??= o.quick ? 3 : 15;
  o.warmup = Math.max(1, o.warmup ?? (o.quick ? 1 : 2));
  if (!(o.runs >= 1)) usage('--runs must be >= 1');
  o.out ??= join(HERE, o.quick ? 'results-quick.md' : 'results.md');
  return o;
}

function usage(msg) {
  if (msg) console.error(`bench: ${msg}`);
  console.error('usage: node bench/run.mjs [--quick] [--runs N] [--warmup N] [--only TEXT] [--out FILE]');
  process.exit(msg ? 2 : 0);
}

// ---------------------------------------------------------------- processes

const TIME_BIN = ['/usr/bin/time', '/bin/time'].find((p) => {
  if (!existsSync(p)) return false;
  const r = spawnSync(p, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+\s*$/.test(r.stderr.trim().split('\n').at(-1) ?? '');
});
const TMP = mkdtempSync(join(tmpdir(), 'meds-bench-'));
const RSS_FILE = join(TMP, 'rss');
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

/**
 * The environments a run is measured in. Node reads some variables at every start, whatever
 * it runs: NODE_EXTRA_CA_CERTS (seen set on this workplace's machines) makes it load and parse
 * a certificate bundle, 40 to 90 ms here, in meds and in `node -e 0` alike. That constant
 * inflates the baseline and flatters the ratio, so the headline pass runs without any NODE_*
 * variable; a second pass, when the inherited environment has one, shows the ratio as that
 * environment gives it.
 */
function passes(quick) {
  const base = { ...process.env, NO_COLOR: '1' };
  delete base.FORCE_COLOR;
  const nodeVars = Object.keys(base).filter((k) => k.startsWith('NODE_'));
  const clean = { ...base };
  for (const k of nodeVars) delete clean[k];
  const list = [{ name: 'clean environment', detail: nodeVars.length ? `without ${nodeVars.join(', ')}` : 'no NODE_* variable was set', env: clean }];
  if (nodeVars.length && !quick) list.push({ name: 'inherited environment', detail: `with ${nodeVars.map((k) => `${k}=${base[k]}`).join(', ')}`, env: base });
  return list;
}

/** Split a command line on spaces, honouring '...' and "...". */
function splitCommand(s) {
  const out = [];
  for (const m of s.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The binary as [command, ...leading args]. */
function resolveBinary() {
  const override = process.env.MEDS_BENCH_BIN;
  if (override) {
    if (/\.[cm]?js$/.test(override.trim())) return { argv: [process.execPath, resolve(override.trim())], label: `MEDS_BENCH_BIN=${override}` };
    return { argv: splitCommand(override), label: `MEDS_BENCH_BIN=${override}` };
  }
  const bin = join(ROOT, 'bin/meds.js');
  const missing = ['bin/meds.js', 'dist/meds.cjs'].filter((p) => !existsSync(join(ROOT, p)));
  return { argv: [process.execPath, bin], label: 'node bin/meds.js', missing };
}

/**
 * One process: wall time around spawnSync (hrtime), exit status, output, and with `rss` the peak
 * RSS of the child in KB from GNU time (the wrapper adds the same small cost to case and baseline,
 * and is only used on warm-up runs, never on timed ones).
 */
function runProcess(argv, { rss = false, env }) {
  let cmd = argv[0], args = argv.slice(1);
  if (rss && TIME_BIN) {
    rmSync(RSS_FILE, { force: true });
    args = ['-f', '%M', '-o', RSS_FILE, cmd, ...args];
    cmd = TIME_BIN;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: TIMEOUT_MS,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let rssKB;
  if (rss && TIME_BIN) {
    try {
      rssKB = Number(readFileSync(RSS_FILE, 'utf8').trim().split('\n').at(-1));
    } catch {
      rssKB = undefined;
    }
  }
  return {
    ms,
    status: r.status,
    signal: r.signal,
    error: r.error,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    rssKB: Number.isFinite(rssKB) ? rssKB : undefined,
  };
}

const BASELINE = [process.execPath, '-e', '0'];
const NOT_AVAILABLE_RE = /unknown command|unknown option|not (yet )?implemented|too many arguments/i;

// ---------------------------------------------------------------- kinds

/** How one run of a case is made and judged, per kind. */
const KINDS = {
  cli: {
    available(c, env) {
      if (env.binary.missing?.length) return { failed: `binary not built (${env.binary.missing.join(', ')} missing): run \`npm run build\`` };
      return {};
    },
    argv(c, ctx, env) {
      const args = typeof c.args === 'function' ? c.args(ctx) : c.args;
      const file = ctx.file ? ['--file', ctx.file] : [];
      return [...env.binary.argv, ...file, '--now', NOW, ...args];
    },
    judge(c, r) {
      if (r.error?.code === 'ETIMEDOUT') return { failed: `timed out after ${TIMEOUT_MS / 1000} s`, stderr: r.stderr };
      if (r.error) return { failed: `could not run: ${r.error.message}` };
      if (r.signal) return { failed: `killed by ${r.signal}`, stderr: r.stderr };
      if ((r.status === 0 || r.status === 1) && r.stdout.trim() !== '') return { ok: true };
      if (NOT_AVAILABLE_RE.test(r.stderr)) return { notAvailable: firstLine(r.stderr) };
      return { failed: `exit ${r.status}${r.stdout.trim() === '' ? ', empty stdout' : ''}`, stderr: r.stderr };
    },
    sample: (r) => r.ms,
  },
  /**
   * In-process load cost: each run is a fresh `node bench/inprocess-child.mjs MODULE EXPORT FILE`
   * that imports the module (untimed) and times one call of `await loadFile(FILE)` (cold: what one
   * CLI process pays), then a few more (warm). The sample is the cold call.
   */
  inprocess: {
    available(c) {
      if (!existsSync(moduleOf(c))) return { notAvailable: `${relative(ROOT, moduleOf(c))} does not exist yet` };
      return {};
    },
    argv(c, ctx, env, warm) {
      // The warm-up runs (where peak RSS is taken) make the cold call only: the RSS of one load.
      return [process.execPath, join(HERE, 'inprocess-child.mjs'), moduleOf(c), c.exportName ?? 'loadFile', ctx.file, ...(warm ? ['--cold-only'] : [])];
    },
    judge(c, r) {
      if (r.status !== 0) return { failed: `exit ${r.status}`, stderr: r.stderr };
      try {
        r.result = JSON.parse(r.stdout.trim().split('\n').at(-1));
      } catch {
        return { failed: 'no JSON result on stdout', stderr: r.stderr };
      }
      r.stdout = ''; // timings differ from run to run: not part of the consistency check
      return { ok: true };
    },
    sample: (r) => r.result.firstMs,
    extra: (runs) => `peak RSS of a process making the cold call only; in-process: import ${fmt(median(runs.map((r) => r.result.importMs)))} ms, first call ${fmt(median(runs.map((r) => r.result.firstMs)))} ms, warm call ${fmt(median(runs.map((r) => r.result.warmMs)))} ms (medians)`,
    noBaseline: true,
  },
};

/** The module of an 'inprocess' case; MEDS_BENCH_LOAD_MODULE overrides it (for trying out a loader). */
const moduleOf = (c) => resolve(ROOT, process.env.MEDS_BENCH_LOAD_MODULE || c.module);
const shellQuote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const firstLine = (s) => s.trim().split('\n')[0] ?? '';

// ---------------------------------------------------------------- one case

function runCase(c, env, opts) {
  const kind = KINDS[c.kind ?? 'cli'];
  const res = { case: c, state: 'ok', samples: [], baseline: [], rssKB: [], baseRssKB: [], notes: [] };
  const avail = kind.available(c, env);
  if (avail.notAvailable) return { ...res, state: 'not available', message: avail.notAvailable };
  if (avail.failed) return { ...res, state: 'FAILED', message: avail.failed };

  const ctx = { root: ROOT, workDir: WORK_DIR, file: c.file ? dataPath(c.file) : undefined, dataset: c.file };
  const baseFile = ctx.file;
  try {
    c.setup?.(ctx);
  } catch (e) {
    return { ...res, state: 'FAILED', message: `setup: ${e.message}` };
  }
  const outDir = join(DATA_DIR, 'output');
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (f === `${slug(c.name)}.txt` || f.startsWith(`${slug(c.name)}-run`)) rmSync(join(outDir, f));
  let firstStdout;
  const total = opts.warmup + opts.runs;
  for (let i = 0; i < total; i++) {
    const warm = i < opts.warmup;
    ctx.file = baseFile;
    try {
      c.prepare?.(ctx);
    } catch (e) {
      return { ...res, state: 'FAILED', message: `prepare: ${e.message}` };
    }
    const argv = kind.argv(c, ctx, env, warm);
    // Alternate the order of baseline and case to cancel drift.
    const caseFirst = i % 2 === 1;
    let base;
    const how = { rss: warm, env: env.childEnv };
    if (!caseFirst && !kind.noBaseline) base = runProcess(BASELINE, how);
    let floor;
    if (c.floor && !caseFirst) floor = runProcess(c.floor.argv(ctx.file), how);
    if (c.floor) c.prepare?.(ctx); // a fresh copy again: the floor wrote one more line into it
    const r = runProcess(argv, how);
    if (caseFirst && !kind.noBaseline) base = runProcess(BASELINE, how);
    if (c.floor && caseFirst) {
      const made = ctx.file;
      c.prepare?.(ctx);
      floor = runProcess(c.floor.argv(ctx.file), how);
      ctx.file = made;
    }
    if (floor && floor.status !== 0) return { ...res, state: 'FAILED', message: `the floor exited ${floor.status}: ${firstLine(floor.stderr)}` };

    const verdict = kind.judge(c, r);
    if (verdict.notAvailable) return { ...res, state: 'not available', message: verdict.notAvailable };
    if (verdict.failed) return { ...res, state: 'FAILED', message: verdict.failed, stderr: verdict.stderr ?? r.stderr, argv };
    const problem = c.check?.(ctx, r);
    if (problem) return { ...res, state: 'FAILED', message: problem, stderr: r.stderr, argv };
    if (base && base.status !== 0) return { ...res, state: 'FAILED', message: `node -e 0 exited ${base.status}` };

    if (firstStdout === undefined) {
      firstStdout = r.stdout;
      res.exitCode = r.status;
      res.stdoutBytes = Buffer.byteLength(r.stdout);
      res.argv = argv;
      if (r.stdout) writeFileSync(join(outDir, `${slug(c.name)}.txt`), r.stdout);
    } else if (r.stdout !== firstStdout && res.state === 'ok') {
      res.state = 'INCONSISTENT';
      res.message = `run ${i + 1} printed different stdout than run 1 (see bench/data/output/${slug(c.name)}*.txt)`;
      writeFileSync(join(outDir, `${slug(c.name)}-run${i + 1}.txt`), r.stdout);
    }
    if (warm) {
      if (r.rssKB !== undefined) res.rssKB.push(r.rssKB);
      if (base?.rssKB !== undefined) res.baseRssKB.push(base.rssKB);
    } else {
      res.samples.push(kind.sample(r));
      if (base) res.baseline.push(base.ms);
      if (floor) (res.floor ??= []).push(floor.ms);
      if (kind.extra) (res.raw ??= []).push(r);
    }
  }
  if (kind.extra) res.notes.push(kind.extra(res.raw));
  return res;
}

// ---------------------------------------------------------------- statistics and formatting

function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const mb = (kb) => kb / 1024;

function summarize(res) {
  const c = res.case;
  const limit = c.maxRssMB ?? RSS_LIMIT_MB;
  const med = median(res.samples);
  const base = median(res.baseline);
  const ratio = res.baseline.length ? med / base : NaN;
  // The verdict: the median of each run's ratio to the `node -e 0` run beside it (steadier than the
  // ratio of the medians when the machine's speed drifts within a case).
  const paired = res.baseline.length === res.samples.length ? median(res.samples.map((x, i) => x / res.baseline[i])) : NaN;
  const floorPaired = c.floor && res.floor?.length === res.samples.length ? median(res.samples.map((x, i) => x / res.floor[i])) : NaN;
  const rss = res.rssKB.length ? mb(Math.max(...res.rssKB)) : NaN;
  const target = [c.target ? `≤ ${c.target.toFixed(1)}×` : null, c.floor ? `≤ ${c.floor.target.toFixed(1)}× floor (${Number.isFinite(floorPaired) ? floorPaired.toFixed(2) : '—'}×, floor ${fmt(median(res.floor ?? []))} ms)` : null, `< ${limit} MB`].filter(Boolean).join(', ');
  let met = '—';
  if (res.state === 'ok' || res.state === 'INCONSISTENT') {
    const misses = [];
    if (c.target && !(paired <= c.target)) misses.push('ratio');
    if (c.floor && !(floorPaired <= c.floor.target)) misses.push('floor');
    if (Number.isFinite(rss) && !(rss < limit)) misses.push('RSS');
    met = misses.length ? `**no** (${misses.join(', ')})` : Number.isFinite(rss) || c.target || c.floor ? 'yes' : '—';
    if (!Number.isFinite(rss) && !c.target) met = 'RSS n/a';
  }
  const rssText = Number.isFinite(rss) ? fmt(rss) : 'n/a';
  if (res.state === 'ok' || res.state === 'INCONSISTENT') {
    const name = res.state === 'INCONSISTENT' ? `${c.name} (INCONSISTENT)` : c.name;
    return [name, fmt(med), res.baseline.length ? fmt(base) : '—', Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—', Number.isFinite(paired) ? `${paired.toFixed(2)}×` : '—', target, met, rssText];
  }
  return [c.name, res.state, '—', '—', '—', target, '—', '—'];
}

function table(header, rows) {
  const all = [header, ...rows];
  const width = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((v, i) => String(v).padEnd(width[i])).join(' | ')} |`;
  const right = new Set([1, 2, 3, 4, 7]);
  const sep = `| ${width.map((w, i) => (right.has(i) ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}

function cpuModel() {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {}
  return cpus()[0]?.model ?? 'unknown';
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'none';
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const started = new Date();
  const load0 = loadavg()[0];
  const data = writeDatasets();
  const binary = resolveBinary();
  const env = { binary };
  const cases = CASES.filter((c) => !opts.only || c.name.includes(opts.only));
  if (!cases.length) usage(`no case matches --only ${opts.only}`);

  console.error(`bench: ${opts.quick ? 'quick, ' : ''}${opts.runs} runs + ${opts.warmup} warm-up per case, binary: ${binary.label}`);
  const header = ['case', 'median ms', 'node -e 0 median ms', 'ratio', 'paired ratio', 'target', 'met?', 'peak RSS MB'];
  const out = [];
  out.push(`# meds benchmark${opts.quick ? ' (quick: smoke test, timings not meaningful)' : ''}`);
  out.push('');
  out.push(`- date: ${started.toISOString()}`);
  out.push(`- node: ${process.version} (${process.platform} ${process.arch}); commit: ${gitCommit()}`);
  out.push(`- CPU: ${cpuModel()} × ${cpus().length}; load average at start: ${load0.toFixed(2)}`);
  out.push(`- runs: ${opts.runs} timed + ${opts.warmup} warm-up per case; baseline \`node -e 0\` interleaved with every run (alternating order), in the same environment`);
  out.push(`- binary: \`${binary.label}\`; every run: \`--file <data> --now ${NOW}\`, NO_COLOR=1, stdin ignored, stdout and stderr piped`);
  out.push(`- peak RSS: ${TIME_BIN ? `\`${TIME_BIN} -f %M\` on the warm-up runs` : 'n/a (GNU time not installed: `apt-get install -y time`)'}`);
  out.push(`- data: ${Object.entries(data).map(([n, d]) => `${n} ${d.entries} entries / ${(d.bytes / 1024).toFixed(0)} KiB`).join(', ')}`);
  const results = [];
  for (const pass of passes(opts.quick)) {
    env.childEnv = pass.env;
    const passResults = [];
    for (const c of cases) {
      process.stderr.write(`bench: [${pass.name}] ${c.name} ... `);
      const t0 = performance.now();
      const res = runCase(c, env, opts);
      passResults.push(res);
      const row = summarize(res);
      process.stderr.write(`${res.state === 'ok' ? `${row[1]} ms (${row[3]})` : res.state + (res.message ? `: ${res.message}` : '')} [${((performance.now() - t0) / 1000).toFixed(1)} s]\n`);
    }
    rmSync(WORK_DIR, { recursive: true, force: true });
    results.push(...passResults);
    const allBase = passResults.flatMap((r) => r.baseline);
    const allBaseRss = passResults.flatMap((r) => r.baseRssKB);
    out.push('');
    out.push(`## ${pass.name[0].toUpperCase()}${pass.name.slice(1)} (${pass.detail})`);
    out.push('');
    out.push(`\`node -e 0\`: median ${fmt(median(allBase))} ms over all cases, peak RSS ${allBaseRss.length ? fmt(mb(Math.max(...allBaseRss))) + ' MB' : 'n/a'}.`);
    out.push('');
    out.push(table(header, passResults.map(summarize)));
    const notes = [];
    for (const r of passResults) {
      if (r.message) notes.push(`- **${r.case.name}**: ${r.state}: ${r.message}` +
        (r.argv ? `\n  command: \`${r.argv.map((a) => shellQuote(a.startsWith(ROOT + '/') ? relative(ROOT, a) : a)).join(' ')}\`` : '') +
        (r.stderr ? `\n\n  \`\`\`\n${r.stderr.trim().split('\n').slice(0, 20).map((l) => '  ' + l).join('\n')}\n  \`\`\`` : ''));
      for (const n of r.notes) notes.push(`- ${r.case.name}: ${n}`);
      if (r.state === 'ok' && r.exitCode === 1) notes.push(`- ${r.case.name}: exit code 1 (attention)`);
    }
    if (notes.length) out.push('', ...notes);
  }
  if (!opts.only || 'bulk check'.includes(opts.only)) out.push(...(await import('./bulk-check.mjs')).bulkCheck({ files: opts.quick ? 500 : 10_000, argv: binary.argv }));
  out.push('');
  const text = out.join('\n');
  writeFileSync(opts.out, text);
  console.log(text);
  console.error(`bench: wrote ${relative(process.cwd(), opts.out) || opts.out}`);

  const bad = results.filter((r) => r.state === 'FAILED' || r.state === 'INCONSISTENT');
  if (bad.length) {
    console.error(`bench: ${bad.length} case(s) ${bad.map((r) => `${r.case.name}: ${r.state}`).join('; ')}`);
    process.exitCode = 1;
  }
}

await main();
