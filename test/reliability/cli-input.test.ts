/**
 * Issue 5, command-line input: unknown medications, bad --at / --now values,
 * bad numbers and dates, conflicting options, unknown options and missing or
 * extra arguments. Each gives exit 2, a clear one-line message on stderr (with
 * a hint where one helps), nothing on stdout, and never a write. Runs the
 * built binary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, meds, read, tempDir } from '../helpers/cli.js';

const FIXTURE = read(path.join(ROOT, 'examples/regimen.yaml'));
let dir: string;
let file: string;
beforeAll(() => {
  dir = tempDir('meds-cli-');
  file = path.join(dir, 'regimen.yaml');
  fs.writeFileSync(file, FIXTURE);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** [what, argv after `--file F`, a pattern the message must match, env] */
type Case = [string, string[], RegExp, Record<string, string>?];
const N = ['--now', '2026-03-08T10:00'];
const BAD_TIME = /is not a date-time\n {2}hint: write it as 2026-03-08T07:30/;
const cases: Case[] = [
  // Unknown medications, with a suggestion when one is near.
  ['take: a typo', [...N, 'take', 'metformn'], /no medication "metformn" in the regimen\n {2}hint: did you mean `metformin`\?/],
  ['take: unknown', [...N, 'take', 'aspirin'], /no medication "aspirin" in the regimen\n {2}hint: known: metformin, apixaban/],
  ['take: case matters? (METFORMIN)', [...N, 'take', 'METF0RMIN'], /no medication "METF0RMIN"/],
  ['skip: unknown', [...N, 'skip', 'aspirin'], /no medication "aspirin"/],
  ['edit: unknown', [...N, 'edit', 'aspirin', '--dose', '2'], /no medication "aspirin"/],
  ['stop: unknown', [...N, 'stop', 'aspirin'], /no medication "aspirin"/],
  ['history --med unknown', [...N, 'history', '--med', 'aspirin'], /no medication "aspirin"/],
  ['take: empty id', [...N, 'take', ''], /(no medication ""|name the medication)/],
  ['take: an id that looks like a path', [...N, 'take', '../../etc/passwd'], /no medication "\.\.\/\.\.\/etc\/passwd"/],
  // Bad --at values.
  ...(['25:00', '24:00', '12:60', '2026-02-30T08:00', '2026-13-01T08:00', '2026-03-08T25:00', 'yesterday', 'now', '', '8', '8am', '2026/03/08 08:00', '2026-03-08T08:00+25:00', '１２:００'] as const).map(
    (v): Case => [`take --at ${JSON.stringify(v)}`, [...N, 'take', 'apixaban', '--at', v], BAD_TIME],
  ),
  ['take --at in the future', [...N, 'take', 'apixaban', '--at', '2026-03-08T11:30'], /--at 2026-03-08T11:30 is in the future\n {2}hint: a dose is recorded when it happens/],
  ['take --at next year', [...N, 'take', 'apixaban', '--at', '2027-03-08T09:00'], /is in the future/],
  ['skip --at bad', [...N, 'skip', 'apixaban', '--at', '99:99'], BAD_TIME],
  // Bad --now values (flag and environment).
  ...(['2026-13-01', '25:00', '', 'tomorrow', '2026-02-30T10:00', '2026-03-08T10:00:61', '1e9'] as const).map((v): Case => [`--now ${JSON.stringify(v)}`, ['--now', v, 'today'], BAD_TIME]),
  ['$MEDS_NOW garbage', ['today'], BAD_TIME, { MEDS_NOW: 'garbage' }],
  ['--now bad on a write', ['--now', 'soon', 'take', 'apixaban'], BAD_TIME],
  // --for that names no scheduled dose, or is not a time.
  ['take --for an unscheduled time', [...N, 'take', 'metformin', '--for', '13:00'], /metformin has no dose scheduled at 2026-03-08 13:00\n {2}hint: scheduled near then: /],
  ['take --for garbage', [...N, 'take', 'metformin', '--for', 'lunchtime'], /--for "lunchtime" is not a time "HH:MM", a routine name or a date-time/],
  ['take --for 25:00', [...N, 'take', 'metformin', '--for', '25:00'], /--for "25:00" is not a time/],
  ['skip --for on an as-needed medication', [...N, 'skip', 'ibuprofen', '--for', '08:00'], /ibuprofen has no dose scheduled at 2026-03-08 08:00/],
  ['skip a dose already taken', [...N, 'skip', 'metformin', '--for', '07:00'], /already recorded as taken/],
  // Bad numbers and dates.
  ...(['0', '-1', 'abc', '', 'NaN', 'Infinity', '1e999'] as const).map((v): Case => [`take --dose ${JSON.stringify(v)}`, [...N, 'take', 'apixaban', '--dose', v], /--dose ".*" is not a positive number/]),
  ...(['abc', '0', '-3', '1.5'] as const).map((v): Case => [`history --days ${v}`, [...N, 'history', '--days', v], /--days ".*" is not a whole number of at least 1/]),
  ['today --date 2026-02-30', [...N, 'today', '--date', '2026-02-30'], /--date "2026-02-30" is not a date\n {2}hint: write it as YYYY-MM-DD/],
  ['stop --date garbage', [...N, 'stop', 'metformin', '--date', 'soon'], /--date "soon" is not a date/],
  ['add --every garbage', [...N, 'add', 'x', '--every', 'often', '--from', '2026-03-08T08:00'], /--every "often" is not a duration/],
  ['add --cycle garbage', [...N, 'add', 'x', '--times', '08:00', '--cycle', '21-7', '--from', '2026-03-01'], /--cycle "21-7" is not days on\/off/],
  ['add --times 25:00', [...N, 'add', 'x', '--times', '25:00'], /"25:00" is not a time/],
  ['init --timezone unknown', [...N, 'init', '--timezone', 'Mars/Olympus', '--force'], /unknown time zone "Mars\/Olympus"/],
  // Invented zones (issue 15 item 5): POSIX TZ strings the Date would read with the sign reversed.
  ['init --timezone UTC+5', [...N, 'init', '--timezone', 'UTC+5', '--force'], /--timezone: unknown time zone "UTC\+5"\n {2}hint: .*the IANA name is Etc\/GMT-5 \(IANA reverses the sign\)/],
  ['init --timezone Mars+3', [...N, 'init', '--timezone', 'Mars+3', '--force'], /--timezone: unknown time zone "Mars\+3"\n {2}hint: use an IANA name/],
  ['init --timezone ABC-10', [...N, 'init', '--timezone', 'ABC-10', '--force'], /--timezone: unknown time zone "ABC-10"/],
  ['init --timezone UTC+24', [...N, 'init', '--timezone', 'UTC+24', '--force'], /--timezone: unknown time zone "UTC\+24"/],
  ['init --timezone us/eastern', [...N, 'init', '--timezone', 'us/eastern', '--force'], /--timezone: unknown time zone "us\/eastern"\n {2}hint: did you mean `America\/New_York`\?/],
  ['init --timezone New_Yrok', [...N, 'init', '--timezone', 'America/New_Yrok', '--force'], /hint: did you mean `America\/New_York`\?/],
  ['init with $TZ a POSIX string and no --timezone', [...N, 'init', '--force'], /this machine's time zone \(TZ=UTC\+5\) is not an IANA name\n {2}hint: give one with --timezone/, { TZ: 'UTC+5' }],
  ['init --routine garbage', [...N, 'init', '--timezone', 'UTC', '--routine', 'wake', '--force'], /--routine: "wake" is not name=HH:MM/],
  // Out-of-range numbers (issue 15 item 8): exit 2 naming the flag and its range, never a stack trace.
  ['missed --days 100000', [...N, 'missed', '--days', '100000'], /--days 100000 is out of range: it must be a whole number from 1 to 3660/],
  ['adherence --days 99999999999', [...N, 'adherence', '--days', '99999999999'], /--days 99999999999 is out of range: it must be a whole number from 1 to 36600/],
  ['adherence --days 1000000000', [...N, 'adherence', '--days', '1000000000'], /--days 1000000000 is out of range/],
  ['adherence --from 0001-01-01', [...N, 'adherence', '--from', '0001-01-01', '--to', '2026-03-08'], /the period can be at most 36600 days/],
  ['history --days 36601', [...N, 'history', '--days', '36601'], /--days 36601 is out of range: it must be a whole number from 1 to 36600/],
  ['adherence --threshold 1.5', [...N, 'adherence', '--threshold', '1.5'], /--threshold 1.5 is out of range: it must be more than 0 and at most 1/],
  ['take --dose 10001', [...N, 'take', 'apixaban', '--dose', '10001'], /--dose 10001 is out of range: it must be more than 0 and at most 10000/],
  ['take --dose 1e-999 written out', [...N, 'take', 'apixaban', '--dose', '9'.repeat(400)], /--dose 9{400} is out of range/],
  ['add --dose 100000', [...N, 'add', 'x', '--times', '08:00', '--dose', '100000'], /--dose 100000 is out of range/],
  ['edit --dose 100000', [...N, 'edit', 'metformin', '--dose', '100000'], /--dose 100000 is out of range/],
  ['refill --quantity 1000001', [...N, 'refill', 'metformin', '--quantity', '1000001'], /--quantity 1000001 is out of range: it must be more than 0 and at most 100000/],
  ['refill --days-supply 99999', [...N, 'refill', 'metformin', '--quantity', '60', '--days-supply', '99999'], /--days-supply 99999 is out of range: it must be a whole number from 1 to 3660/],
  ['add --count 1000001', [...N, 'add', 'x', '--times', '08:00', '--count', '1000001', '--from', '2026-03-08'], /--count 1000001 is out of range: it must be a whole number from 1 to 100000/],
  ['add --max-per-day 97', [...N, 'add', 'x', '--as-needed', '--max-per-day', '97'], /--max-per-day 97 is out of range: it must be a whole number from 1 to 96/],
  ['add --cycle 99999/7', [...N, 'add', 'x', '--times', '08:00', '--cycle', '99999/7', '--from', '2026-03-01'], /--cycle 99999 is out of range: it must be a whole number from 0 to 3660/],
  ['add --every 1min', [...N, 'add', 'x', '--every', '1min', '--from', '2026-03-08T08:00'], /--every 1min is out of range: it must be from 15min \(96 a day\) to 3660d/],
  ['add --every 99999d', [...N, 'add', 'x', '--every', '99999d', '--times', '08:00', '--from', '2026-03-08'], /--every 99999d is out of range/],
  ['add --min-interval 30s', [...N, 'add', 'x', '--as-needed', '--min-interval', '0.5min'], /--min-interval 0.5min is out of range: it must be from 1min to 3660d/],
  ['add --min-interval 99999d', [...N, 'add', 'x', '--as-needed', '--min-interval', '99999d'], /--min-interval 99999d is out of range/],
  ['add --min-interval garbage', [...N, 'add', 'x', '--as-needed', '--min-interval', 'often'], /--min-interval "often" is not a duration/],
  ['add --times with 97 times', [...N, 'add', 'x', '--times', Array.from({ length: 97 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`).join(',')], /--times lists 97 times: a day has at most 96 doses/],
  // Conflicting options.
  ['add --times with --as-needed', [...N, 'add', 'x', '--times', '08:00', '--as-needed'], /an as-needed schedule has no `--times` or `--every`\); nothing was written/],
  ['add --every 8h with --times', [...N, 'add', 'x', '--every', '8h', '--times', '08:00', '--from', '2026-03-08T08:00'], /cannot have `--times`\); nothing was written/],
  ['add --min-interval without --as-needed', [...N, 'add', 'x', '--times', '08:00', '--min-interval', '6h'], /--min-interval and --max-per-day apply to as-needed schedules[\s\S]*hint: add --as-needed/],
  ['add an id that exists', [...N, 'add', 'metformin', '--times', '08:00'], /there is already a medication "metformin"\n {2}hint: use `meds edit metformin`/],
  ['add with no schedule', [...N, 'add', 'x'], /say when x is taken/],
  ['edit with nothing to change', [...N, 'edit', 'metformin'], /say what to change/],
  ['init over an existing file', [...N, 'init', '--timezone', 'UTC'], /already exists\n {2}hint: use --force/],
  // Usage errors commander reports.
  ['unknown option', [...N, 'take', 'apixaban', '--bogus'], /unknown option '--bogus'/],
  ['unknown command', [...N, 'tkae', 'apixaban'], /unknown command 'tkae'[\s\S]*take/],
  ['missing argument', [...N, 'skip'], /missing required argument 'med'/],
  ['too many arguments', [...N, 'skip', 'apixaban', 'metformin'], /too many arguments/],
  ['take of several with one unknown: nothing recorded', [...N, 'take', 'apixaban', 'metfromin'], /no medication "metfromin"/],
  ['option without its value', [...N, 'take', 'apixaban', '--at'], /option '--at <datetime>' argument missing/],
  ['take with no medication and no terminal', [...N, 'take'], /name the medication to record[\s\S]*hint: run `meds list`/],
];

const summary = { cases: 0 };
afterAll(() => console.log(`[reliability] cli-input: ${JSON.stringify(summary)}`));

describe('bad command-line input: exit 2, a clear message, nothing written', () => {
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(60));
  for (const [what, args, message, env] of cases) {
    it(what, () => {
      const before = read(file);
      const r = meds(['--file', file, ...args], { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^(meds: )?error: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
      expect(read(file)).toBe(before);
      expect(fs.readdirSync(dir)).toEqual(['regimen.yaml']);
      summary.cases++;
    });
  }

  it('--json: the same errors as one JSON document on stdout, with the code and exit code', () => {
    const r = meds(['--file', file, ...N, '--json', 'take', 'metformn']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schemaVersion: 1, error: { code: 'unknown-med', exitCode: 2, message: 'no medication "metformn" in the regimen' } });
    expect(read(file)).toBe(FIXTURE);
  });
});
