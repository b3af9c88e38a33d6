/**
 * The commander program. Each command's module is imported only when that
 * command runs; this file is the only place that turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, MedsError, formatPos } from '../errors.js';
import { Ctx, type GlobalOptions } from './context.js';
import { makeOutput, writeOut } from '../render/output.js';

type Run = (ctx: Ctx, args: string[], opts: Record<string, unknown>) => Promise<number | void> | number | void;

/** package.json's version, put in by the build (scripts/build.mjs). */
declare const MEDS_VERSION: string | undefined;
const VERSION = typeof MEDS_VERSION === 'string' ? MEDS_VERSION : '0.0.0-source';

function action(load: () => Promise<{ run: Run }>) {
  return async function (this: Command, ...argv: unknown[]) {
    const cmd = argv[argv.length - 1] as Command;
    const opts = cmd.opts();
    const args = cmd.args.slice(0, cmd.registeredArguments.length);
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
    .option('--from <date>', 'start date (or date-time for --every Nh)')
    .option('--until <date>', 'last day')
    .option('--count <n>', 'total doses (a course)')
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
      .argument('[med]', 'medication id')
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

  list: (c) =>
    c
      .description('the medications, with strength, dose, schedule in words and purpose')
      .action(action(() => import('./commands/list.js'))),

  history: (c) =>
    c
      .description('the dose log')
      .option('--med <id>', 'one medication')
      .option('--days <n>', 'the last N days (default 7)')
      .action(action(() => import('./commands/history.js'))),

  check: (c) =>
    c
      .description('validate the regimen file; prints nothing and exits 0 when it is clean')
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
      .description('end a medication\'s schedule (today, or --date); its history stays')
      .argument('<med>', 'medication id')
      .option('--date <YYYY-MM-DD>', 'the last day it is taken (default: today)')
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
    .configureOutput({ writeOut: (s) => writeOut(1, s), writeErr: (s) => writeOut(2, s) });

  for (const [name, setup] of Object.entries(COMMAND_SETUP)) if (only === undefined || only === name) setup(program.command(name));

  return program;
}

/** Run the program; sets process.exitCode, never calls process.exit() on the normal path. */
export async function main(argv: string[]): Promise<void> {
  const args = withDefaultCommand(argv);
  const name = commandName(args);
  const program = buildProgram(name !== undefined && COMMANDS.has(name) ? name : undefined);
  try {
    await program.parseAsync(args);
  } catch (err) {
    process.exitCode = report(err, argv.includes('--json'));
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

function report(err: unknown, json: boolean): number {
  const out = makeOutput({ json });
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    // commander already printed its message on stderr
    if (json) out.printJson(errorJson(err.code.replace(/^commander\./, ''), EXIT.usage, err.message.replace(/^error: /, '')));
    return EXIT.usage;
  }
  if (err instanceof MedsError) {
    const e = out.e;
    const lines = [`${e.red('meds: error:')} ${err.message}`];
    if (err.pos) lines.push(`  at ${formatPos(err.pos)}`);
    if (err.hint) lines.push(`  hint: ${err.hint}`);
    const others = (err.problems ?? []).slice(1);
    for (const p of others) lines.push(`  ${p.severity === 'error' ? e.red('error') : e.yellow('warning')}: ${p.pos ? formatPos(p.pos) + ': ' : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`);
    writeOut(2, lines.join('\n') + '\n');
    if (json) out.printJson(errorJson(err.code, err.exitCode, err.message, err.hint, err));
    return err.exitCode;
  }
  writeOut(2, `meds: internal error: ${(err as Error)?.stack ?? String(err)}\nPlease report this; your regimen file was not changed by the failed step.\n`);
  if (json) out.printJson(errorJson('internal', 70, String((err as Error)?.message ?? err)));
  return 70;
}

