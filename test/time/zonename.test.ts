/** The hint for a time zone name meds does not accept: the nearest IANA name, or the Etc name of a POSIX-style offset. */
import { describe, expect, it } from 'vitest';
import { suggestZone, zoneHint } from '../../src/time/zonename.js';
import { isValidZone } from '../../src/time/zone.js';

describe('zone suggestions', () => {
  it.each([
    ['America/New_Yrok', 'America/New_York'],
    ['america/new_york', 'America/New_York'],
    ['us/eastern', 'America/New_York'],
    ['utc', 'UTC'],
    ['New York', 'America/New_York'],
    ['london', 'Europe/London'],
    ['Europe/Londn', 'Europe/London'],
  ])('%s: did you mean %s', (name, want) => {
    expect(suggestZone(name)).toBe(want);
    expect(isValidZone(want)).toBe(true);
    expect(zoneHint(name)).toBe(`did you mean \`${want}\`? (an IANA name such as America/New_York or Europe/London)`);
  });

  it.each([
    ['UTC+5', 'UTC+5', 'Etc/GMT-5'],
    ['GMT-3', 'UTC-3', 'Etc/GMT+3'],
    ['utc+14', 'UTC+14', 'Etc/GMT-14'],
  ])('%s: names the Etc zone with the sign IANA gives it', (name, offset, etc) => {
    expect(zoneHint(name)).toBe(`use the zone of the place, such as Europe/Paris; for a fixed offset of ${offset} the IANA name is ${etc} (IANA reverses the sign)`);
    expect(isValidZone(etc)).toBe(true);
  });

  it.each(['UTC+24', 'UTC-13', 'Mars+3', 'ABC-10', 'Olympus Mons'])('%s: no suggestion, the general hint', (name) => {
    expect(zoneHint(name)).toBe('use an IANA name such as America/New_York or Europe/London');
  });
});
