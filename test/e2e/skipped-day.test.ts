/**
 * End to end: a calendar day the patient's zone skipped (Pacific/Apia went from 2011-12-29 to
 * 2011-12-31). Run `npm run build` first.
 */
import { describe, expect, it } from 'vitest';
import { meds, read, writeTemp } from '../helpers/cli.js';

const FILE = `meds: 1
patient: { timezone: Pacific/Apia }
medications:
  - { id: metformin, name: Metformin, strength: 500 mg, schedule: { times: ["08:00"], from: 2011-12-26 } }
`;

describe('Pacific/Apia, 2011-12-30 (a day that never happened there)', () => {
  it('take the morning after answers that morning\'s dose; today shows it taken and advises nothing more', () => {
    const f = writeTemp(FILE);
    const take = meds(['--file', f, '--now', '2011-12-31T08:05', 'take', 'metformin', '--json']);
    expect(take.code).toBe(0);
    expect(JSON.parse(take.stdout).recorded).toMatchObject({ for: '2011-12-31T08:00', kind: 'scheduled', onTime: true });
    expect(read(f)).toContain('for: 2011-12-31T08:00');
    expect(read(f)).not.toContain('2011-12-30');

    const today = meds(['--file', f, '--now', '2011-12-31T09:00', 'today', '--json']);
    expect(today.code).toBe(0);
    expect(today.stderr).toBe('');
    const j = JSON.parse(today.stdout);
    expect(j.date).toBe('2011-12-31');
    expect(j.doses).toHaveLength(1);
    expect(j.doses[0]).toMatchObject({ med: 'metformin', slot: '2011-12-31T08:00', at: '2011-12-31T08:00+14:00', status: 'taken' });
    expect(j.doses[0].advice).toBeUndefined();
    expect(j.extra).toEqual([]);

    const missed = meds(['--file', f, '--now', '2011-12-31T09:00', 'missed', '--json']);
    expect(JSON.parse(missed.stdout).advice.filter((a: { scheduledAt: string }) => a.scheduledAt >= '2011-12-30')).toEqual([]);
  });

  it('a dose named on the skipped day is refused (exit 2), not credited to it', () => {
    const f = writeTemp(FILE);
    const before = read(f);
    const r = meds(['--file', f, '--now', '2011-12-31T08:05', 'take', 'metformin', '--for', '2011-12-30T08:00']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no dose scheduled at 2011-12-30 08:00/);
    expect(read(f)).toBe(before);
  });

  it('adherence counts no dose for the skipped day', () => {
    const log = ['2011-12-26', '2011-12-27', '2011-12-28', '2011-12-29', '2011-12-31', '2012-01-01']
      .map((d) => `  - { at: "${d}T08:02${d < '2011-12-30' ? '-10:00' : '+14:00'}", med: metformin, status: taken, for: "${d}T08:00" }`)
      .join('\n');
    const f = writeTemp(`${FILE}log:\n${log}\n`);
    const r = meds(['--file', f, '--now', '2012-01-02T12:00', 'adherence', '--from', '2011-12-26', '--to', '2012-01-01', '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout).medications[0];
    expect(m).toMatchObject({ med: 'metformin', scheduled: 6, taken: 6, missed: 0, extra: 0, takingAdherence: 1, longestGapDays: 0 });
  });
});
