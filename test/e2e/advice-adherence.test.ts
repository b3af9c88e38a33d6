/** End to end: missed-dose advice, adherence and refills, as a script sees them (no TTY, exit codes, JSON). */
import { describe, expect, it } from 'vitest';
import { copyFixture, meds, read, writeTemp } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';
const on = (file: string, ...args: string[]) => meds(['--file', file, '--now', NOW, ...args]);

describe('meds missed', () => {
  it('exits 1 with advice naming its rule and source when a dose should be taken now', () => {
    const r = on(copyFixture(), 'missed', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(1);
    const levo = j.advice.find((a: { med: string }) => a.med === 'levothyroxine');
    expect(levo).toMatchObject({ action: 'take-now', scheduledAt: '2026-03-08T06:30-04:00', nextDoseAt: '2026-03-10T06:30-04:00', rule: { source: 'builtin', id: 'levothyroxine' } });
    expect(levo.rule.reference).toMatch(/leaflet/i);
    for (const a of j.advice) expect(['take-now', 'take-next-morning', 'skip', 'contact-prescriber', 'follow-plan']).toContain(a.action);
  });

  it('exits 0 when no missed dose needs action, and always says never to double up', () => {
    const f = writeTemp('meds: 1\npatient: { timezone: UTC }\nmedications:\n  - { id: a, schedule: { times: ["08:00", "20:00"] } }\n');
    const r = meds(['--file', f, '--now', '2026-03-08T19:30Z', 'missed']);
    expect(r.code).toBe(0); // 08:00 was missed, but the 20:00 dose is nearly due: skip
    expect(r.stdout).toContain('SKIP');
    expect(r.stdout).toContain('Never take a double dose');
    expect(r.stdout).toContain('Rule: general (general)');
  });

  it('follows the regimen\'s own instruction first', () => {
    const f = writeTemp('meds: 1\npatient: { timezone: UTC }\nmedications:\n  - { id: a, schedule: { times: ["08:00"] }, missed: { advice: "Call the clinic" } }\n');
    const j = JSON.parse(meds(['--file', f, '--now', '2026-03-08T11:00Z', 'missed', '--json']).stdout);
    expect(j.advice[0]).toMatchObject({ action: 'contact-prescriber', rule: { source: 'regimen' } });
  });

  it('--days adds where missed doses cluster', () => {
    const j = JSON.parse(on(copyFixture(), 'missed', '--days', '7', '--json').stdout);
    expect(j.patterns.overall.sentence).toEqual(expect.any(String));
  });

  it('shows the advice beside a missed dose in today', () => {
    const r = on(copyFixture(), 'today');
    expect(r.stdout).toMatch(/06:30\s+levothyroxine.*MISSED take-now: Take your 06:30 levothyroxine now/);
  });
});

describe('meds adherence', () => {
  it('reports every medication with the documented JSON fields', () => {
    const f = copyFixture();
    on(f, 'take', 'levothyroxine');
    const r = on(f, 'adherence', '--days', '7', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schemaVersion: 1, from: '2026-03-02', to: '2026-03-08' });
    const m = j.medications.find((x: { med: string }) => x.med === 'metformin');
    for (const k of ['scheduled', 'taken', 'onTime', 'skipped', 'missed', 'takingAdherence', 'timingAdherence', 'correctDosingDays', 'longestGapDays', 'pdc', 'adherent']) expect(m).toHaveProperty(k);
    expect(m.pdc).toBeNull();
  });

  it('draws a picture readable without color, and refuses --days with --from (exit 2)', () => {
    const f = copyFixture();
    const r = on(f, 'adherence', '--days', '14');
    expect(r.stdout).toContain('taken on time');
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const bad = on(f, 'adherence', '--days', '7', '--from', '2026-03-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--days and --from/--to cannot be used together');
  });
});

describe('meds refill and meds refills', () => {
  const file = () =>
    writeTemp(`meds: 1
patient: { timezone: UTC }
medications:
  - id: a   # keep this comment
    schedule: { times: ["08:00", "20:00"] }
    supply: { onHand: 10, countedAt: 2026-03-01, refillsLeft: 1, quantity: 60, leadDays: 7 }
`);
  it('refills exits 1 when a medication must be refilled now, and refill records the fill keeping comments', () => {
    const f = file();
    const before = on(f, 'refills', '--json');
    expect(before.code).toBe(1);
    expect(JSON.parse(before.stdout).medications[0]).toMatchObject({ med: 'a', status: 'refill-now', onHand: 10, runsOutOn: '2026-03-13', refillBy: '2026-03-06', refillsLeft: 1 });
    const r = on(f, 'refill', 'a');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Recorded a fill of 60 a on 2026-03-08 (30 days\' supply); 0 refills left.');
    expect(read(f)).toContain('# keep this comment');
    const after = JSON.parse(on(f, 'refills', '--json').stdout).medications[0];
    expect(after).toMatchObject({ refillsLeft: 0 });
    expect(after.runsOutOn > '2026-03-30').toBe(true);
  });
});

describe('the JSON contract on every path', () => {
  it('a usage error with --json prints the error document on stdout (exit 2)', () => {
    for (const args of [['bogus'], ['today', '--bogus'], ['skip']]) {
      const r = meds(['--json', ...args]);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, error: { exitCode: 2 } });
    }
  });
  it('undo reports the removed entry\'s time as written, also when the file is read by the full parser (CRLF)', () => {
    const f = writeTemp(read(copyFixture()).replace(/\n/g, '\r\n'));
    const j = JSON.parse(on(f, 'undo', '--json').stdout);
    expect(j.removed).toMatchObject({ med: 'apixaban', at: '2026-03-08T09:30-04:00', status: 'skipped' });
  });
});

describe('a medication added mid-period', () => {
  it('is counted from the day it was added: no missed doses before it', () => {
    const f = writeTemp('meds: 1\npatient: { timezone: UTC }\nmedications: []\n');
    expect(meds(['--file', f, '--now', '2026-03-08T07:00Z', 'add', 'a', '--times', '08:00,20:00']).code).toBe(0);
    const j = JSON.parse(meds(['--file', f, '--now', '2026-03-09T23:00Z', 'adherence', '--days', '30', '--json']).stdout);
    expect(j.medications[0]).toMatchObject({ med: 'a', scheduled: 4, missed: 4 });
  });
});

describe('a medication named on the command line by its name or in another case', () => {
  it('history, missed and adherence resolve it to its id, as take does', () => {
    const f = copyFixture();
    const h = JSON.parse(on(f, 'history', '--med', 'Metformin', '--json').stdout);
    expect(h.entries.map((e: { med: string }) => e.med)).toEqual(['metformin']);
    const m = on(f, 'missed', 'LEVOTHYROXINE', '--json');
    expect(m.code).toBe(1);
    expect(JSON.parse(m.stdout).advice.map((a: { med: string }) => a.med)).toEqual(['levothyroxine']);
    const a = on(f, 'adherence', '--med', 'Eliquis (apixaban)', '--days', '7', '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).medications.map((x: { med: string }) => x.med)).toEqual(['apixaban']);
  });
});
