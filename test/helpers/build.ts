/** Plain normalized objects for core tests: a fixed zone (America/New_York) and small builders. */
import type { LogEntry, Medication, Phase, Regimen, TimeOfDay } from '../../src/model/types.js';
import { Clock, HOUR, parseDay, parseHM } from '../../src/time/time.js';

export const clock = new Clock('America/New_York');
export const day = (s: string) => parseDay(s)!;
/** Local wall time in New York. */
export const t = (s: string) => clock.parse(s)!;
export const tod = (x: string | TimeOfDay): TimeOfDay => (typeof x === 'string' ? { minute: parseHM(x)!, label: x } : x);

export function phase(p: Omit<Partial<Phase>, 'times'> & { times?: (string | TimeOfDay)[] } = {}): Phase {
  const { times = [], ...rest } = p;
  return { index: 0, dose: 1, asNeeded: false, ...rest, times: times.map(tod) };
}

export function regimen(meds: Medication[], log: LogEntry[] = [], settings: Partial<Regimen['settings']> = {}): Regimen {
  return {
    version: 1,
    patient: { timezone: 'America/New_York', allergies: [], conditions: [], routine: {} },
    settings: { earlyMs: HOUR, lateMs: 2 * HOUR, ...settings },
    medications: meds.map((m, i) => ({ ...m, index: i })),
    log: log.map((e, i) => ({ ...e, index: i })),
  };
}
