/** `meds take` and `meds skip`: record a dose, credited to the right scheduled dose. */
import { usageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import { loadPrompts } from '../prompts.js';
import { approxInstant, parsePositive, parseTimeArg } from '../context.js';
import { findMed } from '../find.js';
import { loadRegimen, type Loaded } from '../../store/load.js';
import { mutate } from '../../store/transaction.js';
import { appendedLine, appendLogEntry } from '../../store/edit.js';
import { entryFor, planRecord, type RecordPlan } from '../../core/record.js';
import { assessDay } from '../../core/doses.js';
import { logWindow } from '../../core/window.js';
import { DAY, formatDuration, MINUTE, type Clock } from '../../time/time.js';
import type { LogStatus, Medication } from '../../model/types.js';
import { warnProblems } from './shared.js';
import { amount } from '../../render/words.js';

interface RecordOpts {
  at?: string;
  for?: string;
  reason?: string;
  dose?: string;
}

interface Recorded {
  med: Medication;
  plan: RecordPlan;
  at: number;
  entry: ReturnType<typeof entryFor>;
  dose?: number; // --dose, when given
}

function record(ctx: Ctx, medName: string, status: LogStatus, opts: RecordOpts): { rec: Recorded; clock: Clock } {
  const dose = opts.dose !== undefined ? parsePositive(opts.dose, '--dose') : undefined;
  let clock!: Clock;
  const rec = mutate(
    ctx.path,
    (l: Loaded) => {
      clock = ctx.clock(l.regimen);
      const med = findMed(l.regimen, medName);
      const now = ctx.now(clock);
      const at = opts.at !== undefined ? parseTimeArg(opts.at, clock, '--at', clock.dayOf(now)) : now;
      const atMinute = Math.floor(at / MINUTE) * MINUTE; // the log keeps minutes
      if (atMinute > now + MINUTE) throw usageError('future', `--at ${opts.at} is in the future`, 'a dose is recorded when it happens');
      const plan = planRecord(l.regimen, med, status, atMinute, clock, opts.for);
      const entry = entryFor(plan, med, atMinute, clock, opts.reason, dose);
      return {
        text: appendLogEntry(l, entry),
        appendedLine: appendedLine(l, entry),
        result: { med, plan, at: atMinute, entry, dose },
        verify: (after) => {
          if (after.logCount !== l.logCount + 1) throw new Error('the new entry did not read back');
        },
      };
    },
    { logFrom: logWindow({ command: 'record', at: opts.at !== undefined ? approxAt(opts.at) : undefined }, ctx.approxNow()) },
  );
  return { rec, clock };
}

function approxAt(text: string): number {
  return approxInstant(text) ?? Infinity; // "HH:MM" (today) is covered by the run's own time
}

function describe(r: Recorded, clock: Clock): string {
  const what = r.plan.status === 'taken' ? 'taken' : 'skipped';
  const at = clock.formatTime(r.at);
  if (r.plan.kind === 'scheduled') {
    const d = r.plan.dose;
    const when = clock.dayOf(d.at) === clock.dayOf(r.at) ? clock.formatTime(d.at) : d.slot.replace('T', ' ');
    let timing = '';
    if (r.plan.status === 'taken') {
      const off = r.plan.offsetMs;
      timing = r.plan.onTime ? ' (on time)' : ` (${formatDuration(off)} ${off < 0 ? 'early' : 'late'})`;
    }
    const partial = r.dose !== undefined && r.plan.status === 'taken' ? `: ${amount(r.dose, r.med.unit)}${r.dose !== d.dose ? ` (the schedule says ${amount(d.dose, r.med.unit)})` : ''}` : '';
    const missed = r.plan.status === 'skipped' && d.status === 'missed' ? ' (the missed one)' : '';
    return `Recorded ${r.med.id} ${when} dose${missed} as ${what} at ${at}${timing}${partial}${r.entry.reason ? `: ${r.entry.reason}` : ''}.`;
  }
  const units = r.dose !== undefined ? ` (${amount(r.dose, r.med.unit)})` : '';
  if (r.plan.kind === 'extra') return `Recorded ${r.med.id} as an EXTRA dose taken at ${at}${units}.`;
  return `Recorded ${r.med.id} (as needed) as ${what} at ${at}${units}.`;
}

function report(ctx: Ctx, r: Recorded, clock: Clock): number {
  for (const w of r.plan.warnings) ctx.out.warn(`meds: warning: ${w}`);
  if (ctx.json) ctx.out.printJson({ schemaVersion: 1, recorded: recordedJson(r, clock), warnings: r.plan.warnings });
  else ctx.out.print(describe(r, clock));
  return 0;
}

function recordedJson(r: Recorded, clock: Clock) {
  return {
    med: r.med.id,
    status: r.entry.status,
    at: clock.formatInstant(r.at),
    for: r.entry.for ?? null,
    kind: r.plan.kind,
    onTime: r.plan.kind === 'scheduled' && r.plan.status === 'taken' ? r.plan.onTime : null,
    reason: r.entry.reason ?? null,
    dose: r.dose ?? null,
    units: r.entry.status === 'taken' ? (r.entry.dose ?? null) : null,
  };
}

export async function runTake(ctx: Ctx, args: string[], opts: RecordOpts): Promise<number> {
  const names = args;
  if (names.length === 1) {
    const { rec, clock } = record(ctx, names[0]!, 'taken', opts);
    return report(ctx, rec, clock);
  }
  if (names.length > 1) return takeSeveral(ctx, names, opts);
  if (!ctx.interactive) throw usageError('no-med', 'name the medication to record, e.g. `meds take metformin`', 'run `meds list` to see the ids; the checklist needs a terminal');
  return checklist(ctx, opts);
}

export async function runSkip(ctx: Ctx, args: string[], opts: RecordOpts): Promise<number> {
  const { rec, clock } = record(ctx, args[0]!, 'skipped', opts);
  return report(ctx, rec, clock);
}

/**
 * `meds take lisinopril metformin`: each is recorded as `meds take <med>` would, in the order given.
 * Every name is checked first, so a typo records nothing.
 */
function takeSeveral(ctx: Ctx, names: string[], opts: RecordOpts): number {
  if (opts.dose !== undefined) throw usageError('conflicting-options', '--dose is for one medication at a time', `take them one by one: meds take ${names[0]} --dose ${opts.dose}`);
  const { regimen } = loadRegimen(ctx.path, { logFrom: Number.MAX_SAFE_INTEGER });
  const ids = names.map((n) => findMed(regimen, n).id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw usageError('conflicting-options', `${twice} is named twice`, 'name each medication once');
  const done = ids.map((id) => record(ctx, id, 'taken', opts));
  for (const { rec } of done) for (const w of rec.plan.warnings) ctx.out.warn(`meds: warning: ${w}`);
  if (ctx.json) {
    ctx.out.printJson({ schemaVersion: 1, records: done.map(({ rec, clock }) => ({ recorded: recordedJson(rec, clock), warnings: rec.plan.warnings })), warnings: done.flatMap(({ rec }) => rec.plan.warnings) });
  } else ctx.out.print(done.map(({ rec, clock }) => describe(rec, clock)).join('\n'));
  return 0;
}

/** In a terminal: tick the due and missed doses that were taken. */
async function checklist(ctx: Ctx, opts: RecordOpts): Promise<number> {
  const loaded = loadRegimen(ctx.path);
  warnProblems(ctx, loaded.warnings);
  const clock = ctx.clock(loaded.regimen);
  const now = ctx.now(clock);
  const day = clock.dayOf(now);
  const choices = assessDay(loaded.regimen, day, now, clock)
    .flatMap((m) => m.doses.filter((d) => d.status === 'due' || (d.status === 'missed' && now - d.at < DAY)).map((d) => ({ m, d })))
    .sort((a, b) => a.d.at - b.d.at || a.m.med.index - b.m.med.index) // in time order, as `today` lists them
    .map(({ m, d }) => ({ name: `${clock.formatTime(d.at)}  ${m.med.id}  (${d.status})`, value: { med: m.med.id, slot: d.slot } }));
  if (!choices.length) {
    ctx.out.print('Nothing is due or missed right now.');
    return 0;
  }
  const { checkbox } = loadPrompts();
  const picked = await checkbox({ message: 'Which doses did you take?', choices });
  for (const p of picked) {
    const { rec } = record(ctx, p.med, 'taken', { ...opts, for: p.slot });
    report(ctx, rec, clock);
  }
  if (!picked.length) ctx.out.print('Nothing recorded.');
  return 0;
}
