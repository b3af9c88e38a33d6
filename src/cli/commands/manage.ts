/** `meds init`, `meds add`, `meds edit`, `meds stop`: changes to the regimen itself. */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { loadPrompts } from '../prompts.js';
import { parseDateArg, parsePositive, parsePositiveInt } from '../context.js';
import { findMed } from '../../core/find.js';
import { logWindow } from '../../core/window.js';
import { create, mutate } from '../../store/transaction.js';
import { editHead, type HeadOp } from '../../store/edit.js';
import { flow, scalar } from '../../store/emit.js';
import { formatDay, isValidZone, parseDay, parseDuration, parseHM, parseLocalDateTime } from '../../core/time.js';
import { phaseEnd } from '../../core/schedule.js';

type Obj = Record<string, unknown>;

interface ScheduleFlags {
  times?: string;
  days?: string;
  every?: string;
  from?: string;
  until?: string;
  count?: string;
  cycle?: string;
  asNeeded?: boolean;
  minInterval?: string;
  maxPerDay?: string;
}

const DEFAULT_ROUTINE = { wake: '07:00', breakfast: '07:30', lunch: '12:30', dinner: '18:30', bed: '22:30' };

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A schedule map from flags, or undefined when no schedule flag was given. */
function scheduleFromFlags(o: ScheduleFlags): Obj | undefined {
  const s: Obj = {};
  if (o.asNeeded) s.asNeeded = true;
  if (o.times !== undefined) s.times = list(o.times);
  if (o.days !== undefined) s.days = list(o.days).map((d) => d.toLowerCase().slice(0, 3));
  if (o.every !== undefined) {
    if (!parseDuration(o.every)) throw usageError('bad-duration', `--every ${JSON.stringify(o.every)} is not a duration`, 'for example 8h, 2d or 1w');
    s.every = o.every;
  }
  if (o.from !== undefined) s.from = o.from;
  if (o.until !== undefined) s.until = formatDay(parseDateArg(o.until, '--until'));
  if (o.count !== undefined) s.count = parsePositiveInt(o.count, '--count');
  if (o.cycle !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(o.cycle);
    if (!m) throw usageError('bad-cycle', `--cycle ${JSON.stringify(o.cycle)} is not days on/off`, 'for example 21/7');
    s.cycle = { on: +m[1]!, off: +m[2]! };
  }
  if (o.minInterval !== undefined) s.minInterval = o.minInterval;
  if (o.maxPerDay !== undefined) s.maxPerDay = parsePositiveInt(o.maxPerDay, '--max-per-day');
  return Object.keys(s).length ? s : undefined;
}

export function regimenTemplate(name: string | undefined, timezone: string, routine: Record<string, string>): string {
  const routineText = `{ ${Object.entries(routine).map(([k, v]) => `${k}: "${v}"`).join(', ')} }`;
  // Editors with a YAML language server validate against the schema shipped with this copy of meds.
  const schema = typeof __dirname === 'string' ? join(__dirname, '..', 'schema', 'meds.schema.json') : undefined;
  return [
    ...(schema ? [`# yaml-language-server: $schema=${schema}`] : []),
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
  let timezone = o.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
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
    timezone = await input({ message: 'Time zone (IANA)', default: timezone, validate: (v) => isValidZone(v) || 'an IANA zone such as America/New_York' });
    for (const k of Object.keys(routine)) routine[k] = await input({ message: `Usual ${k} time`, default: routine[k], validate: (v) => parseHM(v) !== undefined || 'HH:MM' });
  }
  if (!isValidZone(timezone)) throw usageError('bad-zone', `unknown time zone ${JSON.stringify(timezone)}`, 'use an IANA name such as America/New_York');
  mkdirSync(dirname(ctx.path), { recursive: true, mode: 0o700 });
  create(ctx.path, regimenTemplate(name, timezone, routine), !!o.force);
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

export async function runAdd(ctx: Ctx, args: string[], o: AddFlags): Promise<number> {
  let id = args[0];
  let schedule = scheduleFromFlags(o);
  const fields: Obj = { name: o.name, strength: o.strength, form: o.form, purpose: o.purpose, dose: o.dose !== undefined ? parsePositive(o.dose, '--dose') : undefined, instructions: o.instructions };
  if (ctx.interactive && (id === undefined || schedule === undefined)) {
    const { input } = loadPrompts();
    id ??= await input({ message: 'Short id (used on the command line)', validate: (v) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || 'letters, digits, . _ -' });
    fields.name ??= (await input({ message: 'Name as on the label (optional)' })) || undefined;
    fields.strength ??= (await input({ message: 'Strength, e.g. 500 mg (optional)' })) || undefined;
    const dose = await input({ message: 'Units per dose', default: '1', validate: (v) => Number(v) > 0 || 'a positive number' });
    fields.dose = Number(dose);
    const times = await input({ message: 'Times, comma-separated ("08:00,20:00", routine names, or "as needed")', validate: (v) => v.trim().length > 0 || 'required' });
    schedule = /as needed|prn/i.test(times) ? { asNeeded: true } : { times: list(times) };
    fields.purpose ??= (await input({ message: 'What it is for (optional)' })) || undefined;
  }
  if (id === undefined) throw usageError('no-id', 'name the medication: `meds add <id> --times 08:00`');
  if (schedule === undefined) throw usageError('no-schedule', `say when ${id} is taken`, 'for example --times 08:00,20:00, --every 8h --from 2026-03-01T06:00, or --as-needed');
  const medId = id;
  const med: Obj = { id: medId, ...fields, schedule };
  if (fields.dose === 1) delete med.dose;
  const sched = schedule;
  mutate(ctx.path, (l) => {
    if (l.regimen.medications.some((m) => m.id === medId)) throw usageError('duplicate-id', `there is already a medication ${JSON.stringify(medId)}`, `use \`meds edit ${medId}\` to change it`);
    // A new medication starts today unless --from says otherwise, so adherence never counts the
    // days before it was added as missed. (`every: Nh` needs its own date-time: validation asks for it.)
    const hourly = typeof sched.every === 'string' && !/[dw]$/.test(sched.every);
    const clock = ctx.clock(l.regimen);
    const today = clock.dayOf(ctx.now(clock));
    if (sched.from === undefined && !hourly) sched.from = formatDay(today);
    // A schedule anchored before today (a pill pack or course begun before set-up): recording
    // begins today, so the doses before it are never missed (core/tracking.ts).
    const anchor = typeof sched.from === 'string' ? (parseLocalDateTime(sched.from)?.day ?? parseDay(sched.from)) : undefined;
    if (anchor !== undefined && anchor < today) med.trackedSince = formatDay(today);
    return { text: editHead(l, [{ op: 'append', path: ['medications'], item: stripUndefined(med), block: true }]), result: undefined };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, added: stripUndefined(med) });
  else ctx.out.print(`Added ${medId}: ${flow(schedule)}.`);
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

export async function runEdit(ctx: Ctx, args: string[], o: EditFlags): Promise<number> {
  const newSchedule = scheduleFromFlags({ ...o, from: undefined });
  const dose = o.dose !== undefined ? parsePositive(o.dose, '--dose') : undefined;
  const changes: string[] = [];
  mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const today = clock.dayOf(ctx.now(clock));
    const start = o.from !== undefined ? parseDateArg(o.from, '--from') : today;
    const base: (string | number)[] = ['medications', med.index];
    const ops: HeadOp[] = [];
    for (const k of ['name', 'strength', 'purpose', 'instructions'] as const) {
      if (o[k] !== undefined) {
        ops.push({ op: 'set', path: [...base, k], value: o[k] });
        changes.push(`${k} is now ${JSON.stringify(o[k])}`);
      }
    }
    if (newSchedule || dose !== undefined) {
      const raw = l.value!.medications as Obj[];
      const sched = raw[med.index]!.schedule;
      const phases = Array.isArray(sched) ? (sched as Obj[]) : [sched as Obj];
      if (med.phases.some((p) => p.from !== undefined && p.from > start)) throw usageError('future-phase', `${med.id} has a schedule phase starting after ${formatDay(start)}`, 'edit the file by hand for future phases');
      const lastIdx = phases.length - 1;
      const current = phases[lastIdx]!;
      const next: Obj = { ...(newSchedule ?? current) };
      delete next.until;
      delete next.count;
      if (newSchedule === undefined) delete next.from;
      if (dose !== undefined) next.dose = dose;
      else if (newSchedule && current.dose !== undefined) next.dose = current.dose;
      // every Nh keeps its own from (a date-time); other phases start on the day.
      if (!(typeof next.every === 'string' && /h|min|m$/.test(next.every) && next.from !== undefined)) next.from = formatDay(start);
      const lastPhase = med.phases[lastIdx]!;
      if (lastPhase.from !== undefined && lastPhase.from >= start) {
        // The current phase starts on or after the new start (edited again the same day): replace it.
        ops.push({ op: 'set', path: Array.isArray(sched) ? [...base, 'schedule', lastIdx] : [...base, 'schedule'], value: { ...next, from: next.from } });
      } else {
        if (!Array.isArray(sched)) ops.push({ op: 'wrap', path: [...base, 'schedule'] });
        const end = phaseEnd(med, lastIdx);
        if (end === undefined || end >= start) ops.push({ op: 'set', path: [...base, 'schedule', lastIdx, 'until'], value: formatDay(start - 1) });
        ops.push({ op: 'append', path: [...base, 'schedule'], item: next });
      }
      changes.push(`from ${formatDay(start)}: ${flow(next)}`);
    }
    if (!ops.length) throw usageError('nothing-to-change', 'say what to change', 'for example --times 08:00,20:00, --dose 2 or --purpose "blood pressure"');
    return { text: editHead(l, ops), result: undefined };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, edited: args[0], changes });
  else ctx.out.print(`Edited ${args[0]}: ${changes.join('; ')}.`);
  return 0;
}

export async function runStop(ctx: Ctx, args: string[], o: { date?: string }): Promise<number> {
  let last = '';
  mutate(ctx.path, (l) => {
    const med = findMed(l.regimen, args[0]!);
    const clock = ctx.clock(l.regimen);
    const day = o.date !== undefined ? parseDateArg(o.date, '--date') : clock.dayOf(ctx.now(clock));
    last = formatDay(day);
    const raw = l.value!.medications as Obj[];
    const sched = raw[med.index]!.schedule;
    const base = ['medications', med.index, 'schedule'];
    const idx = med.phases.length - 1;
    const p = med.phases[idx]!;
    if (p.from !== undefined && p.from > day) throw usageError('stop-before-start', `${med.id}'s current schedule starts ${formatDay(p.from)}, after ${last}`, 'edit the file by hand to remove a phase that has not started');
    const end = phaseEnd(med, idx);
    if (end !== undefined && end <= day) throw usageError('already-stopped', `${med.id} already ends on ${formatDay(end)}`);
    const path = Array.isArray(sched) ? [...base, idx, 'until'] : [...base, 'until'];
    return { text: editHead(l, [{ op: 'set', path, value: last }]), result: undefined };
  }, { logFrom: logWindow({ command: 'head' }, ctx.approxNow()) });
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, stopped: args[0], lastDay: last });
  else ctx.out.print(`Stopped ${args[0]}: the last scheduled day is ${last}. Its history stays in the log.`);
  return 0;
}
