/**
 * One error type for the whole tool. Every failure a user can see carries a
 * stable `code`, a message, an optional hint (the next thing to try), the exit
 * code documented in the README, and, for file problems, a position.
 * Only src/cli/main.ts turns a MedsError into an exit code.
 */
export const EXIT = {
  ok: 0,
  attention: 1, // the command found something the user must act on
  usage: 2, // bad usage: unknown option, unknown medication, bad value
  invalid: 65, // the regimen file is invalid (EX_DATAERR)
  missing: 66, // the regimen file does not exist (EX_NOINPUT)
  cantWrite: 73, // the regimen file could not be written (EX_CANTCREAT)
  ioError: 74, // the regimen file could not be read (EX_IOERR)
  locked: 75, // another meds holds the lock (EX_TEMPFAIL)
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface SourcePos {
  file?: string;
  line: number; // 1-based
  col: number; // 1-based
}

export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  path: (string | number)[];
  message: string;
  hint?: string;
  pos?: SourcePos;
}

export class MedsError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint?: string;
  readonly pos?: SourcePos;
  readonly problems?: Problem[];

  constructor(
    code: string,
    message: string,
    opts: { exitCode: ExitCode; hint?: string; pos?: SourcePos; problems?: Problem[]; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MedsError';
    this.code = code;
    this.exitCode = opts.exitCode;
    this.hint = opts.hint;
    this.pos = opts.pos;
    this.problems = opts.problems;
  }
}

export function usageError(code: string, message: string, hint?: string): MedsError {
  return new MedsError(code, message, { exitCode: EXIT.usage, hint });
}

/** "file:line:col" for messages. */
export function formatPos(pos: SourcePos | undefined): string {
  if (!pos) return '';
  return `${pos.file ?? ''}:${pos.line}:${pos.col}`;
}

/** The nearest of `candidates` to `word` (Damerau-free Levenshtein), if close enough to be a useful hint. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(2, Math.floor(Math.max(w.length, best.length) / 3));
  return bestD <= limit ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
