/** End to end: monthly doses on days some months lack (`monthDays: [31]`, `[last]`). Run `npm run build` first. */
import { describe, expect, it } from 'vitest';
import { meds, writeTemp } from '../helpers/cli.js';

const file = (md: string) => `meds: 1
patient: { timezone: Europe/London }
medications:
  - { id: ibandronate, name: Bonviva 150 mg, schedule: { monthDays: ${md}, times: ["07:00"], from: 2026-01-01 } }
`;

describe('monthDays at month ends', () => {
  it.each(['[31]', '[last]'])('%s: check is clean, list says "the last day of the month", and today on 30 April has the dose', (md) => {
    const f = writeTemp(file(md));
    const check = meds(['--file', f, 'check']);
    expect(check).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const list = JSON.parse(meds(['--file', f, 'list', '--json']).stdout);
    expect(list.medications[0].schedule).toBe('on the last day of the month at 07:00, from 2026-01-01');
    const today = meds(['--file', f, '--now', '2026-04-30T05:00', 'today', '--json']);
    expect(today.code).toBe(0);
    expect(JSON.parse(today.stdout).doses).toMatchObject([{ med: 'ibandronate', slot: '2026-04-30T07:00', status: 'upcoming' }]);
  });

  it('a missed monthly dose on 28 February (for the 31st) is found by missed', () => {
    const f = writeTemp(file('[31]'));
    const r = meds(['--file', f, '--now', '2026-02-28T20:00', 'missed', '--json']);
    expect(JSON.parse(r.stdout).advice.map((a: { scheduledAt: string }) => a.scheduledAt)).toEqual(['2026-02-28T07:00+00:00']);
  });

  it('a value that is neither a day nor `last` is an error naming the key (exit 65)', () => {
    const r = meds(['--file', writeTemp(file('[first]')), 'check']);
    expect(r.code).toBe(65);
    expect(r.stderr).toMatch(/monthDays\[0\]: "first" is not one of last/);
  });
});
