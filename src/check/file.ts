/**
 * One regimen file through `meds check`: read by the store's one load path (src/store/load.ts),
 * validated by src/model/validate.ts, reviewed by the pure checks (src/core/check/), and every
 * problem turned into a finding with its line and column. Never throws for a bad file: an
 * unreadable or invalid file is a finding of its own, so one bad file never stops a run. Never
 * writes anything.
 */
import { MedsError, type Problem } from '../errors.js';
import { medicationPositions, readHead, type ItemPositions } from './locate.js';
import { Clock } from '../time/time.js';
import { docLocator, type ReadLoaded } from '../store/load.js';
// The internal entry: `straightforward` (the differential test's reference) forces the full YAML parser.
import { loadRegimen } from '../store/load-parse.js';
import { supplyLogFrom } from '../core/supply.js';
import type { Regimen } from '../model/types.js';
import type { Locate } from '../model/validate.js';
import type { FileResult, Finding, RawFinding } from '../core/check/finding.js';
import { reviewRegimen, REVIEW_DAYS, type Knowledge } from '../core/check/review.js';

export interface FileCheckOptions {
  /** --now / $MEDS_NOW as written (read in each file's zone), else the real clock. */
  nowText?: string;
  /** Run the clinical review (a path was named); without it only the file's own checks. */
  review: boolean;
  knowledge: Knowledge;
  /**
   * The straightforward way, for tests to compare with: the whole file parsed by yaml, and every
   * position from its document.
   */
  straightforward?: boolean;
}

/**
 * One Clock per zone for the whole run: a Clock caches each day's offset, and the files of a practice
 * mostly share a zone (in a worker thread, where offsets come from Intl, this spares most look-ups).
 */
const clocks = new Map<string, Clock>();
function clockOf(zone: string): Clock {
  let c = clocks.get(zone);
  if (!c) clocks.set(zone, (c = new Clock(zone)));
  return c;
}

/** The run's instant in this file's zone. */
function nowIn(clock: Clock, nowText: string | undefined): number {
  return (nowText !== undefined ? clock.parse(nowText) : undefined) ?? Date.now();
}

/** The earliest log entry the review reads: 90 days of adherence, and what the supply projection needs. */
function logFrom(opts: FileCheckOptions) {
  return (regimen: Regimen): number => {
    const clock = clockOf(regimen.patient.timezone);
    const now = nowIn(clock, opts.nowText);
    const from = clock.startOfDay(clock.dayOf(now) - REVIEW_DAYS - 1);
    return Math.min(from, supplyLogFrom(regimen, now, clock));
  };
}

export function problemFinding(file: string, p: Problem): Finding {
  return {
    code: `file.${p.code}`,
    severity: p.severity,
    file,
    line: p.pos?.line ?? null,
    column: p.pos?.col ?? null,
    meds: [],
    message: p.message,
    action: p.hint ?? (p.severity === 'error' ? 'correct the file (docs/format.md); meds cannot read it until then' : 'correct the file (docs/format.md)'),
    source: 'meds file format (docs/format.md, schema/meds.schema.json)',
  };
}

const byPosition = (a: Finding, b: Finding) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

export function checkFile(file: string, opts: FileCheckOptions): FileResult {
  let loaded: ReadLoaded;
  try {
    loaded = loadRegimen(file, { ...(opts.review ? { logFrom: logFrom(opts) } : {}), full: opts.straightforward });
  } catch (err) {
    if (err instanceof MedsError) {
      if (err.problems?.length) return { file, findings: err.problems.map((p) => problemFinding(file, p)).sort(byPosition) };
      // (The hint for a missing file speaks to a patient, `meds init`: a reviewer is told to check the path.)
      return { file, findings: [unreadable(file, err.message, err.code === 'missing' ? undefined : err.hint)] };
    }
    // A defect of meds, not of the file: still one finding, and the run goes on.
    return { file, findings: [unreadable(file, `internal error while checking: ${(err as Error)?.message ?? String(err)}`, 'please report this to the meds maintainers', 'file.internal')] };
  }
  const findings = loaded.warnings.map((p) => problemFinding(file, p));
  if (opts.review) {
    const clock = clockOf(loaded.regimen.patient.timezone);
    const now = nowIn(clock, opts.nowText);
    let raw: RawFinding[];
    try {
      raw = reviewRegimen(loaded.regimen, loaded.value, now, clock, opts.knowledge);
    } catch (err) {
      // A defect of a check, not of the file: the file's own findings stand, and the run goes on.
      findings.push(unreadable(file, `internal error while reviewing: ${(err as Error)?.message ?? String(err)}`, 'please report this to the meds maintainers', 'file.internal'));
      raw = [];
    }
    if (raw.length) {
      const locate = locator(loaded, file, !opts.straightforward);
      for (const r of raw) findings.push(located(file, r, locate));
    }
  }
  return { file, findings: findings.sort(byPosition) };
}

function unreadable(file: string, message: string, hint: string | undefined, code = 'file.unreadable'): Finding {
  return { code, severity: 'error', file, line: null, column: null, meds: [], message, action: hint ?? 'check that the path names a readable regimen file', source: 'meds' };
}

/**
 * Key paths to positions: a log entry by the line the loader recorded (its `{` after "- "), the
 * rest by the document of the file's head (parsed only now, when there is something to place).
 */
function locator(loaded: ReadLoaded, file: string, fast: boolean): Locate {
  let head: Locate | undefined;
  let meds: ItemPositions[] | undefined | null = fast ? undefined : null;
  const byIndex = new Map<number, number>();
  for (const e of loaded.regimen.log) if (e.line !== undefined) byIndex.set(e.index, e.line);
  const col = (loaded.logBlock?.indent.length ?? 2) + 3;
  return (path) => {
    if (path[0] === 'log' && typeof path[1] === 'number' && loaded.logBlock) {
      const line = byIndex.get(path[1]);
      if (line !== undefined) return { file, line, col };
    }
    if (path[0] === 'medications' && typeof path[1] === 'number' && path.length <= 3 && meds !== null) {
      if (meds === undefined) {
        const text = readHead(file);
        meds = (text !== undefined ? medicationPositions(text, file) : undefined) ?? null;
      }
      const item = meds?.[path[1]];
      const pos = path.length === 2 ? item?.pos : item?.values.get(String(path[2]));
      if (pos) return pos;
    }
    head ??= docLocator(loaded.doc, loaded.lineCounter, file);
    return head(path);
  };
}

function located(file: string, r: RawFinding, locate: Locate): Finding {
  const pos = r.at.length ? locate(r.at) : undefined;
  return { code: r.code, severity: r.severity, file, line: pos?.line ?? null, column: pos?.col ?? null, meds: r.meds, message: r.message, action: r.action, source: r.source };
}

