/**
 * The one place that decides color and layout for the terminal.
 * Color only when stdout is a TTY, NO_COLOR is unset (or empty), --no-color
 * was not given and TERM is not "dumb"; FORCE_COLOR forces it (for tests).
 * Data goes to stdout, messages to stderr, written straight to the file
 * descriptors. Output to a closed pipe (`meds today | head -1`) is dropped, and the command ends
 * with its own exit code.
 */
import { fstatSync, writeSync } from 'node:fs';
import { humanText, sgr } from './escape.js';
import { requireLazily } from '../lazy.js';

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
  /** Text to stderr as it is (an error report), its control characters escaped. */
  error(text: string): void;
}

function wantsColor(isTTY: () => boolean, noColorFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY();
}

const plain = (s: string) => s;
/** No color: what a pipe, NO_COLOR or --no-color gets. */
export const plainPalette: Palette = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain, blue: plain, magenta: plain };

/**
 * A style: the palette's tagged codes (render/escape.ts) around the text. As chalk does, an inner
 * style's closing code re-opens this one, and the style is closed and re-opened around line breaks.
 */
function style(open: number, close: number): (s: string) => string {
  const o = sgr(open);
  const c = sgr(close);
  return (s) => (s === '' ? s : o + s.split(c).join(c + o).replace(/\r?\n/g, `${c}$&${o}`) + c);
}

function palette(enabled: boolean): Palette {
  if (!enabled) return plainPalette;
  return { bold: style(1, 22), dim: style(2, 22), red: style(31, 39), green: style(32, 39), yellow: style(33, 39), cyan: style(36, 39), blue: style(34, 39), magenta: style(35, 39) };
}

/**
 * Whether fd is a terminal. A terminal is a character device, so for a pipe, a file or
 * /dev/null (cron, scripts) this is one fstat, without loading node:tty and the stream
 * modules it brings (several milliseconds of a short run).
 */
export function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice()) return false;
    // Linux's memory devices (major 1: /dev/null, /dev/zero, /dev/full), where cron jobs send output.
    if (process.platform === 'linux' && ((st.rdev >> 8) & 0xfff) === 1) return false;
  } catch {
    return false;
  }
  return requireLazily<typeof import('node:tty')>('node:tty').isatty(fd);
}

/**
 * The width to lay human output out in: $COLUMNS when set, else the terminal's width when stdout is
 * one; undefined (no wrapping) for a pipe or a file.
 */
export function outputWidth(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const c = Number(env.COLUMNS);
  if (Number.isInteger(c) && c > 0) return c;
  if (!isTerminal(1)) return undefined;
  const tty = requireLazily<typeof import('node:tty')>('node:tty');
  const cols = new tty.WriteStream(1).columns;
  return cols > 0 ? cols : undefined;
}

let pause: Int32Array | undefined;
const gone = new Set<number>();

/**
 * Write all of text to fd, synchronously, as process.stdout does for files and pipes,
 * without creating that stream. A closed pipe (the reader went away, e.g. `| head -1`) is
 * quiet: what would have gone there is dropped, and the command ends with its own exit code.
 * A pipe another process made non-blocking is waited on.
 */
export function writeOut(fd: number, text: string): void {
  if (gone.has(fd)) return;
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait((pause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 1);
        continue;
      }
      if (code === 'EPIPE') {
        gone.add(fd);
        return;
      }
      throw err;
    }
  }
}

export function makeOutput(opts: { noColor?: boolean; json?: boolean } = {}): Output {
  const color = !opts.json && wantsColor(() => isTerminal(1), !!opts.noColor);
  const errColor = wantsColor(() => isTerminal(2), !!opts.noColor);
  const e = palette(errColor);
  return {
    color,
    json: !!opts.json,
    p: palette(color),
    e,
    // Every text for a person goes through humanText (render/escape.ts): control characters escaped.
    print: (text) => {
      writeOut(1, humanText(text.endsWith('\n') ? text : text + '\n', color));
    },
    printJson: (value) => {
      writeOut(1, JSON.stringify(value, null, 2) + '\n');
    },
    warn: (text) => {
      writeOut(2, humanText(e.yellow(text), errColor) + '\n');
    },
    error: (text) => {
      writeOut(2, humanText(text.endsWith('\n') ? text : text + '\n', errColor));
    },
  };
}
