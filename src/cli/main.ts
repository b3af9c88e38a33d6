/**
 * The commander program. Each command's module is imported only when that
 * command runs; this file is the only place that turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, MedsError, formatPos, usageError } from '../errors.js';
import { Ctx, type GlobalOptions } from './context.js';
import { makeOutput, writeOut } from '../render/output.js';
import { humanText } from '../render/escape.js';

type Run = (ctx: Ctx, args: string[], opts: Record<string, unknown>) => Promise<number | void> | number | void;

/** package.json's version, put in by the build (scripts/build.mjs). */
declare const MEDS_VERSION: string | undefined;
const VERSION = typeof MEDS_VERSION === 'string' ? MEDS_VERSION : '0.0.0-source';

function action(load: () => Promise<{ run: Run }>) {
  return async function (this: Command, ...argv: unknown[]) {
    const cmd = argv[argv.length - 1] as Command;
    const opts = cmd.opts();
    // A variadic last argument (`take [med...]`) takes every word left.
    const variadic = cmd.registeredArguments[cmd.registeredArguments.length - 1]?.variadic;
    const args = variadic ? cmd.args.slice() : cmd.args.slice(0, cmd.registeredArguments.length);
    const ctx = new Ctx(cmd.optsWithGlobals() as GlobalOptions);
    const code = await (await load()).run(ctx, args, opts);
    if (typeof code === 'number') process.exitCode = code;
  };
}

/** The options of a schedule (add, edit). */
const scheduleOptions = (c: Command) =>
  c
    .option('--times <list>', 'comma-separated "HH:MM" or routine names, e.g. 08:00,20:00 or breakfast,dinner')
    .option('--days <list>', 'weekdays, e.g. mon,thu')
    .option('--every <duration>', 'every N hours ("8h", elapsed time) or days/weeks ("2d", "1w")')
    .option('--from <date>', 'first day (or date-time for --every Nh); edit: the day the change starts (default today)')
    .option('--until <date>', 'last day of the schedule these flags give; edit with no other schedule flag: the last day of the phase in force on --from (default today)')
    .option('--for <length>', 'how long the schedule these flags give lasts, instead of --until: 5d, 2w')
    .option('--count <n>', 'total doses (a course)')
    .option('--phase <spec>', 'one more phase after the one before (repeatable, in order): KEY=VALUE pairs separated by spaces, KEY one of times, days, every, cycle, dose, from, until, for (a length: 5d, 2w), count; a phase without times keeps the previous ones', (v: string, prev: string[] = []) => [...prev, v])
    .option('--cycle <on/off>', 'days on and off, e.g. 21/7')
    .option('--as-needed', 'as needed (PRN)')
    .option('--min-interval <duration>', 'as needed: least time between doses, e.g. 6h')
    .option('--max-per-day <n>', 'as needed: most doses in 24 hours');

/**
 * Each command by name: what commander is told of it (arguments, options, the module that runs it,
 * imported only when it runs), in the order help lists them.
 */
const COMMAND_SETUP: Record<string, (c: Command) => Command> = {
  today: (c) =>
    c
      .description('the day\'s doses with their status, and the as-needed medications')
      .option('--date <YYYY-MM-DD>', 'another day')
      .action(action(() => import('./commands/today.js'))),

  take: (c) =>
    c
      .description('record a dose as taken (in a terminal with no medication: a checklist of due and missed doses)')
      .argument('[med...]', 'medication ids: each is recorded as if taken alone')
      .option('--at <datetime>', 'when it was taken (default: now); "HH:MM" means today')
      .option('--for <time>', 'the scheduled dose it answers: "HH:MM", a routine name, or YYYY-MM-DDTHH:MM')
      .option('--dose <n>', 'units taken, when not the scheduled dose')
      .action(action(() => import('./commands/take.js').then((m) => ({ run: m.runTake })))),

  skip: (c) =>
    c
      .description('record a dose as deliberately skipped')
      .argument('<med>', 'medication id')
      .option('--reason <text>', 'why')
      .option('--at <datetime>', 'when it was decided (default: now)')
      .option('--for <time>', 'the scheduled dose skipped: "HH:MM", a routine name, or YYYY-MM-DDTHH:MM')
      .action(action(() => import('./commands/take.js').then((m) => ({ run: m.runSkip })))),

  undo: (c) =>
    c
      .description('remove the last log entry, saying what it removed')
      .action(action(() => import('./commands/undo.js'))),

  missed: (c) =>
    c
      .description('what to do about each missed dose now (take it or skip it), with the rule and its source; exit 1 when one needs action')
      .argument('[med]', 'one medication')
      .option('--days <n>', 'also summarise the last N days: how many doses were missed and when they cluster')
      .action(action(() => import('./commands/missed.js'))),

  adherence: (c) =>
    c
      .description('how well the schedule was kept: taking and timing adherence, correct-dosing days, gaps, PDC, and a picture')
      .option('--days <n>', 'the last N days (default 30)')
      .option('--from <YYYY-MM-DD>', 'first day of the period')
      .option('--to <YYYY-MM-DD>', 'last day of the period (default: today)')
      .option('--med <id>', 'one medication')
      .option('--threshold <fraction>', 'PDC at or above which a medication counts as adherent (default 0.80; 0.90 for antiretrovirals)')
      .option('--ascii', 'ASCII characters in the picture')
      .action(action(() => import('./commands/adherence.js'))),

  refill: (c) =>
    c
      .description('record a fill of a prescription (uses up one refill)')
      .argument('<med>', 'medication id')
      .option('--quantity <n>', 'units dispensed (default: the usual fill, supply.quantity)')
      .option('--days-supply <d>', 'days it lasts (default: quantity / daily use, rounded down)')
      .option('--date <YYYY-MM-DD>', 'date of the fill (default: today)')
      .action(action(() => import('./commands/refills.js').then((m) => ({ run: m.runRefill })))),

  refills: (c) =>
    c
      .description('on hand, run-out and order-by dates, refills left; exit 1 when one needs action')
      .action(action(() => import('./commands/refills.js').then((m) => ({ run: m.runRefills })))),

  supply: (c) =>
    c
      .description('set what is on hand, refills left and the prescription\'s expiry, so `meds refills` can count')
      .argument('<med>', 'medication id')
      .option('--on-hand <n>', 'units on hand now (counted today, or on --date)')
      .option('--refills <n>', 'refills left on the prescription')
      .option('--expires <YYYY-MM-DD>', 'the prescription\'s last valid day')
      .option('--quantity <n>', 'the usual fill quantity (what `meds refill` records by default)')
      .option('--lead-days <n>', 'days before running out to order (default 7)')
      .option('--date <YYYY-MM-DD>', 'the day of the --on-hand count (default: today)')
      .action(action(() => import('./commands/refills.js').then((m) => ({ run: m.runSupply })))),

  list: (c) =>
    c
      .description('the medications, with strength, dose, the schedule in force in words, and purpose')
      .option('--all', 'every phase of each schedule (a taper\'s past and future phases), not only the one in force')
      .action(action(() => import('./commands/list.js'))),

  history: (c) =>
    c
      .description('the dose log')
      .option('--med <id>', 'one medication')
      .option('--days <n>', 'the last N days (default 7)')
      .action(action(() => import('./commands/history.js'))),

  check: (c) =>
    c
      .description('review regimen files for pharmacists (findings with codes, docs/checks.md); with no path, validate your own file (prints nothing and exits 0 when it is clean)')
      .argument('[paths...]', 'regimen files, or folders searched for *.yaml/*.yml; - reads paths from stdin, one a line')
      .option('--format <format>', 'table (default), json, ndjson or csv')
      .option('--fail-on <severity>', 'exit 1 when a finding is at least this severe: error, warning (default) or info')
      .option('--only <codes>', 'report only these codes (comma-separated; a trailing * matches a prefix)')
      .option('--ignore <codes>', 'do not report these codes (comma-separated; a trailing * matches a prefix)')
      .option('--rules <file>', 'the pharmacist\'s own rules (YAML, schema/check-rules.schema.json)')
      .option('--jobs <n>', 'files checked in parallel (default: the number of cores)')
      .action(action(() => import('./commands/check.js'))),

  init: (c) =>
    c
      .description('create a regimen file (interactive in a terminal, or by flags)')
      .option('--name <name>', 'patient name')
      .option('--timezone <zone>', 'IANA time zone (default: this machine\'s)')
      .option('--routine <list>', 'named times, e.g. "wake=06:30,breakfast=07:00,dinner=18:00,bed=22:00"')
      .option('--force', 'replace an existing file')
      .action(action(() => import('./commands/manage.js').then((m) => ({ run: m.runInit })))),

  add: (c) =>
    scheduleOptions(
      c
        .description('add a medication (interactive in a terminal, or by flags)')
        .argument('[id]', 'short name used on the command line')
        .option('--name <name>', 'name as on the label')
        .option('--strength <text>', 'e.g. "500 mg"')
        .option('--form <text>', 'tablet, capsule, ...')
        .option('--purpose <text>', 'why it is taken')
        .option('--dose <n>', 'units per dose (default 1)')
        .option('--instructions <text>', 'how to take it'),
    ).action(action(() => import('./commands/manage.js').then((m) => ({ run: m.runAdd })))),

  edit: (c) =>
    scheduleOptions(
      c
        .description('change a medication; a new schedule starts today (or --from) and past days keep theirs')
        .argument('<med>', 'medication id')
        .option('--name <name>', 'name as on the label')
        .option('--strength <text>', 'strength')
        .option('--purpose <text>', 'why it is taken')
        .option('--instructions <text>', 'how to take it')
        .option('--dose <n>', 'units per dose, from today (a new schedule phase)'),
    ).action(action(() => import('./commands/manage.js').then((m) => ({ run: m.runEdit })))),

  stop: (c) =>
    c
      .description('stop a medication: no dose from now on (or after --date); its history stays')
      .argument('<med>', 'medication id')
      .option('--date <YYYY-MM-DD>', 'the last day it is taken (default: stop now; a dose later today is not due)')
      .action(action(() => import('./commands/manage.js').then((m) => ({ run: m.runStop })))),
};

/**
 * The program. With `only` (a command's name), that command alone is registered: a run builds the
 * command it runs, not all fifteen with their options (about a millisecond of every short run).
 * Without it (help, an unknown command), all of them.
 */
export function buildProgram(only?: string): Command {
  const program = new Command('meds')
    .description('Your medication regimen in one YAML file: today\'s doses, taken and skipped doses, missed-dose advice, adherence and refills.\nNot medical advice: check the leaflet or ask your pharmacist.')
    .version(VERSION, '-V, --version')
    .option('-f, --file <path>', 'the regimen file (default: $MEDS_FILE, else ${XDG_DATA_HOME:-~/.local/share}/meds/regimen.yaml)')
    .option('--now <datetime>', 'the clock for this run, e.g. 2026-03-08T07:30 (read in the patient\'s zone without an offset; also $MEDS_NOW)')
    .option('--json', 'one JSON document on stdout (with schemaVersion)')
    .option('--no-color', 'no color (also NO_COLOR, or when output is not a terminal)')
    .showSuggestionAfterError(true)
    .exitOverride()
    // Commander's own error lines are not printed: report() prints them as meds's errors, with a hint.
    .configureOutput({ writeOut: (s) => writeOut(1, humanText(s, false)), writeErr: (s) => writeOut(2, humanText(s, false)), outputError: () => {} });

  for (const [name, setup] of Object.entries(COMMAND_SETUP)) if (only === undefined || only === name) setup(program.command(name));
  for (const c of [program, ...program.commands]) refuseRepeats(c);
  for (const c of program.commands) {
    const ex = EXAMPLES[c.name()];
    if (ex) c.addHelpText('after', `\nExamples:\n${ex.map((e) => `  ${e}`).join('\n')}`);
  }
  program.addHelpText('after', EXIT_HELP);

  return program;
}

/** One or two examples for each command's --help. */
const EXAMPLES: Record<string, string[]> = {
  today: ['meds', 'meds today --date 2026-03-07 --json'],
  take: ['meds take metformin', 'meds take apixaban --at 21:40 --for 21:00', 'meds take lisinopril metformin'],
  skip: ['meds skip metformin --reason nausea', 'meds skip amoxicillin --for 00:00'],
  undo: ['meds undo'],
  missed: ['meds missed', 'meds missed pill --days 30'],
  adherence: ['meds adherence --days 30', 'meds adherence --from 2026-01-01 --to 2026-03-31 --med metformin --json'],
  refill: ['meds refill metformin --quantity 60', 'meds refill metformin --quantity 90 --days-supply 45 --date 2026-03-01'],
  refills: ['meds refills', 'meds refills --json'],
  supply: ['meds supply metformin --on-hand 30 --refills 2 --expires 2027-01-31', 'meds supply ibuprofen --on-hand 24 --quantity 24'],
  list: ['meds list', 'meds list --all --json'],
  history: ['meds history', 'meds history --med metformin --days 30'],
  check: ['meds check', 'meds --file ~/family/ana.yaml check --json'],
  init: ['meds init --name "Alex Rivera" --timezone America/New_York', 'meds init --routine wake=06:30,breakfast=07:00,dinner=18:00,bed=22:00'],
  add: ['meds add metformin --strength "500 mg" --form tablet --times breakfast,dinner', 'meds add prednisone --times 08:00 --dose 4 --for 5d --phase "dose=2 for=5d" --phase "dose=1 for=5d"'],
  edit: ['meds edit metformin --dose 2', 'meds edit amoxicillin --until 2026-03-10'],
  stop: ['meds stop apixaban', 'meds stop apixaban --date 2026-03-31'],
};

const EXIT_HELP = `
Exit codes:
  0   fine
  1   something to act on: meds missed (take-now, take-next-morning, contact-prescriber),
      meds refills (refill-now, out, no-refills, expired)
  2   bad usage (unknown command, option or medication, a bad value)
  65  the regimen file is invalid        66  it does not exist (meds init creates one)
  70  an internal error (a bug)           73  the file could not be written
  74  the file could not be read          75  another meds holds the lock`;

/** Options that may be given more than once (each adds to a list). */
const REPEATABLE = new Set(['phase']);

/**
 * An option with a value given twice is refused (exit 2) rather than reduced to the last one:
 * `--file a --file b` would otherwise read b alone, silently.
 */
function refuseRepeats(c: Command): void {
  for (const opt of c.options) {
    if (!(opt.required || opt.optional) || REPEATABLE.has(opt.attributeName())) continue;
    let seen = false;
    c.on(`option:${opt.name()}`, () => {
      if (seen) {
        const hint = opt.attributeName() === 'file' ? 'give one file: meds reads one regimen file at a time' : `give ${opt.long ?? opt.short} once`;
        throw usageError('repeated-option', `${opt.long ?? opt.short} is given more than once`, hint);
      }
      seen = true;
    });
  }
}

/** Run the program; sets process.exitCode, never calls process.exit() on the normal path. */
export async function main(argv: string[]): Promise<void> {
  const args = withDefaultCommand(argv);
  const name = commandName(args);
  const program = buildProgram(name !== undefined && COMMANDS.has(name) ? name : undefined);
  try {
    await program.parseAsync(args);
  } catch (err) {
    process.exitCode = report(err, argv.includes('--json'), name);
  }
}

const VALUE_OPTIONS = new Set(['-f', '--file', '--now']);

/** Every command's name. */
export const COMMANDS = new Set(Object.keys(COMMAND_SETUP));

/**
 * The first word of argv after the global options (and their values): the command's name, if any.
 * None after anything else that starts with a dash (help, version, an unknown option, after which
 * commander runs no command and may print the program's help, every command in it; a bare `-`,
 * which commander takes as a command's name). Review findings: `meds --help take` and
 * `meds --bogus today --help` listed one command.
 */
export function commandName(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
    else if (!FLAG_OPTIONS.has(a) && !/^(?:--(?:file|now)=|-f.)/.test(a)) return undefined;
  }
  return undefined;
}

/** The global options without a value. */
const FLAG_OPTIONS = new Set(['--json', '--no-color']);

const HELP_OR_VERSION = new Set(['-h', '--help', '-V', '--version']);

/** A bare `meds` (global options only) shows today. */
export function withDefaultCommand(argv: string[]): string[] {
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) return argv;
    else if (HELP_OR_VERSION.has(a)) return argv;
  }
  return [...argv, 'today'];
}

function errorJson(code: string, exitCode: number, message: string, hint?: string, err?: MedsError) {
  return { schemaVersion: 1, error: { code, exitCode, message, hint: hint ?? null, position: err?.pos ?? null, problems: err?.problems ?? [] } };
}

/**
 * A commander error as meds's own: the message without commander's "error: ", its suggestion as the
 * hint (else where to look), and a code in the same style as meds's codes (kebab-case).
 */
export function usageFromCommander(err: CommanderError, command: string | undefined): MedsError {
  const text = err.message.replace(/^error: /, '');
  const m = /\n?\(Did you mean (.+)\?\)\s*$/.exec(text);
  const message = (m ? text.slice(0, m.index) : text).trim();
  const known = command !== undefined && COMMANDS.has(command) ? command : undefined;
  const help = known ? `\`meds ${known} --help\` lists its arguments and options` : '`meds --help` lists the commands';
  const hint = m ? `did you mean \`${m[1]}\`? ${help}` : help;
  const code = err.code.replace(/^commander\./, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return new MedsError(code, message, { exitCode: EXIT.usage, hint });
}

function report(err: unknown, json: boolean, command?: string): number {
  const out = makeOutput({ json });
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    err = usageFromCommander(err, command);
  }
  if (err instanceof MedsError) {
    const e = out.e;
    const lines = [`${e.red('meds: error:')} ${err.message}`];
    if (err.pos) lines.push(`  at ${formatPos(err.pos)}`);
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    const others = (err.problems ?? []).slice(1);
    for (const p of others) lines.push(`  ${p.severity === 'error' ? e.red('error') : e.yellow('warning')}: ${p.pos ? formatPos(p.pos) + ': ' : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    out.error(lines.join('\n'));
    if (json) out.printJson(errorJson(err.code, err.exitCode, err.message, err.hint, err));
    return err.exitCode;
  }
  out.error(`meds: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this; your regimen file was not changed by the failed step.`);
  if (json) out.printJson(errorJson('internal', 70, String((err as Error)?.message ?? err)));
  return 70;
}

