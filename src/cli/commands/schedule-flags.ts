/**
 * Schedules from the command line: the schedule flags of `meds add` and `meds edit`, and the
 * repeatable `--phase "KEY=VALUE ..."` that enters a taper or a course phase by phase.
 * Errors name the flag and the expected form, never a path in the file.
 */
import { usageError } from '../../errors.js';
import { inRange, parseDateArg, parsePositive, parsePositiveInt } from '../context.js';
import { MAX_INTERVAL_DAYS } from '../limits.js';
import { MAX_DOSES_PER_DAY } from '../../model/limits.js';
import { DAY, MINUTE, formatDay, parseDay, parseDuration, parseLocalDateTime } from '../../time/time.js';
import type { RawPhase } from '../../core/phases.js';
import type { DayNum } from '../../model/types.js';

type Obj = Record<string, unknown>;

export interface ScheduleFlags {
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
  phase?: string[];
  for?: string;
}

/** One phase as asked for: its shape (when to take it), dose and bounds, not yet placed in time. */
export interface PhaseRequest {
  shape?: Obj; // times, days, every, cycle, asNeeded, minInterval, maxPerDay
  dose?: number;
  fromText?: string; // as given: a date, or a date-time (an `every: Nh` course's first dose)
  fromDay?: DayNum;
  until?: DayNum;
  forDays?: number;
  count?: number;
}

export const PHASE_KEYS = ['times', 'days', 'every', 'cycle', 'dose', 'from', 'until', 'for', 'count'] as const;

export function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The shape flags (when it is taken), or undefined when none was given. `flag` names the option in messages. */
export function shapeFromFlags(o: ScheduleFlags, flag: (k: string) => string = (k) => `--${k}`): Obj | undefined {
  const s: Obj = {};
  if (o.asNeeded) s.asNeeded = true;
  if (o.times !== undefined) {
    const times = list(o.times);
    if (!times.length) throw usageError('bad-times', `${flag('times')} needs at least one time`, 'for example 08:00,20:00 or breakfast,dinner');
    if (times.length > MAX_DOSES_PER_DAY) throw usageError('out-of-range', `${flag('times')} lists ${times.length} times: a day has at most ${MAX_DOSES_PER_DAY} doses`);
    s.times = times;
  }
  if (o.days !== undefined) {
    const days = list(o.days).map((d) => d.toLowerCase().slice(0, 3));
    const bad = days.find((d) => !WEEKDAY_NAMES.includes(d));
    if (bad !== undefined || !days.length) throw usageError('bad-days', `${flag('days')} ${JSON.stringify(o.days)} is not a list of weekdays`, 'for example mon,thu');
    s.days = days;
  }
  if (o.every !== undefined) {
    if (!parseDuration(o.every)) throw usageError('bad-duration', `${flag('every')} ${JSON.stringify(o.every)} is not a duration`, 'for example 8h, 2d or 1w');
    checkInterval(o.every, flag('every'), DAY / MAX_DOSES_PER_DAY);
    s.every = o.every;
  }
  if (o.cycle !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(o.cycle);
    if (!m) throw usageError('bad-cycle', `${flag('cycle')} ${JSON.stringify(o.cycle)} is not days on/off`, 'for example 21/7');
    s.cycle = { on: inRange(+m[1]!, m[1]!, flag('cycle')), off: inRange(+m[2]!, m[2]!, flag('cycle')) };
  }
  if (o.minInterval !== undefined) {
    if (!parseDuration(o.minInterval)) throw usageError('bad-duration', `${flag('min-interval')} ${JSON.stringify(o.minInterval)} is not a duration`, 'for example 6h');
    checkInterval(o.minInterval, flag('min-interval'), MINUTE);
    s.minInterval = o.minInterval;
  }
  if (o.maxPerDay !== undefined) s.maxPerDay = parsePositiveInt(o.maxPerDay, flag('max-per-day'));
  return Object.keys(s).length ? s : undefined;
}

/**
 * An interval option, at most MAX_INTERVAL_DAYS long and at least `least`: `--every` gives at most
 * MAX_DOSES_PER_DAY doses a day; `--min-interval` adds no doses, so it may be as short as a minute.
 */
function checkInterval(text: string, name: string, least: number): void {
  const ms = parseDuration(text)!.ms;
  if (!(ms >= least) || !(ms <= MAX_INTERVAL_DAYS * DAY)) {
    const perDay = least > MINUTE ? ` (${MAX_DOSES_PER_DAY} a day)` : '';
    throw usageError('out-of-range', `${name} ${text} is out of range: it must be from ${least / MINUTE}min${perDay} to ${MAX_INTERVAL_DAYS}d`);
  }
}

/** `--from`: a date, or a date-time (the first dose of an `every: Nh` course). */
export function parseFrom(text: string, flag: string): { text: string; day: DayNum } {
  const l = parseLocalDateTime(text);
  if (l) return { text, day: l.day };
  const d = parseDay(text);
  if (d === undefined) throw usageError('bad-date', `${flag} ${JSON.stringify(text)} is not a date`, 'write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM for the first dose of an --every 8h course)');
  return { text: formatDay(d), day: d };
}

/** The bounds flags of one phase. */
function boundsOf(o: { from?: string; until?: string; count?: string; for?: string }, flag: (k: string) => string): Omit<PhaseRequest, 'shape' | 'dose'> {
  const r: Omit<PhaseRequest, 'shape' | 'dose'> = {};
  if (o.from !== undefined) {
    const f = parseFrom(o.from, flag('from'));
    r.fromText = f.text;
    r.fromDay = f.day;
  }
  if (o.until !== undefined) r.until = parseDateArg(o.until, flag('until'));
  if (o.count !== undefined) r.count = parsePositiveInt(o.count, flag('count'));
  if (o.for !== undefined) {
    const d = parseDuration(o.for);
    if (!d || (d.unit !== 'd' && d.unit !== 'w') || !Number.isInteger(d.n)) throw usageError('bad-duration', `${flag('for')} ${JSON.stringify(o.for)} is not a number of days or weeks`, 'for example 5d or 2w');
    r.forDays = d.unit === 'w' ? d.n * 7 : d.n;
  }
  if (r.until !== undefined && r.forDays !== undefined) throw usageError('conflict', `${flag('until')} and ${flag('for')} both say when the phase ends`, 'give one of them');
  return r;
}

/** The phase the top-level flags ask for (shape, dose, bounds); undefined when they ask for none. */
export function requestFromFlags(o: ScheduleFlags, dose: number | undefined): PhaseRequest {
  return { shape: shapeFromFlags(o), dose, ...boundsOf(o, (k) => `--${k}`) };
}

/** `--phase "times=08:00 dose=4 for=5d"`: the n-th (1-based) phase option. */
export function parsePhaseOption(text: string, n: number): PhaseRequest {
  const o: Record<string, string> = {};
  const where = `--phase ${JSON.stringify(text)}`;
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : part;
    if (!(PHASE_KEYS as readonly string[]).includes(key)) {
      throw usageError('bad-phase', `${where}: unknown key ${JSON.stringify(key)}`, `phase ${n} takes KEY=VALUE pairs separated by spaces, KEY one of ${PHASE_KEYS.join(', ')}; for example --phase "dose=2 for=5d"`);
    }
    if (eq < 0 || eq === part.length - 1) throw usageError('bad-phase', `${where}: ${key} needs a value (${key}=...)`, 'for example --phase "dose=2 for=5d"');
    if (o[key] !== undefined) throw usageError('bad-phase', `${where}: ${key} is given twice`);
    o[key] = part.slice(eq + 1);
  }
  if (!Object.keys(o).length) throw usageError('bad-phase', `${where} is empty`, 'for example --phase "dose=2 for=5d"');
  const flag = (k: string) => `${where}: ${k}=`;
  const shape = shapeFromFlags({ times: o.times, days: o.days, every: o.every, cycle: o.cycle }, flag);
  const dose = o.dose !== undefined ? parsePositive(o.dose, flag('dose')) : undefined;
  return { shape, dose, ...boundsOf(o, flag) };
}

const AS_NEEDED_KEYS = ['asNeeded', 'minInterval', 'maxPerDay'];
const DAILY_KEYS = ['times', 'days', 'monthDays', 'cycle'];

/**
 * The shape of a phase given some of its keys: what is not given is kept from the phase before
 * (`--days mon` keeps the times), except what the new keys rule out: as needed drops the times and
 * day rules, every N hours drops the times and day rules, a time or an interval drops as needed.
 */
export function mergeShape(prev: Obj | undefined, next: Obj): Obj {
  const out: Obj = { ...prev };
  const hourly = typeof next.every === 'string' && !/[dw]$/.test(next.every);
  if (next.asNeeded) for (const k of [...DAILY_KEYS, 'every']) delete out[k];
  if (hourly) for (const k of DAILY_KEYS) delete out[k];
  if (next.times !== undefined || next.every !== undefined || next.days !== undefined || next.cycle !== undefined) for (const k of AS_NEEDED_KEYS) delete out[k];
  if (typeof out.every === 'string' && !/[dw]$/.test(out.every) && next.times !== undefined) delete out.every; // times replace an hourly interval
  return { ...out, ...next };
}

/**
 * Place requested phases in time: the first starts on its own `from`, else `start`; each later one
 * on its own `from`, else the day after the one before ends (its `until`, or `for`). A phase without
 * a shape or dose keeps the previous one's (`inherit` for the first). Phases must be in date order.
 */
export function resolvePhases(reqs: readonly PhaseRequest[], start: DayNum | undefined, inherit: { shape?: Obj; dose?: number }): RawPhase[] {
  const out: RawPhase[] = [];
  let shape = inherit.shape;
  let dose = inherit.dose;
  let prevEnd: DayNum | undefined;
  let prevStart: DayNum | undefined;
  reqs.forEach((r, k) => {
    const name = k === 0 ? 'the schedule' : `phase ${k + 1}`;
    shape = r.shape ? mergeShape(shape, r.shape) : shape;
    if (shape === undefined) throw usageError('no-schedule', `${name} does not say when it is taken`, 'give --times 08:00 (or --every, --as-needed), or times=08:00 in the first --phase');
    if (r.dose !== undefined) dose = r.dose;
    let from = r.fromDay;
    if (from === undefined) {
      if (k === 0) from = start;
      else if (prevEnd === undefined) throw usageError('phase-open', `phase ${k} has no end, so phase ${k + 1} cannot start after it`, `give phase ${k} until=YYYY-MM-DD or for=5d, or phase ${k + 1} from=YYYY-MM-DD`);
      else from = prevEnd + 1;
    }
    if (from !== undefined && prevStart !== undefined && from <= prevStart) throw usageError('phase-order', `phase ${k + 1} starts ${formatDay(from)}, not after phase ${k} (${formatDay(prevStart)})`, 'give the phases in date order');
    const until = r.until ?? (r.forDays !== undefined && from !== undefined ? from + r.forDays - 1 : undefined);
    if (r.forDays !== undefined && from === undefined) throw usageError('phase-open', `${name} needs a first day for its length`, 'give --from YYYY-MM-DD');
    if (until !== undefined && from !== undefined && until < from) throw usageError('bad-until', `${name} would end (${formatDay(until)}) before it starts (${formatDay(from)})`);
    const raw: Obj = { ...shape };
    if (dose !== undefined) raw.dose = dose;
    if (from !== undefined) raw.from = r.fromText ?? formatDay(from);
    if (until !== undefined) raw.until = formatDay(until);
    if (r.count !== undefined) raw.count = r.count;
    out.push({ raw, from, until });
    prevStart = from;
    prevEnd = until;
  });
  return out;
}

const KEY_FLAGS: Record<string, string> = {
  times: '--times',
  days: '--days',
  every: '--every',
  from: '--from',
  until: '--until',
  count: '--count',
  cycle: '--cycle',
  dose: '--dose',
  asNeeded: '--as-needed',
  minInterval: '--min-interval',
  maxPerDay: '--max-per-day',
  name: '--name',
  strength: '--strength',
  form: '--form',
  purpose: '--purpose',
  instructions: '--instructions',
};

/**
 * A validation message about a medication that `add` or `edit` wrote, in the words of the command
 * line: `medications[1].schedule.every` is `--every`, `` `from: 2026-03-01T06:00` `` is `--from 2026-03-01T06:00`.
 */
export function inFlagWords(text: string): string {
  return text
    .replace(/medications\[\d+\]\.id: ("[^"]*") is not in the expected form/g, 'the id $1 is not in the expected form: letters, digits, ".", "_" and "-", starting with a letter or digit')
    .replace(/medications\[\d+\]\.schedule\[(\d+)\]\.(\w+)(\[\d+\])?/g, (_m, i: string, k: string) => `${KEY_FLAGS[k] ?? k} (phase ${+i + 1})`)
    .replace(/medications\[\d+\]\.schedule\.(\w+)(\[\d+\])?/g, (_m, k: string) => KEY_FLAGS[k] ?? k)
    .replace(/medications\[\d+\]\.schedule\[(\d+)\]/g, (_m, i: string) => `the schedule (phase ${+i + 1})`)
    .replace(/medications\[\d+\]\.schedule/g, 'the schedule')
    .replace(/medications\[\d+\]\.(\w+)/g, (_m, k: string) => KEY_FLAGS[k] ?? k)
    .replace(/`every: (\w+)`/g, '`--every $1`')
    .replace(/\bfor example from: (\S+)/g, 'for example --from $1')
    .replace(/\badd asNeeded: true\b/g, 'add --as-needed')
    .replace(/`(times|every|from|until|count|cycle|asNeeded|minInterval|maxPerDay)`/g, (_m, k: string) => `\`${KEY_FLAGS[k]}\``)
    .replace(/\buse minInterval and maxPerDay\b/g, 'use --min-interval and --max-per-day')
    .replace(/^minInterval and maxPerDay apply/g, '--min-interval and --max-per-day apply')
    .replace(/: minInterval and maxPerDay apply/g, ': --min-interval and --max-per-day apply')
    .replace(/\bnor a name in patient\.routine\b/g, 'nor a routine name in the file (patient.routine)');
}
