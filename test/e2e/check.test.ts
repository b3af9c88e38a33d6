/**
 * End-to-end `meds check` over many files (issue #18): the built binary, no TTY, NO_COLOR=1, a
 * fixed clock. Formats, exit codes, a bad file among good ones, a list of paths on stdin, the code
 * filters, and the user's own file as before. Run `npm run build` first.
 */
import { mkdirSync, writeFileSync, readFileSync, copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, meds, tempDir } from '../helpers/cli.js';

const NOW = '2026-03-08T10:00';
const CLEAN = `meds: 1
patient:
  timezone: America/New_York
medications:
  - id: metformin
    name: Metformin
    strength: 500 mg
    dose: 1
    schedule: { times: ["08:00", "18:00"], from: 2026-03-08 }
log:
  - { at: 2026-03-08T08:03-04:00, med: metformin, for: 2026-03-08T08:00, status: taken }
`;
const NO_STRENGTH = CLEAN.replace('    strength: 500 mg\n', '');
const FUTURE = CLEAN + '  - { at: 2026-03-09T08:03-04:00, med: metformin, for: 2026-03-09T08:00, status: taken }\n';
const BAD = 'meds: 1\npatient:\n  timezone: UTC\nmedications:\n  - id: a\n    schedule: { times: ["25:00"] }\n';
const SYNTAX = 'meds: 1\npatient:\n  timezone: UTC\n  routine: { wake: "06:30"\nmedications: []\n';

/** A folder: a/clean.yaml, a/nostrength.yml, b/future.yaml, b/bad.yaml, b/notes.txt (not a regimen). */
function practice(): string {
  const d = tempDir('meds-check-');
  mkdirSync(join(d, 'a'));
  mkdirSync(join(d, 'b'));
  writeFileSync(join(d, 'a/clean.yaml'), CLEAN);
  writeFileSync(join(d, 'a/nostrength.yml'), NO_STRENGTH);
  writeFileSync(join(d, 'b/future.yaml'), FUTURE);
  writeFileSync(join(d, 'b/bad.yaml'), BAD);
  writeFileSync(join(d, 'b/notes.txt'), 'not a regimen');
  return d;
}
const check = (args: string[], input?: string) => meds(['--now', NOW, 'check', ...args], { input });
const ndjson = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l));

describe('meds check PATH|DIR ...', () => {
  it('searches folders for *.yaml/*.yml and reports every file, a bad one among good ones included (ndjson, then a summary line)', () => {
    const d = practice();
    const r = check([d, '--format', 'ndjson', '--jobs', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const rows = ndjson(r.stdout);
    expect(rows.map((x) => x.type)).toEqual(['file', 'file', 'file', 'file', 'summary']);
    expect(rows.slice(0, 4).map((x) => x.file)).toEqual(['a/clean.yaml', 'a/nostrength.yml', 'b/bad.yaml', 'b/future.yaml'].map((f) => join(d, f)));
    const bad = rows[2];
    expect(bad.findings).toEqual([expect.objectContaining({ code: 'file.time', severity: 'error', line: 6, column: 25, file: join(d, 'b/bad.yaml') })]);
    expect(rows[3].findings).toEqual([expect.objectContaining({ code: 'file.future-entry', severity: 'warning', line: 12, meds: ['metformin'] })]);
    expect(rows[1].findings.map((f: any) => f.code)).toContain('file.no-strength');
    const s = rows[4].summary;
    expect(s).toMatchObject({ files: 4, filesWithFindings: { error: 1, warning: 1 }, findingsByCode: { 'file.time': 1, 'file.future-entry': 1 } });
    expect(typeof s.elapsedMs).toBe('number');
    expect(rows[4].disclaimer).toMatch(/not a complete drug interaction database/);
  });

  it('json: one document { schemaVersion 2, files, summary }', () => {
    const d = practice();
    const r = check([join(d, 'a'), join(d, 'b/bad.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(2);
    expect(j.files.map((f: any) => f.file)).toEqual([join(d, 'a/clean.yaml'), join(d, 'a/nostrength.yml'), join(d, 'b/bad.yaml')]);
    expect(j.summary.files).toBe(3);
    const untimed = (s: string) => s.replace(/"elapsedMs":\d+/, '"elapsedMs":0');
    expect(untimed(check([join(d, 'a/clean.yaml'), '--json']).stdout)).toBe(untimed(check([join(d, 'a/clean.yaml'), '--format', 'json']).stdout));
  });

  it('a YAML syntax error, a missing file and a folder with no regimen are findings with their positions; the run goes on', () => {
    const d = tempDir();
    writeFileSync(join(d, 'syntax.yaml'), SYNTAX);
    writeFileSync(join(d, 'ok.yaml'), CLEAN);
    const r = check([join(d, 'syntax.yaml'), join(d, 'nope.yaml'), join(d, 'ok.yaml'), '--format', 'ndjson']);
    const rows = ndjson(r.stdout);
    expect(rows[0].findings[0]).toMatchObject({ code: 'file.yaml', severity: 'error', line: expect.any(Number), column: expect.any(Number) });
    expect(rows[1].findings).toEqual([expect.objectContaining({ code: 'file.unreadable', severity: 'error', line: null, column: null })]);
    expect(rows[2]).toMatchObject({ file: join(d, 'ok.yaml') });
    expect(rows[3].summary).toMatchObject({ files: 3, filesWithFindings: { error: 2 } });
    expect(r.code).toBe(1);
  });

  it('csv: one row per finding, RFC 4180 quoting; the summary on stderr', () => {
    const d = practice();
    const r = check([join(d, 'b'), '--format', 'csv']);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('file,line,column,severity,code,meds,message,action,source');
    expect(rows[1]).toBe(`${join(d, 'b/bad.yaml')},6,25,error,file.time,,"medications[0].schedule.times[0]: ""25:00"" is not a time",times are ""HH:MM"" from 00:00 to 23:59,"meds file format (docs/format.md, schema/meds.schema.json)"`.replace('times are ""HH:MM"" from 00:00 to 23:59', '"times are ""HH:MM"" from 00:00 to 23:59"'));
    expect(rows[2]).toMatch(/^.*future\.yaml,12,5,warning,file\.future-entry,metformin,/);
    expect(r.stderr).toMatch(/^2 files checked in [\d.]+ s; files with findings: 1 with errors, 1 with warnings, 0 with notes\n/);
    expect(r.stderr).toContain('not a complete drug interaction database');
  });

  it('table: grouped by file, clean files not listed; summary and disclaimer last', () => {
    const d = practice();
    const r = check([d]);
    expect(r.stdout).not.toContain('clean.yaml');
    expect(r.stdout).toContain(`${join(d, 'b/bad.yaml')}\n  6:25     error   file.time  medications[0].schedule.times[0]: "25:00" is not a time\n`);
    expect(r.stdout).toMatch(/4 files checked in [\d.]+ s; files with findings: 1 with errors, 1 with warnings, \d with notes\n/);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/does not replace a pharmacist's judgement/);
  });

  it('- reads the paths from stdin, one a line (a folder among them is searched)', () => {
    const d = practice();
    const r = check(['-', '--format', 'ndjson'], `${join(d, 'b/bad.yaml')}\n\n${join(d, 'a')}\n`);
    expect(ndjson(r.stdout).map((x) => x.file ?? 'summary')).toEqual([join(d, 'b/bad.yaml'), join(d, 'a/clean.yaml'), join(d, 'a/nostrength.yml'), 'summary']);
  });

  it('exit codes: --fail-on sets the least severity that fails; --only and --ignore filter codes (a trailing * is a prefix)', () => {
    const d = practice();
    const future = join(d, 'b/future.yaml');
    const nostrength = join(d, 'a/nostrength.yml');
    expect(check([future, '--only', 'file.future-entry']).code).toBe(1);
    expect(check([future, '--only', 'file.future-entry', '--fail-on', 'error']).code).toBe(0);
    expect(check([future, '--ignore', 'file.future-entry']).code).toBe(0);
    expect(check([future, '--ignore', 'file.*']).code).toBe(0);
    expect(check([nostrength, '--only', 'file.no-strength']).code).toBe(0); // info does not fail by default
    expect(check([nostrength, '--only', 'file.no-strength', '--fail-on', 'info']).code).toBe(1);
    const only = ndjson(check([d, '--only', 'file.time', '--format', 'ndjson']).stdout);
    expect(only.flatMap((x) => x.findings ?? []).map((f: any) => f.code)).toEqual(['file.time']);
  });

  it('bad usage: exit 2', () => {
    const d = practice();
    for (const args of [['--format', 'xml'], ['--fail-on', 'fatal'], ['--jobs', '0'], ['--only', ','], ['--only', 'a b'], ['--json', '--format', 'csv']]) {
      const r = check([d, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^meds: error: /);
      // (With --json the error is a JSON document on stdout too, as for every command.)
      if (args.includes('--json')) expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'bad-format', exitCode: 2 });
      else expect(r.stdout).toBe('');
    }
  });

  it('never writes to a regimen file', () => {
    const d = practice();
    const files = ['a/clean.yaml', 'a/nostrength.yml', 'b/future.yaml', 'b/bad.yaml'].map((f) => join(d, f));
    const before = files.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs]);
    check([d, '--format', 'json']);
    expect(files.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs])).toEqual(before);
  });
});

describe('meds check with no path: the own file, as before', () => {
  it('--json gives the check document (schemaVersion 2) of the one file; warnings do not fail it', () => {
    const f = join(tempDir(), 'regimen.yaml');
    copyFileSync(join(ROOT, 'test/fixtures/example.yaml'), f);
    writeFileSync(f, readFileSync(f, 'utf8').replace('    strength: 5 mg\n', '    strenght: 5 mg\n'));
    const r = meds(['--file', f, '--now', NOW, '--json', 'check']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(2);
    expect(j.files).toEqual([{ file: f, findings: [expect.objectContaining({ code: 'file.unknown-key', severity: 'warning', column: 5 })] }]);
    expect(j.summary).toMatchObject({ files: 1, filesWithFindings: { warning: 1 } });
    expect(meds(['--file', f, 'check', '--fail-on', 'warning']).code).toBe(1);
  });
});
