/**
 * Time-zone rules: the UTC offset of an IANA zone at an instant.
 *
 * Two engines give the same answers (test/time/zone.test.ts compares them):
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

let listed: Set<string> | undefined;
/** The zone names ICU lists (one canonical spelling each, as CLDR spells it: Asia/Calcutta, Europe/Kiev), and UTC. */
export function listedZones(): Set<string> {
  return (listed ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']));
}

/**
 * Is this an IANA zone name? Never judged by whether an offset comes back: the Date reads
 * `UTC+5`, `Mars+3` or `ABC-10` as POSIX TZ strings (with the sign reversed), and an unknown
 * name as UTC. A name is a zone when ICU lists it (the list costs about 2 ms), or when it is an
 * alias ICU knows (Etc/UTC, US/Eastern, Asia/Kolkata), spelled with IANA's capitals: Intl matches
 * names in any case, but the `tz` engine does not (`us/eastern` would be UTC there), so the two
 * engines must agree on it. Asking Intl costs a formatter (about 20 ms), so a name the `tz`
 * engine alone can vouch for is not asked.
 */
/** Answers so far: a run over many files asks about the same few zones again and again. */
const validity = new Map<string, boolean>();

export function isValidZone(name: string): boolean {
  let v = validity.get(name);
  if (v === undefined) {
    v = zoneNameIsValid(name);
    if (validity.size < 4096) validity.set(name, v);
  }
  return v;
}

function zoneNameIsValid(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  const capitals = name.split('/').every((part) => /^[A-Z]/.test(part));
  const tz = tzEngineWorks() ? tzZone(name) : undefined;
  // A POSIX TZ string needs digits (its offset) and an unknown name reads as UTC: a name without
  // digits that is not UTC all year is one ICU knows (America/New_York, Asia/Kolkata, US/Eastern),
  // as Intl would confirm. Most names are answered so, without building the list.
  if (tz && capitals && !/\d/.test(name) && PROBES.some((t) => tz.offset(t) !== 0)) return true;
  if (listedZones().has(name)) return true;
  if (!capitals) return false;
  if (canonicalZone(name) === undefined) return false;
  if (tz) {
    const intl = intlZone(name);
    if (PROBES.some((t) => tz.offset(t) !== intl.offset(t))) return false;
  }
  return true;
}

/** The canonical name Intl gives a zone name (in any case), or undefined when Intl does not know it. */
export function canonicalZone(name: string): string | undefined {
  if (/^[+-]/.test(name)) return undefined; // an offset ("+05:00"), which newer Intl also accepts
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The rules for a zone (assumed valid: see isValidZone). */
export function zoneRules(name: string): ZoneRules {
  return tzEngineWorks() ? tzZone(name) : intlZone(name);
}
