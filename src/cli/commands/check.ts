/**
 * `meds check [PATH|DIR ...]`: with paths, the review of many regimen files (findings with codes,
 * docs/checks.md); with none, the user's own file validated as before: silent and exit 0 when it
 * is clean, warnings on stderr, exit 65 when it is invalid.
 */
import type { Ctx } from '../context.js';
import { parsePositiveInt } from '../context.js';
import { EXIT, usageError } from '../../errors.js';
import { loadRegimen } from '../../store/load.js';
import { warnProblems } from './shared.js';
import { RANK, SEVERITIES, type FileResult, type Severity } from '../../core/check/finding.js';
import { addToSummary, checkSink, CHECK_FORMATS, newSummary, type CheckFormat } from '../../render/check.js';
import { problemFinding } from '../../check/file.js';
import { checkPaths } from '../../check/sources.js';
import { runCheck } from '../../check/run.js';
import { knowledgeOf } from '../../check/knowledge.js';
import { loadRules } from '../../check/rules-file.js';
import { availableParallelism } from 'node:os';

interface CheckOpts {
  format?: string;
  failOn?: string;
  only?: string;
  ignore?: string;
  rules?: string;
  jobs?: string;
}

export async function run(ctx: Ctx, args: string[], opts: CheckOpts): Promise<number> {
  const started = performance.now();
  const format = formatOf(ctx, opts);
  const failOn = severityOf(opts.failOn);
  const keep = codeFilter(opts.only, opts.ignore);
  const jobs = opts.jobs === undefined ? availableParallelism() : parsePositiveInt(opts.jobs, '--jobs');

  // A rules file is read before anything is checked: an invalid one is bad usage (exit 2) with its position.
  const user = opts.rules !== undefined ? loadRules(opts.rules) : undefined;
  if (user) warnProblems(ctx, user.warnings);

  const summary = newSummary();
  let failed = false;
  const take = (r: FileResult, sink: ReturnType<typeof checkSink>) => {
    const kept = { file: r.file, findings: r.findings.filter((f) => keep(f.code)) };
    addToSummary(summary, kept);
    if (kept.findings.some((f) => RANK[f.severity] >= RANK[failOn ?? 'warning'])) failed = true;
    sink.file(kept);
  };

  if (args.length === 0) {
    // The user's own file, as before: a file meds cannot read is an error (exit 65/66/74), not a finding.
    const loaded = loadRegimen(ctx.path);
    const result = { file: ctx.path, findings: loaded.warnings.map((p) => problemFinding(ctx.path, p)) };
    if (format === 'table') {
      warnProblems(ctx, loaded.warnings.filter((p) => keep(`file.${p.code}`)));
      return failOn !== undefined && result.findings.some((f) => keep(f.code) && RANK[f.severity] >= RANK[failOn]) ? EXIT.attention : EXIT.ok;
    }
    failed = false;
    const sink = checkSink(format, ctx.out);
    take(result, sink);
    summary.elapsedMs = Math.round(performance.now() - started);
    sink.end(summary);
    // (Without --fail-on, warnings leave the exit code 0, as they always did for one's own file.)
    return failOn !== undefined && failed ? EXIT.attention : EXIT.ok;
  }

  const sink = checkSink(format, ctx.out);
  await runCheck(checkPaths(args), { review: true, nowText: ctx.nowText, jobs, knowledge: knowledgeOf(user?.rules), rulesFile: opts.rules }, (r) => take(r, sink));
  summary.elapsedMs = Math.round(performance.now() - started);
  sink.end(summary);
  return failed ? EXIT.attention : EXIT.ok;
}

function formatOf(ctx: Ctx, opts: CheckOpts): CheckFormat {
  if (opts.format === undefined) return ctx.json ? 'json' : 'table';
  if (!(CHECK_FORMATS as readonly string[]).includes(opts.format)) throw usageError('bad-format', `--format ${JSON.stringify(opts.format)} is not one of ${CHECK_FORMATS.join(', ')}`);
  if (ctx.json && opts.format !== 'json') throw usageError('bad-format', `--json and --format ${opts.format} ask for different outputs`, 'give one of them');
  return opts.format as CheckFormat;
}

function severityOf(text: string | undefined): Severity | undefined {
  if (text === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(text)) throw usageError('bad-severity', `--fail-on ${JSON.stringify(text)} is not one of ${SEVERITIES.join(', ')}`);
  return text as Severity;
}

/** A code list: codes, or prefixes ending in `*` (`adherence.*`). */
function codeList(text: string | undefined, flag: string): ((code: string) => boolean) | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw usageError('bad-codes', `${flag} needs at least one code, e.g. ${flag} dose.max-daily,allergy.match`);
  for (const i of items) if (!/^[a-z0-9][a-z0-9.-]*\*?$|^\*$/i.test(i)) throw usageError('bad-codes', `${flag}: ${JSON.stringify(i)} is not a finding code`, 'codes look like dose.max-daily; a trailing * matches every code it starts (adherence.*)');
  const exact = new Set(items.filter((i) => !i.endsWith('*')));
  const prefixes = items.filter((i) => i.endsWith('*')).map((i) => i.slice(0, -1));
  return (code) => exact.has(code) || prefixes.some((p) => code.startsWith(p));
}

function codeFilter(only: string | undefined, ignore: string | undefined): (code: string) => boolean {
  const o = codeList(only, '--only');
  const i = codeList(ignore, '--ignore');
  return (code) => (!o || o(code)) && !(i && i(code));
}
