/**
 * What every command gets: where the file is, the clock for this run, and the output.
 * The command layer is the only one that reads the real clock and the environment.
 */
import { EXIT, MedsError, usageError } from '../errors.js';
import { Clock, DAY, MINUTE, parseInstant, parseLocalDateTime, parseDay } from '../time/time.js';
import type { Millis, Regimen } from '../model/types.js';
import { isTerminal, makeOutput, type Output } from '../render/output.js';
import { regimenPath } from '../store/paths.js';
import { OPTION_LIMITS, rangeText } from './limits.js';

export interface GlobalOptions {
  file?: string;
  now?: string;
  json?: boolean;
  color?: boolean; // commander's --no-color sets false
}

export class Ctx {
  readonly path: string;
  readonly out: Output;
  readonly json: boolean;
  /** --now / $MEDS_NOW as written (a run over many files reads it in each file's zone). */
  readonly nowText?: string;

  constructor(g: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
    this.path = regimenPath(g.file, env);
    this.json = !!g.json;
    this.out = makeOutput({ noColor: g.color === false, json: this.json });
    this.nowText = g.now ?? (env.MEDS_NOW || undefined);
    if (this.nowText !== undefined) checkDateTime(this.nowText, '--now');
  }

  /** Prompts only where a person can answer: stdin and stdout are terminals, and not in --json mode. */
  get interactive(): boolean {
    return !this.json && !process.env.CI && isTerminal(1) && isTerminal(0);
  }

  /**
   * The run's instant to within a day, before the patient's zone is known:
   * enough to tell the store which part of the log a command needs.
   */
  approxNow(): Millis {
    if (this.nowText === undefined) return Date.now();
    return approxInstant(this.nowText) ?? Date.now();
  }

  clock(regimen: Regimen): Clock {
    return new Clock(regimen.patient.timezone);
  }

  /** The clock for this run: --now / $MEDS_NOW (read in the patient's zone when it has no offset), else the real time. */
  now(clock: Clock): Millis {
    if (this.nowText === undefined) return Date.now();
    return parseTimeArg(this.nowText, clock, '--now');
  }
}

/** An instant to within a day, with no zone look-up: a local date-time is read as if it were UTC. */
export function approxInstant(text: string): Millis | undefined {
  const t = parseInstant(text);
  if (t !== undefined) return t;
  const l = parseLocalDateTime(text);
  if (l) return l.day * DAY + l.minute * MINUTE;
  const d = parseDay(text);
  return d === undefined ? undefined : d * DAY;
}

/** A date-time argument: with an offset it is an instant; without one it is read in the patient's zone. "HH:MM" is today. */
export function parseTimeArg(text: string, clock: Clock, flag: string, today?: number): Millis {
  const hm = /^(\d{2}):(\d{2})$/.exec(text);
  if (hm && today !== undefined) {
    const m = +hm[1]! * 60 + +hm[2]!;
    if (+hm[1]! < 24 && +hm[2]! < 60) return clock.toInstant(today, m);
  }
  const t = clock.parse(text);
  if (t === undefined) throw badTime(text, flag);
  return t;
}

function badTime(text: string, flag: string): MedsError {
  return usageError('bad-time', `${flag} ${JSON.stringify(text)} is not a date-time`, 'write it as 2026-03-08T07:30 (read in the patient\'s time zone) or with an offset, 2026-03-08T07:30-04:00');
}

function checkDateTime(text: string, flag: string): void {
  if (parseInstant(text) === undefined && !parseLocalDateTime(text) && parseDay(text) === undefined) throw badTime(text, flag);
}

export function parseDateArg(text: string, flag: string): number {
  const d = parseDay(text);
  if (d === undefined) throw usageError('bad-date', `${flag} ${JSON.stringify(text)} is not a date`, 'write it as YYYY-MM-DD, e.g. 2026-03-08');
  return d;
}

export function parsePositiveInt(text: string, flag: string, command?: string): number {
  if (!/^\d+$/.test(text) || +text < 1) throw usageError('bad-number', `${flag} ${JSON.stringify(text)} is not a whole number of at least 1`);
  return inRange(+text, text, flag, command);
}

export function parsePositive(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n > 0)) throw usageError('bad-number', `${flag} ${JSON.stringify(text)} is not a positive number`);
  return inRange(n, text, flag);
}

/** n within the flag's range (cli/limits.ts), or a usage error naming the flag and the range. */
export function inRange(n: number, text: string, flag: string, command?: string): number {
  const l = (command !== undefined ? OPTION_LIMITS[`${command} ${flag}`] : undefined) ?? OPTION_LIMITS[flag];
  if (l && ((l.above ? !(n > l.min) : !(n >= l.min)) || !(n <= l.max))) {
    throw usageError('out-of-range', `${flag} ${text} is out of range: it must be ${l.whole ? 'a whole number ' : ''}${rangeText(l)}`, 'see `meds --help` and the README\'s limits');
  }
  return n;
}

export { EXIT };
