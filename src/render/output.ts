/**
 * The one place that decides color and layout for the terminal.
 * Color only when stdout is a TTY, NO_COLOR is unset (or empty), --no-color
 * was not given and TERM is not "dumb"; FORCE_COLOR forces it (for tests).
 * Data goes to stdout, messages to stderr. A closed pipe (`meds today | head -1`)
 * ends the process quietly.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  blue(s: string): string;
  magenta(s: string): string;
}

export interface Output {
  color: boolean;
  json: boolean;
  p: Palette; // stdout palette
  e: Palette; // stderr palette
  /** Data: to stdout. */
  print(text: string): void;
  /** A JSON document to stdout. */
  printJson(value: unknown): void;
  /** A message to stderr (prefixed in the caller's words). */
  warn(text: string): void;
}

export function wantsColor(stream: { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}

function palette(enabled: boolean): Palette {
  const c: ChalkInstance = new Chalk({ level: enabled ? 1 : 0 });
  return { bold: c.bold, dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan, blue: c.blue, magenta: c.magenta };
}

let pipeHandled = false;
function handleClosedPipes(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        // The reader went away (e.g. `| head -1`): nothing more to say to it.
        process.exitCode ??= 0;
        process.exit();
      }
      throw err;
    });
  }
}

export function makeOutput(opts: { noColor?: boolean; json?: boolean } = {}): Output {
  handleClosedPipes();
  const color = !opts.json && wantsColor(process.stdout, !!opts.noColor);
  const errColor = wantsColor(process.stderr, !!opts.noColor);
  const e = palette(errColor);
  return {
    color,
    json: !!opts.json,
    p: palette(color),
    e,
    print: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    printJson: (value) => {
      process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
    warn: (text) => {
      process.stderr.write(e.yellow(text) + '\n');
    },
  };
}
