/** `meds init`, `meds add`, `meds edit`, `meds stop`: changes to the regimen itself. */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { usageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { loadPrompts } from '../prompts.js';
import { parseDateArg, parsePositive } from '../context.js';
import { findMed } from '../find.js';
import { logWindow } from '../../core/window.js';
import { create, mutate } from '../../store/transaction.js';
import { editHead, type HeadOp } from '../../store/edit.js';
import { flow, scalar } from '../../store/emit.js';
import { formatDay, isValidZone, parseDay, parseHM, parseLocalDateTime, zoneHint } from '../../time/time.js';
import { lastScheduledDay } from '../../core/schedule.js';
import { endPhase, phaseNamed, placePhases, type RawPhase } from '../../core/phases.js';
import { inFlagWords, list, parsePhaseOption, requestFromFlags, resolvePhases, type PhaseRequest, type ScheduleFlags } from './schedule-flags.js';
import type { Loaded } from '../../store/load.js';
import { MedsError, type Problem } from '../../errors.js';
import type { Medication } from '../../model/types.js';
import { warnProblems } from './shared.js';

type Obj = Record<string, unknown>;

const DEFAULT_ROUTINE = { wake: '07:00', breakfast: '07:30', lunch: '12:30', dinner: '18:30', bed: '22:30' };

/**
 * The line that points an editor's YAML language server at the schema shipped with this copy of meds.
 * A path relative to the file, so the two can move together, when the file is inside meds's own folder
 * (a project's examples); else the schema's name in the package, which no move breaks (an absolute path
 * into wherever meds was installed broke as soon as that folder moved).
 */
function schemaComment(filePath: string | undefined): string[] {
  if (typeof __dirname !== 'string' || filePath === undefined) return [];
  const root = join(__dirname, '..');
  const schema = join(root, 'schema', 'meds.schema.json');
  const rel = relative(dirname(filePath), schema);
  if (!relative(root, filePath).startsWith('..') && !isAbsolute(rel)) return [`# yaml-language-server: $schema=${rel}`];
  return ['# JSON Schema for editors: schema/meds.schema.json in the meds package (point your YAML language server at it).'];
}

/** A prompt's validate answer: true, or the message of the usage error the same value gives as a flag. */
function promptCheck(check: () => unknown): true | string {
  try {
    check();
    return true;
  } catch (err) {
    return (err as Error).message;
  }
}

export function regimenTemplate(name: string | undefined, timezone: string, routine: Record<string, string>, filePath?: string): string {
  const routineText = `{ ${Object.entries(routine).map(([k, v]) => `${scalar(k)}: "${v}"`).join(', ')} }`;
  return [
    ...schemaComment(filePath),
    '# My medication regimen, kept by `meds` (see `meds --help`). Comments and extra keys are kept.',
    'meds: 1                              # format version',
    'patient:',
    ...(name ? [`  name: ${scalar(name)}`] : []),
    `  timezone: ${timezone}`,
    `  routine: ${routineText}`,
    'settings:',
    '  window: { early: 1h, late: 2h }    # a dose inside [time - early, time + late] is on time',
    'medications: []',
    'log: []                              # one entry per line, in the order recorded',
    '',
  ].join('\n');
}

export async function runInit(ctx: Ctx, _args: string[], o: { name?: string; timezone?: string; routine?: string; force?: boolean }): Promise<number> {
  let name = o.name;
  // Intl names this machine's zone, or gives undefined when $TZ is no zone it knows (a POSIX string such as UTC+5).
  // (TZ read now: the zone engine sets it.)
  const envTz = process.env.TZ;
  let timezone = o.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone as string | undefined) ?? '';
  let routine: Record<string, string> = { ...DEFAULT_ROUTINE };
  if (o.routine !== undefined) {
    routine = {};
    for (const part of list(o.routine)) {
      const [k, v] = part.split('=').map((x) => x.trim());
      if (!k || !v || parseHM(v) === undefined) throw usageError('bad-routine', `--routine: ${JSON.stringify(part)} is not name=HH:MM`, 'for example wake=06:30,breakfast=07:00');
      routine[k] = v;
    }
  }
  if (ctx.interactive && (o.name === undefined || o.timezone === undefined)) {
    const { input } = loadPrompts();
    name = (await input({ message: 'Your name (optional)', default: name })) || undefined;
    timezone = await input({ message: 'Time zone (IANA)', default: timezone, validate: (v) => isValidZone(v) || zoneHint(v) });
    for (const k of Object.keys(routine)) routine[k] = await input({ message: `Usual ${k} time`, default: routine[k], validate: (v) => parseHM(v) !== undefined || 'HH:MM' });
  }
  if (!isValidZone(timezone)) {
    throw o.timezone === undefined && !ctx.interactive
      ? usageError('bad-zone', `this machine's time zone${envTz ? ` (TZ=${envTz})` : timezone ? ` ${JSON.stringify(timezone)}` : ''} is not an IANA name`, `give one with --timezone; ${zoneHint(envTz ?? timezone)}`)
      : usageError('bad-zone', `--timezone: unknown time zone ${JSON.stringify(timezone)}`, zoneHint(timezone));
  }
  mkdirSync(dirname(ctx.path), { recursive: true, mode: 0o700 });
  create(ctx.path, regimenTemplate(name, timezone, routine, ctx.path), !!o.force);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, created: ctx.path });
  else ctx.out.print(`Created ${ctx.path}. Next: \`meds add <id> --times 08:00\`.`);
  return 0;
}

interface AddFlags extends ScheduleFlags {
  name?: string;
  strength?: string;
  form?: string;
  purpose?: string;
  dose?: string;
  instructions?: string;
}

/** The phases the flags ask for: the schedule flags' own phase, then each --phase; [] when none. */
function requests(o: ScheduleFlags, dose: number | undefined): PhaseRequest[] {
  const top = requestFromFlags(o, dose);
  const phases = (o.phase ?? []).map((t, i) => parsePhaseOption(t, i + (top.shape ? 2 : 1)));
  if (top.shape || (!phases.length && dose !== undefined)) return [top, ...phases];
  if (!phases.length) return [];
  if (top.until !== undefined || top.count !== undefined || top.forDays !== undefined) {
    throw usageError('conflict', '--until and --count end the schedule given by --times/--every; with --phase, give until= or count= in the --phase itself', 'for example --phase "times=08:00 dose=4 for=5d"');
  }
  const first = phases[0]!;
  if (first.fromDay === undefined && top.fromDay !== undefined) {
    first.fromDay = top.fromDay;
    first.fromText = top.fromText;
  }
  return phases;
}

const isHourly = (shape: Obj | undefined) => typeof shape?.every === 'string' && !/[dw]$/.test(shape.every);

/** Run a change made from flags; a change the file would refuse is told in the flags' words, not as paths in the file. */
function inFlags(f: () => void): void {
  try {
    f();
  } catch (err) {
    if (err instanceof MedsError && err.code === 'invalid-change') throw new MedsError(err.code, inFlagWords(err.message), { exitCode: err.exitCode, hint: err.hint !== undefined ? inFlagWords(err.hint) : undefined });
    throw err;
  }
}

/** A medication's new problems (warnings) in the file as it will be written, for `add` and `edit` to show. */
function medWarnings(after: Loaded, index: number): Problem[] {
  return after.warnings.filter((p) => p.severity === 'warning' && p.path[0] === 'medications' && p.path[1] === index);
}

export async function runAdd(ctx: Ctx, args: string[], o: AddFlags): Promise<number> {
  let id = args[0];
  let reqs = requests(o, undefined);
  const fields: Obj = { name: o.name, strength: o.strength, form: o.form, purpose: o.purpose, dose: o.dose !== undefined ? parsePositive(o.dose, '--dose') : undefined, instructions: o.instructions };
  if (ctx.interactive && (id === undefined || !reqs.length)) {
    const { input } = loadPrompts();
    id ??= await input({ message: 'Short id (used on the command line)', validate: (v) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || 'letters, digits, . _ -' });
    fields.name ??= (await input({ message: 'Name as on the label (optional)' })) || undefined;
    fields.strength ??= (await input({ message: 'Strength, e.g. 500 mg (optional)' })) || undefined;
    const dose = await input({ message: 'Units per dose', default: '1', validate: (v) => promptCheck(() => parsePositive(v, '--dose')) });
    fields.dose = Number(dose);
    const times = await input({ message: 'Times, comma-separated ("08:00,20:00", routine names, or "as needed")', validate: (v) => v.trim().length > 0 || 'required' });
    reqs = [{ ...reqs[0], shape: /as needed|prn/i.test(times) ? { asNeeded: true } : { times: list(times) } }];
    fields.purpose ??= (await input({ message: 'What it is for (optional)' })) || undefined;
  }
  if (id === undefined) throw usageError('no-id', 'name the medication: `meds add <id> --times 08:00`');
  if (!reqs.length) throw usageError('no-schedule', `say when ${id} is taken`, 'for example --times 08:00,20:00, --every 8h --from 2026-03-01T06:00, --as-needed, or a taper: --times 08:00 --phase "dose=4 for=5d" --phase "dose=2 for=5d"');
  const medId = id;
  const wanted = reqs;
  let med: Obj = {};
  let warnings: Problem[] = [];
  inFlags(() => mutate(ctx.path, (l) => {
    if (l.regimen.medications.some((m) => m.id === medId)) throw usageError('duplicate-id', `there is already a medication ${JSON.stringify(medId)}`, `use \`meds edit ${medId}\` to change it`);
    // A new medication starts today unless --from says otherwise, so adherence never counts the
    // days before it was added as missed. (`every: Nh` needs its own date-time: validation asks for it.)
    const clock = ctx.clock(l.regimen);
    const today = clock.dayOf(ctx.now(clock));
    const phases = resolvePhases(wanted, isHourly(wanted[0]!.shape) ? undefined : today, {});
    med = stripUndefined({ id: medId, ...fields, schedule: phases.length === 1 ? phases[0]!.raw : phases.map((p) => p.raw) });
    if (fields.dose === 1) delete med.dose;
    // A schedule anchored before today (a pill pack or course begun before set-up): recording
    // begins today, so the doses before it are never missed (core/tracking.ts).
    const first = (Array.isArray(med.schedule) ? med.schedule[0] : med.schedule) as Obj | undefined;
    const from = typeof first?.from === 'string' ? first.from : undefined;
    const anchor = from !== undefined ? (parseLocalDateTime(from)?.day ?? parseDay(from)) : undefined;
    if (anchor !== undefined && anchor < today) med.trackedSince = formatDay(today);
    const index = l.regimen.medications.length;
    return {
      text: editHead(l, [{ op: 'append', path: ['medications'], item: med, block: true }]),
      result: undefined,
      verify: (after) => {
        warnings = medWarnings(after, index);
      },
    };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) }));
  warnProblems(ctx, warnings);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, added: med, warnings: warnings.map((w) => w.message) });
  else ctx.out.print(`Added ${medId}: ${flow(med.schedule)}.`);
  return 0;
}

function stripUndefined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

interface EditFlags extends ScheduleFlags {
  name?: string;
  strength?: string;
  purpose?: string;
  instructions?: string;
  dose?: string;
}

/** The raw phases of a medication with their days (from the normalized ones, which are in the same order). */
function rawPhases(med: Medication, sched: unknown): RawPhase[] {
  const raws = Array.isArray(sched) ? (sched as Obj[]) : [sched as Obj];
  return raws.map((raw, i) => ({ raw, from: med.phases[i]?.from, until: med.phases[i]?.until }));
}

const SHAPE_KEYS = ['times', 'days', 'monthDays', 'every', 'cycle', 'asNeeded', 'minInterval', 'maxPerDay'];

/**
 * The edits that turn the schedule `sched` (as in the file) into `next`: a changed key is set in
 * place, a new phase appended, so comments and the rest of the file stay; a list that got shorter
 * is written again whole.
 */
function scheduleOps(base: (string | number)[], sched: unknown, old: readonly RawPhase[], next: readonly RawPhase[]): HeadOp[] {
  const ops: HeadOp[] = [];
  const setPhase = (path: (string | number)[], a: Obj, b: Obj) => {
    const removed = Object.keys(a).some((k) => !(k in b));
    if (removed) return ops.push({ op: 'set', path, value: b });
    for (const [k, v] of Object.entries(b)) if (JSON.stringify(a[k]) !== JSON.stringify(v)) ops.push({ op: 'set', path: [...path, k], value: v });
  };
  if (!Array.isArray(sched) && next.length === 1) {
    setPhase([...base, 'schedule'], old[0]!.raw, next[0]!.raw);
    return ops;
  }
  if (next.length < old.length) return [{ op: 'set', path: [...base, 'schedule'], value: next.map((p) => p.raw) }];
  if (!Array.isArray(sched)) ops.push({ op: 'wrap', path: [...base, 'schedule'] });
  next.forEach((p, i) => {
    if (i < old.length) setPhase([...base, 'schedule', i], old[i]!.raw, p.raw);
    else ops.push({ op: 'append', path: [...base, 'schedule'], item: p.raw });
  });
  return ops;
}

export async function runEdit(ctx: Ctx, args: string[], o: EditFlags): Promise<number> {
  const dose = o.dose !== undefined ? parsePositive(o.dose, '--dose') : undefined;
  const reqs = requests(o, dose);
  const top = requestFromFlags(o, dose);
  const changes: string[] = [];
  let warnings: Problem[] = [];
  inFlags(() => mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const today = clock.dayOf(ctx.now(clock));
    const start = top.fromDay ?? today;
    const base: (string | number)[] = ['medications', med.index];
    const ops: HeadOp[] = [];
    for (const k of ['name', 'strength', 'purpose', 'instructions'] as const) {
      if (o[k] !== undefined) {
        ops.push({ op: 'set', path: [...base, k], value: o[k] });
        changes.push(`${k} is now ${JSON.stringify(o[k])}`);
      }
    }
    const raw = l.value!.medications as Obj[];
    const sched = raw[med.index]!.schedule;
    const old = rawPhases(med, sched);
    let next: RawPhase[] | undefined;
    if (reqs.length) {
      // A new schedule from `start`: what is not given is kept from the phase in force then.
      const current = old[phaseNamed(old, start)]!.raw;
      const shape = Object.fromEntries(Object.entries(current).filter(([k]) => SHAPE_KEYS.includes(k)));
      const added = resolvePhases(reqs, start, { shape, dose: typeof current.dose === 'number' ? current.dose : undefined });
      next = placePhases(old, added);
      for (const p of added) changes.push(`${p.until !== undefined ? `${formatDay(p.from!)} to ${formatDay(p.until)}` : `from ${formatDay(p.from!)}`}: ${flow(p.raw)}`);
    } else if (top.until !== undefined || top.count !== undefined || top.forDays !== undefined) {
      // Only bounds: they end the phase in force on --from (default today), the one they name.
      const i = phaseNamed(old, start);
      const p = old[i]!;
      next = old.slice();
      if (top.count !== undefined) {
        next[i] = { ...p, raw: { ...p.raw, count: top.count } };
        changes.push(`the schedule${p.from !== undefined ? ` from ${formatDay(p.from)}` : ''} now ends after ${top.count} doses`);
      }
      const until = top.until ?? (top.forDays !== undefined ? (p.from ?? start) + top.forDays - 1 : undefined);
      if (until !== undefined) {
        next = endPhase(next, i, until);
        changes.push(`the schedule${p.from !== undefined ? ` from ${formatDay(p.from)}` : ''} now ends on ${formatDay(until)}`);
      }
    }
    if (next) ops.push(...scheduleOps(base, sched, old, next));
    if (!ops.length) throw usageError('nothing-to-change', 'say what to change', 'for example --times 08:00,20:00, --dose 2, --until 2026-03-10 or --purpose "blood pressure"');
    return {
      text: editHead(l, ops),
      result: undefined,
      verify: (after) => {
        warnings = medWarnings(after, med.index);
      },
    };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) }));
  warnProblems(ctx, warnings);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, edited: args[0], changes, warnings: warnings.map((w) => w.message) });
  else ctx.out.print(`Edited ${args[0]}: ${changes.join('; ')}.`);
  return 0;
}

export async function runStop(ctx: Ctx, args: string[], o: { date?: string }): Promise<number> {
  let last = '';
  let stoppedText = '';
  mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const now = ctx.now(clock);
    const today = clock.dayOf(now);
    // Stopping means no more doses from now (a dose later today is not due); --date names the last day
    // doses are taken, and the stop is at the start of the next day.
    let stop: string;
    let lastDay: number;
    if (o.date !== undefined) {
      lastDay = parseDateArg(o.date, '--date');
      stop = formatDay(lastDay + 1);
    } else {
      const minute = clock.toLocal(now).minute;
      stop = minute === 0 ? formatDay(today) : `${formatDay(today)}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      lastDay = minute === 0 ? today - 1 : today;
    }
    last = formatDay(lastDay);
    stoppedText = stop;
    const first = med.phases[0];
    if (first?.from !== undefined && first.from > lastDay) throw usageError('stop-before-start', `${med.id} starts ${formatDay(first.from)}, after ${last}`, `to take it out of the file, delete it in an editor; to stop it later, give --date`);
    if (med.stopped && clock.toInstant(med.stopped.day, med.stopped.minute) <= now && !med.phases.some((p) => p.from !== undefined && p.from > med.stopped!.day)) {
      throw usageError('already-stopped', `${med.id} was already stopped on ${med.stopped.text.replace('T', ' ')}`);
    }
    const end = lastScheduledDay(med);
    if (end !== undefined && end < lastDay && !med.phases.some((p) => p.asNeeded)) throw usageError('already-stopped', `${med.id} already ends on ${formatDay(end)}`);
    return { text: editHead(l, [{ op: 'set', path: ['medications', med.index, 'stopped'], value: stop }]), result: undefined };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, stopped: args[0], lastDay: last, stoppedAt: stoppedText });
  else ctx.out.print(`Stopped ${args[0]}: no scheduled dose from ${stoppedText.replace('T', ' ')} on (the last day is ${last}). Its history stays in the log.`);
  return 0;
}
