/**
 * End to end through the built binary: the missed-dose cases first reported in
 * issue 14, as a script sees them (no TTY, --json, exit codes, the file untouched).
 */
import { describe, expect, it } from 'vitest';
import { meds, read, writeTemp } from '../helpers/cli.js';

interface Advice {
  med: string;
  scheduledAt: string;
  action: string;
  takeBy: string | null;
  caution: string;
  warnings: string[];
  covers: string[];
  rule: { id: string; reference: string };
}

function missed(yaml: string, now: string): { code: number | null; advice: Advice[]; stderr: string; file: string; before: string } {
  const file = writeTemp(`meds: 1\npatient: { timezone: America/New_York }\n${yaml}`);
  const before = read(file);
  const r = meds(['--file', file, '--now', now, 'missed', '--json']);
  const j = JSON.parse(r.stdout);
  expect(j.schemaVersion).toBe(1);
  return { code: r.code, advice: j.advice, stderr: r.stderr, file, before };
}

describe('meds missed --json: the reported unsafe cases', () => {
  it('Biktarvy missed at 09:00 and found the next morning: skip, not take-now an hour before the next dose', () => {
    const r = missed('medications:\n  - { id: arv, name: Biktarvy, schedule: { times: ["09:00"], from: 2026-03-01 } }\n', '2026-03-03T08:00');
    expect(r.code).toBe(0);
    expect(r.advice).toHaveLength(1);
    expect(r.advice[0]).toMatchObject({ action: 'skip', scheduledAt: '2026-03-02T09:00-05:00', rule: { id: 'antiretroviral-bictegravir' } });
    expect(r.advice[0]!.rule.reference).toMatch(/Biktarvy/);
    expect(r.stderr).toBe('');
    expect(read(r.file)).toBe(r.before);
  });

  it.each([
    ['the strength only in the name', 'name: "Xarelto 2.5 mg"'],
    ['a decimal comma', 'name: Xarelto, strength: "2,5 mg"'],
  ])('Xarelto twice daily with %s, found 15 minutes before the next dose: skip (2.5 mg rule), never two doses', (_, fields) => {
    const r = missed(`medications:\n  - { id: riva, ${fields}, schedule: { times: ["08:00", "20:00"], from: 2026-03-01 } }\n`, '2026-03-02T19:45');
    expect(r.code).toBe(0);
    expect(r.advice).toHaveLength(1);
    expect(r.advice[0]).toMatchObject({ action: 'skip', covers: [], rule: { id: 'rivaroxaban-2.5mg-twice-daily' } });
  });

  it('Xarelto twice daily with no strength: the safer branch, and it says why', () => {
    const r = missed('medications:\n  - { id: riva, name: Xarelto, schedule: { times: ["08:00", "20:00"], from: 2026-03-01 } }\n', '2026-03-02T19:45');
    expect(r.advice[0]).toMatchObject({ action: 'skip', covers: [], rule: { id: 'rivaroxaban-twice-daily-strength-unknown' } });
    expect(r.advice[0]!.warnings.join(' ')).toContain('cannot tell which');
  });

  it('dabigatran once daily (post-surgery): no make-up, not the twice-daily 6-hour rule', () => {
    const r = missed('medications:\n  - { id: dabi, name: "Pradaxa 110 mg", dose: 2, schedule: { times: ["10:00"], from: 2026-03-01 } }\n', '2026-03-02T13:00');
    expect(r.code).toBe(0);
    expect(r.advice[0]).toMatchObject({ action: 'skip', rule: { id: 'dabigatran-once-daily' } });
  });

  it('combined pill, pills 7 and 8 missed: the last one now, 7 days of extra contraception, and the emergency-contraception warning', () => {
    const r = missed(
      'medications:\n  - { id: pill, name: Microgynon, schedule: { times: ["21:00"], cycle: { on: 21, off: 7 }, from: 2026-03-02 } }\n' +
        'log:\n  - { at: 2026-03-07T21:02-05:00, med: pill, for: 2026-03-07T21:00, status: taken }\n',
      '2026-03-10T22:00',
    );
    expect(r.code).toBe(1);
    expect(r.advice).toHaveLength(1);
    const a = r.advice[0]!;
    expect(a).toMatchObject({ action: 'take-now', scheduledAt: '2026-03-09T21:00-04:00', rule: { id: 'combined-pill' } });
    expect(a.warnings).toContain('Use extra contraception, such as condoms, for the next 7 days.');
    expect(a.warnings.join(' ')).toContain('emergency contraception');
  });

  it('a traditional progestogen-only pill 3 h 30 late under a 4-hour on-time window: extra contraception, in missed and today', () => {
    const yaml = 'settings: { window: { late: 4h } }\nmedications:\n  - { id: pop, name: Noriday, schedule: { times: ["09:00"], from: 2026-03-02 } }\n';
    const r = missed(yaml, '2026-03-02T12:30');
    expect(r.code).toBe(1);
    expect(r.advice).toHaveLength(1);
    expect(r.advice[0]).toMatchObject({ action: 'take-now', rule: { id: 'pill-progestogen-traditional' } });
    expect(r.advice[0]!.warnings.join(' ')).toContain('48 hours');
    const t = meds(['--file', r.file, '--now', '2026-03-02T12:30', 'today', '--json']);
    expect(t.code).toBe(0);
    const dose = JSON.parse(t.stdout).doses[0];
    expect(dose.advice).toMatchObject({ action: 'take-now' });
    expect(dose.advice.message).toContain('Take one pill now');
    expect(read(r.file)).toBe(r.before);
  });
});
