/**
 * Time-zone rules: the UTC offset of an IANA zone at an instant.
 *
 * Two engines give the same answers (test/core/zone.test.ts compares them):
 * - `intl`: luxon's IANAZone, over Intl.DateTimeFormat. Portable, but the first
 *   Intl formatter of a process costs ~30 ms (ICU loads its locale data), which is
 *   most of a short command's own time.
 * - `tz`: the JavaScript Date's local time with `process.env.TZ` set to the zone
 *   (Node re-reads TZ when it is assigned). Same ICU zone data, no locale data:
 *   ~2 ms to start, under a microsecond an offset. It changes a process-wide setting,
 *   so it lives here alone; it sets TZ before every look-up, so clocks of several
 *   zones in one process stay correct.
 * `zoneRules` uses `tz` where a start-up probe shows it works, and `intl` otherwise.
 */
import { requireLazily } from '../lazy.js';

type Luxon = typeof import('luxon');
let luxon: Luxon | undefined;
/** luxon is loaded only where the `intl` engine is used (it is a quarter of the bundle otherwise). */
const IANA = () => (luxon ??= requireLazily<Luxon>('luxon')).IANAZone;

export interface ZoneRules {
  readonly name: string;
  /** Offset from UTC in minutes at an instant (UTC+2 is 120). */
  offset(t: number): number;
  /** offset(t) of each instant, into `out` (for years of days at once). */
  offsets(ts: Float64Array, out: Float64Array): void;
}

export function intlZone(name: string): ZoneRules {
  const z = IANA().create(name);
  return {
    name,
    offset: (t) => z.offset(t),
    offsets(ts, out) {
      for (let i = 0; i < ts.length; i++) out[i] = z.offset(ts[i]!);
    },
  };
}

let tzWorks: boolean | undefined;
/** Does assigning process.env.TZ change the Date's local time here? (Node does; some embeddings may not.) */
function tzEngineWorks(): boolean {
  if (tzWorks === undefined) {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      const summer = -new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset();
      process.env.TZ = 'Asia/Kolkata';
      const india = -new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset();
      tzWorks = summer === -240 && india === 330;
    } catch {
      tzWorks = false;
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  }
  return tzWorks;
}

export function tzZone(name: string): ZoneRules {
  return {
    name,
    offset(t) {
      if (process.env.TZ !== name) process.env.TZ = name;
      return -new Date(t).getTimezoneOffset();
    },
    offsets(ts, out) {
      // (Reading process.env costs as much as the look-up: TZ is set once for the whole batch.)
      if (process.env.TZ !== name) process.env.TZ = name;
      for (let i = 0; i < ts.length; i++) out[i] = -new Date(ts[i]!).getTimezoneOffset();
    },
  };
}

const PROBES = [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15), Date.UTC(2000, 0, 15), Date.UTC(2000, 6, 15)];

/**
 * Is this an IANA zone name? An unknown name makes the Date fall back to UTC, so a
 * zone whose offset is not always 0 is known for certain; one that looks like UTC
 * (UTC itself, Africa/Abidjan, a typo) is asked of Intl.
 */
export function isValidZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  if (tzEngineWorks()) {
    const z = tzZone(name);
    if (PROBES.some((t) => z.offset(t) !== 0)) return true;
  }
  return IANA().isValidZone(name);
}

/** The rules for a zone (assumed valid: see isValidZone). */
export function zoneRules(name: string): ZoneRules {
  return tzEngineWorks() ? tzZone(name) : intlZone(name);
}
