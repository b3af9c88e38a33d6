/**
 * What to say about a time zone name meds does not accept (see zone.ts isValidZone): the
 * nearest IANA name, or, for a POSIX-style offset such as `UTC+5`, the Etc name with IANA's
 * reversed sign, so the user sees which way the offset goes.
 */
import { nearest } from '../errors.js';
import { canonicalZone, listedZones } from './zone.js';

const GENERIC = 'use an IANA name such as America/New_York or Europe/London';

/** The hint for an unknown zone name. */
export function zoneHint(name: string): string {
  const offset = /^(?:UTC|GMT)([+-])(\d{1,2})$/i.exec(name.trim());
  if (offset) {
    const east = offset[1] === '+';
    const h = +offset[2]!;
    // Etc/GMT-14 (UTC+14) to Etc/GMT+12 (UTC-12) exist; Etc/GMT-5 is five hours ahead of UTC.
    if (h > 0 && h <= (east ? 14 : 12)) {
      return `use the zone of the place, such as Europe/Paris; for a fixed offset of UTC${east ? '+' : '-'}${h} the IANA name is Etc/GMT${east ? '-' : '+'}${h} (IANA reverses the sign)`;
    }
    return GENERIC;
  }
  const near = suggestZone(name);
  return near ? `did you mean \`${near}\`? (${GENERIC.replace(/^use /, '')})` : GENERIC;
}

/** The IANA name nearest to `name`: the same name in IANA's capitals, a city's zone, or one a typo away. */
export function suggestZone(name: string): string | undefined {
  const zones = listedZones();
  const key = name.trim().replace(/ /g, '_').toLowerCase();
  if (key === '') return undefined;
  const byCase = [...zones].find((z) => z.toLowerCase() === key);
  if (byCase) return byCase;
  // "new york", "Kolkata": the zone whose last part is that city.
  const city = [...zones].find((z) => z.toLowerCase().endsWith('/' + key));
  if (city) return city;
  const canonical = canonicalZone(name);
  if (canonical !== undefined && canonical !== 'Etc/Unknown') return canonical;
  return nearest(key, zones);
}
