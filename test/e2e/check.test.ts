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

describe('meds check --rules FILE', () => {
  const RULES = `rules: 1
classes:
  glp1: { name: GLP-1 receptor agonists }
drugs:
  - { ingredient: semaglutide, brands: [Ozempic], classes: [glp1] }
maxDoses:
  - { ingredient: metformin, mg: 800, source: "practice policy for reduced kidney function" }
interactions:
  - code: local.glp1-sulfonylurea
    severity: warning
    a: [class:glp1]
    b: [class:sulfonylurea]
    message: "{a} with {b}: more hypoglycemia"
    action: lower the sulfonylurea
    source: practice policy
conditions:
  - code: local.diabetes-review
    severity: info
    when: { condition: type 2 diabetes }
    message: annual diabetes medication review
    action: book it
    source: practice policy
`;
  const PATIENT = CLEAN.replace('  timezone: America/New_York\n', '  timezone: America/New_York\n  conditions: [Type 2 diabetes]\n').replace(
    'log:\n',
    '  - { id: ozempic, name: Ozempic, strength: 1 mg, dose: 1, schedule: { times: ["08:00"], from: 2026-03-08 } }\n  - { id: glipizide, strength: 5 mg, dose: 1, schedule: { times: ["07:30"], from: 2026-03-08 } }\nlog:\n',
  );
  const setup = (rules: string) => {
    const d = tempDir();
    writeFileSync(join(d, 'rules.yaml'), rules);
    writeFileSync(join(d, 'p.yaml'), PATIENT);
    return d;
  };

  it('adds drugs, classes, a maximum dose, a pair and a condition, checked like the bundled ones', () => {
    const d = setup(RULES);
    const r = check([join(d, 'p.yaml'), '--rules', join(d, 'rules.yaml'), '--format', 'ndjson']);
    const codes = ndjson(r.stdout)[0].findings.map((f: any) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['local.glp1-sulfonylurea', 'local.diabetes-review', 'dose.max-daily']));
    const max = ndjson(r.stdout)[0].findings.find((f: any) => f.code === 'dose.max-daily');
    expect(max.message).toContain('metformin: 1000 mg a day scheduled');
    expect(max.source).toContain('practice policy for reduced kidney function');
    // Without the rules file none of them.
    const plain = ndjson(check([join(d, 'p.yaml'), '--format', 'ndjson']).stdout)[0].findings.map((f: any) => f.code);
    expect(plain.filter((c: string) => c.startsWith('local.') || c === 'dose.max-daily')).toEqual([]);
  });

  it.each([
    ['an unknown class', RULES.replace('b: [class:sulfonylurea]', 'b: [class:sulfonylureas]'), 12, 9, /no class `sulfonylureas`.*\n(.*\n)*  hint: did you mean `sulfonylurea`\?/],
    ['a YAML syntax error', RULES.replace('  glp1: { name: GLP-1 receptor agonists }', '  glp1: { name: GLP-1 receptor agonists'), 4, 1, /YAML/],
    ['a code of meds\'s own', RULES.replace('code: local.glp1-sulfonylurea', 'code: ddi.mine'), 9, 11, /is a code of meds's own checks/],
    ['a missing key', RULES.replace('    action: lower the sulfonylurea\n', ''), 9, 5, /missing `action`/],
    ['a bad severity', RULES.replace('severity: warning', 'severity: severe'), 10, 15, /is not one of error, warning, info/],
  ])('%s: exit 2 with file:line:column, nothing checked', (_name, rules, line, col, message) => {
    const d = setup(rules);
    const r = check([join(d, 'p.yaml'), '--rules', join(d, 'rules.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^meds: error: .*rules\.yaml is not a valid rules file: /);
    expect(r.stderr).toContain(`at ${join(d, 'rules.yaml')}:${line}:${col}\n`);
    expect(r.stderr).toMatch(message);
  });

  it('a rules file that does not exist: exit 2', () => {
    const r = check(['.', '--rules', join(tempDir(), 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the rules file/);
  });
});

describe('meds check on worker threads', () => {
  it('--jobs 2 gives the same results, in the same order, as --jobs 1, a bad file among 60 included', () => {
    const d = tempDir();
    const example = readFileSync(join(ROOT, 'test/fixtures/example.yaml'), 'utf8');
    for (let i = 0; i < 60; i++) writeFileSync(join(d, `f${String(i).padStart(2, '0')}.yaml`), i === 37 ? BAD : i % 3 ? example : FUTURE);
    const untimed = (s: string) => s.replace(/"elapsedMs":\d+/, '"elapsedMs":0');
    const one = check([d, '--format', 'ndjson', '--jobs', '1']);
    const two = check([d, '--format', 'ndjson', '--jobs', '2']);
    expect(two.code).toBe(1);
    expect(untimed(two.stdout)).toBe(untimed(one.stdout));
    const rows = ndjson(two.stdout);
    expect(rows).toHaveLength(61);
    expect(rows[37].findings[0]).toMatchObject({ code: 'file.time', line: 6, column: 25 });
  });
});

describe('text from a file is shown, not obeyed', () => {
  it('control characters in a medication name are escaped in the table and the CSV', () => {
    const d = tempDir();
    const text = CLEAN.replace('log:\n', '  - { id: statin2, name: "Crestor \\e[2J", strength: 10 mg, dose: 1, schedule: { times: ["21:00"], from: 2026-03-08 } }\n  - { id: statin1, name: atorvastatin, strength: 10 mg, dose: 1, schedule: { times: ["21:00"], from: 2026-03-08 } }\nlog:\n');
    writeFileSync(join(d, 'p.yaml'), text);
    for (const format of ['table', 'csv']) {
      const r = check([join(d, 'p.yaml'), '--only', 'dup.statin', '--format', format]);
      expect(r.stdout).toContain('Crestor \\u001b[2J');
      expect(r.stdout).not.toContain('\x1b');
    }
  });
});
