/**
 * A finding of `meds check`: one problem in one regimen file, with a stable code (docs/checks.md
 * lists every code; a code is never reused for another meaning), a severity, where it points into
 * the file, the medications involved, a one-line message, a suggested action and the rule's source.
 * The pure checks give a key path (`at`); the runner (src/check/) turns it into a line and column.
 */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Higher is more severe. */
export const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** A finding as a pure check returns it: `at` is a key path into the file (['medications', 2], ['log', 40]). */
export interface RawFinding {
  code: string;
  severity: Severity;
  at: (string | number)[];
  meds: string[];
  message: string;
  action: string;
  source: string;
}

/** A finding as the command reports it. */
export interface Finding {
  code: string;
  severity: Severity;
  file: string;
  line: number | null;
  column: number | null;
  meds: string[];
  message: string;
  action: string;
  source: string;
}

/** What one file gave: its findings, in file order. */
export interface FileResult {
  file: string;
  findings: Finding[];
}

/** Said in every review's output and in the README. */
export const CHECK_DISCLAIMER =
  'meds check is not a complete drug interaction database and does not replace a pharmacist\'s judgement: it checks only the drugs, pairs and rules it bundles (docs/checks.md) and those in --rules.';
