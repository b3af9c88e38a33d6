/** Build a normalized regimen from a few lines of YAML, as the file would say it. */
import { parseRegimen } from '../../src/store/load-parse.js'; // (the internal entry: the tests' options)
import { Clock } from '../../src/time/time.js';
import type { Regimen } from '../../src/model/types.js';

export function regimen(body: string, timezone = 'America/New_York'): Regimen {
  const text = `meds: 1
patient:
  timezone: ${timezone}
  routine: { wake: "06:30", breakfast: "07:00", lunch: "12:00", dinner: "18:00", bed: "22:00" }
${body}`;
  return parseRegimen(text, 'test.yaml', { full: true }).regimen;
}

/** One medication with a schedule given as YAML flow text. */
export function oneMed(schedule: string, timezone = 'America/New_York', extra = ''): Regimen {
  return regimen(`medications:\n  - { id: m, schedule: ${schedule}${extra} }\n`, timezone);
}

export function clockOf(r: Regimen): Clock {
  return new Clock(r.patient.timezone);
}
