/** Every numeric option commander declares has a range in src/cli/limits.ts, and the README states it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { OPTION_LIMITS, rangeText } from '../../src/cli/limits.js';
import { inRange } from '../../src/cli/context.js';
import { MedsError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';

/** The value placeholders of numeric options (a new numeric option must use one, or be added here). */
const NUMERIC = /<(n|d|fraction|on\/off)>/;

const numericOptions = buildProgram().commands.flatMap((c) => c.options.filter((o) => NUMERIC.test(o.flags)).map((o) => ({ command: c.name(), flag: o.long! })));

describe('numeric options', () => {
  it('finds the numeric options of every command', () => {
    expect(numericOptions.map((o) => `${o.command} ${o.flag}`)).toEqual(
      expect.arrayContaining(['missed --days', 'adherence --days', 'adherence --threshold', 'history --days', 'take --dose', 'refill --quantity', 'refill --days-supply', 'add --count', 'add --max-per-day', 'add --cycle', 'edit --dose']),
    );
  });

  it('each has a range', () => {
    for (const o of numericOptions) expect(OPTION_LIMITS[`${o.command} ${o.flag}`] ?? OPTION_LIMITS[o.flag], `${o.command} ${o.flag}`).toBeDefined();
  });

  it('the README states each range', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    for (const [flag, l] of Object.entries(OPTION_LIMITS)) expect(readme, flag).toContain(`\`${flag}\`: ${rangeText(l)}`);
  });

  it('accepts the ends of each range and refuses just past them, naming the flag and the range', () => {
    for (const [key, l] of Object.entries(OPTION_LIMITS)) {
      const [command, flag] = key.includes(' ') ? key.split(' ') : [undefined, key];
      expect(inRange(l.max, String(l.max), flag!, command)).toBe(l.max);
      if (!l.above) expect(inRange(l.min, String(l.min), flag!, command)).toBe(l.min);
      for (const bad of [l.max + (l.whole ? 1 : 0.001), l.above ? l.min : l.min - 1, Infinity, NaN]) {
        let err: unknown;
        try {
          inRange(bad, String(bad), flag!, command);
        } catch (e) {
          err = e;
        }
        expect(err, `${key} ${bad}`).toBeInstanceOf(MedsError);
        expect((err as MedsError).exitCode).toBe(2);
        expect((err as MedsError).message).toBe(`${flag} ${bad} is out of range: it must be ${l.whole ? 'a whole number ' : ''}${rangeText(l)}`);
      }
    }
  });
});
