/** End to end: `meds check` warns when a medicine taken once a week is scheduled daily. Run `npm run build` first. */
import { describe, expect, it } from 'vitest';
import { meds, read, writeTemp } from '../helpers/cli.js';

const file = (schedule: string) => `meds: 1
patient: { timezone: Europe/London }
medications:
  - { id: methotrexate, strength: 2.5 mg, dose: 4, schedule: ${schedule} }
  - { id: bones, name: Fosamax 70 mg, schedule: { times: ["07:00"] } }
`;

describe('meds check: a weekly medicine scheduled daily', () => {
  it('exits 0 (the file is valid) with one warning per medication on stderr, naming it, what to check and the sources', () => {
    const f = writeTemp(file('{ times: ["08:00"] }'));
    const before = read(f);
    const r = meds(['--file', f, 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^meds: warning: .*regimen\.yaml:4:\d+: methotrexate is scheduled more often than once a week \(medications\[0\]\.schedule\)\. Methotrexate for rheumatoid arthritis.*ONCE A WEEK.*\(sources: .*ISMP.*NPSA/);
    expect(lines[1]).toMatch(/^meds: warning: .*regimen\.yaml:5:\d+: bones \(alendronate 70 mg \(or 35 mg\)\) is scheduled more often than once a week.*5 mg and 10 mg/);
    expect(read(f)).toBe(before);

    const j = meds(['--file', f, 'check', '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    // `check --json` is the check document, schemaVersion 2 (docs/json.md): each validation warning is a finding.
    expect(doc.schemaVersion).toBe(2);
    expect(doc.files[0].findings.map((w: { code: string; severity: string; line: number }) => [w.code, w.severity, w.line])).toEqual([
      ['file.weekly-drug-daily', 'warning', 4],
      ['file.weekly-drug-daily', 'warning', 5],
    ]);
  });

  it('is silent for methotrexate once a week', () => {
    const f = writeTemp(file('{ days: [mon], times: ["08:00"] }').replace('Fosamax 70 mg, schedule: { times: ["07:00"] }', 'Fosamax 70 mg, schedule: { days: [sun], times: ["07:00"] }'));
    expect(meds(['--file', f, 'check'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});
