/**
 * Validation and normalization of a parsed regimen file.
 * Input: the plain value the store parsed, and a `locate` function that maps a
 * key path to its position in the file. Output: a normalized `Regimen` and the
 * problems found, each with its key path, position and, where one helps, a hint.
 * Pure: no I/O.
 */
import type { Problem, SourcePos } from '../errors.js';
import { nearest } from '../errors.js';
import { Clock, civilFromDay, formatDay, isValidZone, zoneHint, parseDay, parseDuration, parseHM, parseInstant, parseLocalDateTime, slotOf, weekday, DAY, HOUR, MINUTE } from '../time/time.js';
import { weeklyDrugOf, type MedText } from '../data/weekly-drugs.js';
import { DATE, DATETIME_LOCAL, DURATION, HHMM, INSTANT, SLOT, regimenSchema, type JsonSchema } from './schema.js';
import type { LogEntry, Medication, MissedInstruction, Phase, Regimen, Routine, Settings, Supply, TimeOfDay } from './types.js';
import { MAX_DOSES_PER_DAY } from './limits.js';

export type Path = (string | number)[];
export type Locate = (path: Path, key?: boolean) => SourcePos | undefined;

const PATTERN_WORDS: Record<string, string> = {
  [HHMM]: 'a time "HH:MM" from 00:00 to 23:59',
  [DATE]: 'a date YYYY-MM-DD',
  [DATETIME_LOCAL]: 'a date YYYY-MM-DD or a date-time YYYY-MM-DDTHH:MM',
  [SLOT]: 'a local date-time YYYY-MM-DDTHH:MM',
  [INSTANT]: 'a date-time with its offset, such as 2026-03-08T07:04-04:00',
  [DURATION]: 'a duration such as 30min, 8h, 2d or 1w',
};

export function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

/** A value quoted for a message: on one line (newlines escaped) and short (a wrong value may be a megabyte). */
const show = (v: unknown) => {
  const s = typeof v === 'string' ? `"${v.replace(/[\r\n\t\u2028\u2029]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\u${c.charCodeAt(0).toString(16)}`)}"` : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 76)}…${s[0] === '"' ? '"' : ''}` : s;
};

function jsType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
const typeMatches = (t: string | undefined, v: unknown) => !t || jsType(v) === t || (t === 'number' && jsType(v) === 'integer');
const TYPE_WORDS: Record<string, string> = { object: 'a map of keys', array: 'a list', string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'empty' };

const patterns = new Map<string, RegExp>();
function compiled(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source)));
  return re;
}

class Checker {
  problems: Problem[] = [];
  constructor(readonly locate: Locate) {}

  add(severity: Problem['severity'], code: string, path: Path, message: string, hint?: string, key = false) {
    this.problems.push({ severity, code, path, message, hint, pos: this.locate(path, key) });
  }
  error(code: string, path: Path, message: string, hint?: string) {
    this.add('error', code, path, message, hint);
  }

  /** Structural check against the schema; returns false when the value's type is wrong. */
  walk(v: unknown, s: JsonSchema, path: Path): boolean {
    if (s.anyOf) {
      const branch = s.anyOf.find((b) => typeMatches(b.type, v));
      if (!branch) {
        this.error('type', path, `${pathText(path)} should be ${s.anyOf.map((b) => TYPE_WORDS[b.type!]).join(' or ')}, not ${show(v)}`);
        return false;
      }
      return this.walk(v, branch, path);
    }
    if (s.const !== undefined && v !== s.const) {
      this.error('value', path, `${pathText(path)} should be ${show(s.const)}, not ${show(v)}`);
      return false;
    }
    if (!typeMatches(s.type, v)) {
      this.error('type', path, `${pathText(path)} should be ${TYPE_WORDS[s.type!]}, not ${v === null || v === undefined ? 'empty' : show(v)}`);
      return false;
    }
    if (s.enum && !s.enum.includes(v as string)) {
      const near = typeof v === 'string' ? nearest(v, s.enum.map(String)) : undefined;
      this.error('value', path, `${pathText(path)}: ${show(v)} is not one of ${s.enum.join(', ')}`, near ? `did you mean \`${near}\`?` : undefined);
      return false;
    }
    if (s.pattern && typeof v === 'string' && !compiled(s.pattern).test(v)) {
      this.error('format', path, `${pathText(path)}: ${show(v)} is not ${PATTERN_WORDS[s.pattern] ?? 'in the expected form'}`);
      return false;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return this.walkFail(path, `${pathText(path)} must be a finite number`);
      if (s.exclusiveMinimum !== undefined && !(v > s.exclusiveMinimum)) return this.walkFail(path, `${pathText(path)} must be greater than ${s.exclusiveMinimum}, not ${v}`);
      if (s.minimum !== undefined && v < s.minimum) return this.walkFail(path, `${pathText(path)} must be at least ${s.minimum}, not ${v}`);
      if (s.maximum !== undefined && v > s.maximum) return this.walkFail(path, `${pathText(path)} must be at most ${s.maximum}, not ${v}`);
    }
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < s.minItems) return this.walkFail(path, `${pathText(path)} must not be empty`);
      if (s.items) v.forEach((item, i) => this.walk(item, s.items!, [...path, i]));
    } else if (s.type === 'object' && v && typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      const props = s.properties ?? {};
      const unknown: string[] = [];
      for (const [k, val] of Object.entries(obj)) {
        const ps = props[k];
        if (ps) this.walk(val, ps, [...path, k]);
        else if (typeof s.additionalProperties === 'object') this.walk(val, s.additionalProperties, [...path, k]);
        else if (s.additionalProperties === false) unknown.push(k);
      }
      for (const req of s.required ?? []) {
        if (obj[req] !== undefined) continue;
        const typo = unknown.find((k) => nearest(k, [req]) === req);
        this.error('required', path, `${pathText(path)} is missing \`${req}\``, typo ? `did you mean \`${req}\` instead of \`${typo}\`?` : undefined);
      }
      for (const k of unknown) {
        const near = nearest(k, Object.keys(props));
        this.add('warning', 'unknown-key', [...path, k], `unknown key \`${k}\` in ${pathText(path)} (kept as it is, but meds does not use it)`, near ? `did you mean \`${near}\`?` : undefined, true);
      }
    }
    return true;
  }

  private walkFail(path: Path, message: string): boolean {
    this.error('value', path, message);
    return false;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface ValidateResult {
  regimen?: Regimen;
  problems: Problem[];
}

/** Validate and normalize. `regimen` is set only when there are no errors (warnings allowed). */
export function validateRegimen(input: unknown, locate: Locate): ValidateResult {
  const c = new Checker(locate);
  if (!isObj(input)) {
    c.error('type', [], input === null || input === undefined ? 'the file is empty' : 'the file should be a map of keys (meds, patient, medications, log)', 'start from examples/regimen.yaml or run `meds init`');
    return { problems: c.problems };
  }
  // `medications:` or `log:` with nothing after it is an empty list, as meds itself leaves it after an undo.
  let raw: Obj = input;
  for (const k of ['medications', 'log']) if (raw[k] === null) raw = { ...raw, [k]: [] };
  const structuralOk = c.walk(raw, regimenSchema, []);
  const errorsBefore = c.problems.some((p) => p.severity === 'error');
  if (!structuralOk || errorsBefore) {
    // Semantic checks rely on the structure; report what we have.
    semantic(raw, c, true);
    return { problems: c.problems };
  }
  const regimen = semantic(raw, c, false);
  return c.problems.some((p) => p.severity === 'error') ? { problems: c.problems } : { regimen, problems: c.problems };
}

/** Checks JSON Schema cannot express, and the normalized regimen. */
function semantic(raw: Obj, c: Checker, partial: boolean): Regimen | undefined {
  const patientRaw = isObj(raw.patient) ? raw.patient : {};
  const tz = typeof patientRaw.timezone === 'string' ? patientRaw.timezone : undefined;
  let zoneOk = false;
  if (tz !== undefined) {
    zoneOk = isValidZone(tz);
    if (!zoneOk) c.error('timezone', ['patient', 'timezone'], `patient.timezone: unknown time zone ${show(tz)}`, zoneHint(tz));
  }
  if (typeof patientRaw.born === 'string' && parseDay(patientRaw.born) === undefined && compiled(DATE).test(patientRaw.born)) {
    c.error('date', ['patient', 'born'], `patient.born: ${show(patientRaw.born)} is not a real date`);
  }
  const routine: Routine = {};
  if (isObj(patientRaw.routine)) for (const [k, v] of Object.entries(patientRaw.routine)) if (typeof v === 'string') { const m = parseHM(v); if (m !== undefined) routine[k] = m; }

  const settingsRaw = isObj(raw.settings) ? raw.settings : {};
  const windowRaw = isObj(settingsRaw.window) ? settingsRaw.window : {};
  const settings: Settings = {
    earlyMs: typeof windowRaw.early === 'string' ? parseDuration(windowRaw.early)?.ms ?? HOUR : HOUR,
    lateMs: typeof windowRaw.late === 'string' ? parseDuration(windowRaw.late)?.ms ?? 2 * HOUR : 2 * HOUR,
    missed: missedOf(settingsRaw.missed),
    pdcThreshold: typeof settingsRaw.pdcThreshold === 'number' ? settingsRaw.pdcThreshold : undefined,
  };

  const clock = zoneOk ? new Clock(tz!) : undefined;
  const medsRaw = Array.isArray(raw.medications) ? raw.medications : [];
  const medications: Medication[] = [];
  const ids = new Map<string, number>();
  medsRaw.forEach((m, i) => {
    if (!isObj(m)) return;
    const path: Path = ['medications', i];
    if (typeof m.id === 'string') {
      const prev = ids.get(m.id);
      if (prev !== undefined) c.error('duplicate-id', [...path, 'id'], `duplicate medication id ${show(m.id)} (also medications[${prev}])`, 'give each medication its own id');
      else ids.set(m.id, i);
    }
    const med = medicationOf(m, i, routine, c, path);
    if (med) medications.push(med);
  });

  const log: LogEntry[] = [];
  const logRaw = Array.isArray(raw.log) ? raw.log : [];
  logRaw.forEach((e, i) => {
    if (!isObj(e)) return;
    const entry = logEntryOf(e, i, clock, ids, c, ['log', i], c.locate(['log', i])?.line);
    if (entry) log.push(entry);
  });
  if (partial || !tz) return undefined;
  return {
    version: 1,
    patient: {
      name: typeof patientRaw.name === 'string' ? patientRaw.name : undefined,
      timezone: tz,
      born: typeof patientRaw.born === 'string' ? patientRaw.born : undefined,
      allergies: Array.isArray(patientRaw.allergies) ? patientRaw.allergies.map(String) : [],
      conditions: Array.isArray(patientRaw.conditions) ? patientRaw.conditions.map(String) : [],
      routine,
    },
    settings,
    medications,
    log,
  };
}

function missedOf(v: unknown): MissedInstruction | undefined {
  if (!isObj(v)) return undefined;
  const out: MissedInstruction = {};
  if (typeof v.takeWithin === 'string') out.takeWithinMs = parseDuration(v.takeWithin)?.ms;
  if (v.sameDay === true) out.sameDay = true;
  if (v.action === 'skip') out.action = 'skip';
  if (typeof v.advice === 'string') out.advice = v.advice;
  return out;
}

function dayOf(v: unknown, c: Checker, path: Path): number | undefined {
  if (typeof v !== 'string') return undefined;
  const d = parseDay(v);
  if (d === undefined && compiled(DATE).test(v)) c.error('date', path, `${pathText(path)}: ${show(v)} is not a real date`);
  return d;
}

function medicationOf(m: Obj, index: number, routine: Routine, c: Checker, path: Path): Medication | undefined {
  const id = typeof m.id === 'string' ? m.id : undefined;
  const medDose = typeof m.dose === 'number' ? m.dose : 1;
  const phasesRaw = Array.isArray(m.schedule) ? m.schedule : isObj(m.schedule) ? [m.schedule] : [];
  const phases: Phase[] = [];
  phasesRaw.forEach((p, i) => {
    if (!isObj(p)) return;
    const ph = phaseOf(p, Array.isArray(m.schedule) ? i : 0, medDose, routine, c, Array.isArray(m.schedule) ? [...path, 'schedule', i] : [...path, 'schedule']);
    if (ph) phases.push(ph);
  });
  for (let i = 1; i < phases.length; i++) {
    const a = phases[i - 1]!, b = phases[i]!;
    if (b.from === undefined) c.error('phase', [...path, 'schedule', i, 'from'] as Path, `phase ${i + 1} of ${id ?? 'this medication'} needs \`from\` (phases after the first start on a date)`);
    else if (a.from !== undefined && b.from < a.from) c.error('phase', [...path, 'schedule', i, 'from'] as Path, `phases of ${id ?? 'this medication'} must be in date order`);
  }
  scheduleWarnings(phases, id ?? 'this medication', Array.isArray(m.schedule), c, [...path, 'schedule']);
  const supply = supplyOf(m.supply, c, [...path, 'supply']);
  const stopped = stoppedOf(m.stopped, phases, c, [...path, 'stopped']);
  if (!id) return undefined;
  weeklyDrugCheck({ id, name: str(m.name), strength: str(m.strength), ingredients: Array.isArray(m.ingredients) ? m.ingredients.map(String) : undefined }, phases, Array.isArray(m.schedule), c, path);
  return {
    id,
    name: typeof m.name === 'string' ? m.name : undefined,
    strength: typeof m.strength === 'string' ? m.strength : undefined,
    form: typeof m.form === 'string' ? m.form : undefined,
    unit: typeof m.unit === 'string' ? m.unit : typeof m.form === 'string' ? m.form : 'unit',
    purpose: typeof m.purpose === 'string' ? m.purpose : undefined,
    prescriber: typeof m.prescriber === 'string' ? m.prescriber : undefined,
    instructions: typeof m.instructions === 'string' ? m.instructions : undefined,
    ingredients: Array.isArray(m.ingredients) ? m.ingredients.map(String) : undefined,
    phases,
    missed: missedOf(m.missed),
    supply,
    ...(stopped ? { stopped } : {}),
    index,
    trackedSince: dayOf(m.trackedSince, c, [...path, 'trackedSince']),
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const normal = (t: string) => t.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/**
 * A medicine taken once a week (data/weekly-drugs.ts: methotrexate, alendronate 70 mg, weekly GLP-1
 * injections) scheduled more often than that is a classic, sometimes fatal, error: a warning (the
 * file stays valid: a prescriber may mean it), on the first phase that does it, naming the
 * medication, what to check, and the sources.
 */
function weeklyDrugCheck(med: MedText, phases: Phase[], list: boolean, c: Checker, path: Path) {
  const drug = weeklyDrugOf(med);
  if (!drug) return;
  const k = phases.findIndex(moreOftenThanWeekly);
  if (k < 0) return;
  const where: Path = list ? [...path, 'schedule', k] : [...path, 'schedule'];
  const hint = `sources: ${drug.sources.map((s) => `${s.publisher} ${s.url}`).join('; ')}`;
  const named = normal(med.id) === normal(drug.name) ? med.id : `${med.id} (${drug.name})`;
  c.add('warning', 'weekly-drug-daily', where, `${named} is scheduled more often than once a week (${pathText(where)}). ${drug.check}`, hint);
}

/** Can this phase give two doses on days less than 7 apart? (Several times on one day are one dosing day.) */
export function moreOftenThanWeekly(p: Phase): boolean {
  if (p.asNeeded || (p.count !== undefined && p.count <= p.times.length)) return false;
  if (p.everyMs !== undefined) return p.everyMs < 7 * DAY;
  if (p.everyDays !== undefined && p.everyDays >= 7) return false;
  if (p.days) return new Set(p.days).size > 1;
  if (p.monthDays) {
    // Distinct days of the month closer than 7, also across the end of the shortest month (28 days).
    const md = [...new Set(p.monthDays.map((d) => Math.min(d, 28)))].sort((a, b) => a - b);
    if (md.length < 2) return false;
    for (let i = 1; i < md.length; i++) if (md[i]! - md[i - 1]! < 7) return true;
    return md[0]! + 28 - md[md.length - 1]! < 7;
  }
  if (p.cycle) return p.cycle.on > 1 || p.cycle.on + p.cycle.off < 7;
  return true;
}

const DAY_NAMES3 = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** A day from which to look for doses when a phase has no `from` (its pattern does not depend on a start then). */
const NO_FROM_REFERENCE = 20454; // 2026-01-01
const LOOK_DAYS = 366;

/** Does a daily-type phase give doses on `day` (weekdays, days of the month, every N days, cycle)? Its bounds are not looked at. */
function patternAllows(p: Phase, day: number): boolean {
  if (p.days && !p.days.includes(weekday(day))) return false;
  if (p.monthDays && !p.monthDays.includes(civilFromDay(day).d)) return false;
  const k = day - (p.from ?? 0);
  if (p.everyDays !== undefined && (k < 0 || k % p.everyDays !== 0)) return false;
  if (p.cycle && (k < 0 || ((k % (p.cycle.on + p.cycle.off)) + p.cycle.on + p.cycle.off) % (p.cycle.on + p.cycle.off) >= p.cycle.on)) return false;
  return true;
}

/**
 * Warnings about schedules that are valid but cannot mean what was written: a phase with no dose in
 * its first year (`every: 1w` from a Wednesday with `days: [mon, thu]` matches no day, ever), and
 * phases that overlap (the later one silently wins on the shared days).
 */
function scheduleWarnings(phases: Phase[], id: string, isList: boolean, c: Checker, path: Path): void {
  const at = (i: number): Path => (isList ? [...path, i] : path);
  phases.forEach((p, i) => {
    if (p.asNeeded || p.everyMs !== undefined || !p.times.length) return;
    const start = p.from ?? NO_FROM_REFERENCE;
    const next = phases[i + 1]?.from;
    const end = Math.min(start + LOOK_DAYS - 1, p.until ?? Infinity, next !== undefined ? next - 1 : Infinity);
    for (let d = start; d <= end; d++) if (patternAllows(p, d)) return;
    const rules: string[] = [];
    if (p.everyDays !== undefined) rules.push(`every ${p.everyDays % 7 === 0 ? `${p.everyDays / 7}w` : `${p.everyDays}d`} counted from ${p.from !== undefined ? `${DAY_NAMES3[weekday(p.from)]} ${formatDay(p.from)}` : 'its start'}`);
    if (p.cycle) rules.push(`a cycle of ${p.cycle.on} days on and ${p.cycle.off} off`);
    if (p.days) rules.push(`days ${p.days.map((d) => DAY_NAMES3[d]).join(', ')}`);
    if (p.monthDays) rules.push(`monthDays ${p.monthDays.join(', ')}`);
    const span = end < start + LOOK_DAYS - 1 ? 'at all' : 'in its first year';
    c.add('warning', 'no-dose', at(i), `${isList ? `phase ${i + 1} of ` : ''}${id}'s schedule gives no dose ${span}: ${rules.join(' and ') || 'its bounds'} never meet`, p.everyDays !== undefined && p.days ? '`every` repeats the weekday of `from`; for "Mondays and Thursdays, every other week" write `days: [mon, thu], cycle: { on: 7, off: 7 }, from: <a Monday>`' : 'check the schedule (`meds list` shows it in words)');
  });
  for (let i = 1; i < phases.length; i++) {
    const a = phases[i - 1]!, b = phases[i]!;
    if (a.until === undefined || b.from === undefined || a.until < b.from) continue;
    c.add('warning', 'phase-overlap', [...path, i - 1, 'until'], `phase ${i} of ${id} runs until ${formatDay(a.until)}, but phase ${i + 1} starts ${formatDay(b.from)}: from ${formatDay(b.from)} the later phase is used`, `end phase ${i} on ${formatDay(b.from - 1)}, or start phase ${i + 1} on ${formatDay(a.until + 1)}`);
  }
}

/**
 * `stopped: 2026-03-08T15:00` (written by `meds stop`): the phases that started by then end there,
 * so no code that reads a schedule gives a dose from that moment on; a phase that starts on a later
 * day is a restart and keeps its own bounds. A date alone stops at the start of that day.
 */
function stoppedOf(v: unknown, phases: Phase[], c: Checker, path: Path): Medication['stopped'] {
  if (typeof v !== 'string') return undefined;
  const l = parseLocalDateTime(v);
  const day = l?.day ?? dayOf(v, c, path);
  if (day === undefined) return undefined;
  const minute = l?.minute ?? 0;
  for (const p of phases) {
    if (p.from !== undefined && p.from > day) continue;
    if (p.until !== undefined && p.until < day) continue;
    // Stopped at midnight: the day before is the last; else the stop day, up to the stop's minute.
    if (minute === 0) p.until = day - 1;
    else {
      p.until = day;
      p.untilMinute = minute;
    }
  }
  return { day, minute, text: v };
}

function phaseOf(p: Obj, index: number, medDose: number, routine: Routine, c: Checker, path: Path): Phase | undefined {
  const ph: Phase = { index, dose: typeof p.dose === 'number' ? p.dose : medDose, asNeeded: p.asNeeded === true, times: [] };
  if (typeof p.from === 'string') {
    const l = parseLocalDateTime(p.from);
    if (l) {
      ph.from = l.day;
      ph.fromMinute = l.minute;
    } else if (compiled(DATETIME_LOCAL).test(p.from) && !compiled(DATE).test(p.from)) {
      c.error('date', [...path, 'from'], `${pathText([...path, 'from'])}: ${show(p.from)} is not a real date-time`);
    } else ph.from = dayOf(p.from, c, [...path, 'from']);
  }
  ph.until = dayOf(p.until, c, [...path, 'until']);
  if (ph.from !== undefined && ph.until !== undefined && ph.until < ph.from) c.error('bounds', [...path, 'until'], `${pathText([...path, 'until'])} is before \`from\``);
  if (typeof p.count === 'number') ph.count = p.count;

  if (Array.isArray(p.times)) {
    const seen = new Set<number>();
    p.times.forEach((t, i) => {
      const at = typeof t === 'string' ? t : isObj(t) && typeof t.at === 'string' ? t.at : undefined;
      if (at === undefined) return;
      const tpath: Path = typeof t === 'string' ? [...path, 'times', i] : [...path, 'times', i, 'at'];
      let minute = parseHM(at);
      if (minute === undefined) {
        if (/^\d{1,2}:\d{1,2}$/.test(at)) {
          c.error('time', tpath, `${pathText(tpath)}: ${show(at)} is not a time`, 'times are "HH:MM" from 00:00 to 23:59');
          return;
        }
        minute = routine[at];
        if (minute === undefined) {
          const near = nearest(at, Object.keys(routine));
          c.error('routine', tpath, `${pathText(tpath)}: ${show(at)} is neither a time "HH:MM" nor a name in patient.routine (${Object.keys(routine).join(', ') || 'none defined'})`, near ? `did you mean \`${near}\`?` : 'add it to patient.routine, or write the time as "HH:MM"');
          return;
        }
      }
      if (seen.has(minute)) c.error('time', tpath, `${pathText(tpath)}: ${show(at)} is listed twice in one day`);
      seen.add(minute);
      const tod: TimeOfDay = { minute, label: at };
      if (isObj(t) && typeof t.dose === 'number') tod.dose = t.dose;
      ph.times.push(tod);
    });
    ph.times.sort((a, b) => a.minute - b.minute);
    if (ph.times.length > MAX_DOSES_PER_DAY) c.error('times', [...path, 'times'], `${pathText([...path, 'times'])}: ${ph.times.length} times a day is more than ${MAX_DOSES_PER_DAY}`, `meds accepts at most ${MAX_DOSES_PER_DAY} doses a day`);
  }
  if (Array.isArray(p.days)) ph.days = p.days.map((d) => WEEKDAYS.indexOf(String(d))).filter((d) => d >= 0);
  // `last` is 31: a day the month does not have falls on its last day (core/schedule.ts onMonthDay).
  if (Array.isArray(p.monthDays)) ph.monthDays = p.monthDays.map((d) => (d === 'last' ? 31 : d)).filter((d): d is number => typeof d === 'number');
  if (isObj(p.cycle) && typeof p.cycle.on === 'number' && typeof p.cycle.off === 'number') {
    ph.cycle = { on: p.cycle.on, off: p.cycle.off };
    if (ph.from === undefined) c.error('needs-from', [...path, 'cycle'], `${pathText([...path, 'cycle'])} needs \`from\`: the day the cycle starts`);
  }
  if (typeof p.every === 'string') {
    const d = parseDuration(p.every);
    if (d) {
      if (d.unit === 'd' || d.unit === 'w') {
        if (!Number.isInteger(d.n)) c.error('every', [...path, 'every'], `${pathText([...path, 'every'])}: days and weeks must be whole numbers`);
        ph.everyDays = d.unit === 'w' ? d.n * 7 : d.n;
        if (ph.times.length === 0 && ph.fromMinute !== undefined && p.times === undefined) ph.times.push({ minute: ph.fromMinute, label: `${String(Math.floor(ph.fromMinute / 60)).padStart(2, '0')}:${String(ph.fromMinute % 60).padStart(2, '0')}` });
        if (ph.times.length === 0 && p.times === undefined) c.error('needs-times', [...path], `${pathText(path)}: \`every: ${p.every}\` needs \`times\` (or a \`from\` date-time)`);
      } else {
        ph.everyMs = d.ms;
        // Doses are identified by their minute (the log's `for:`): less than a minute apart they would collide,
        // and a schedule engine asked for one every 60 ms runs out of memory.
        if (d.ms < MINUTE) c.error('every', [...path, 'every'], `${pathText([...path, 'every'])}: "${p.every}" is less than a minute`, 'doses are counted in whole minutes; use 1min or more');
        else if (d.ms * MAX_DOSES_PER_DAY < DAY) c.error('every', [...path, 'every'], `${pathText([...path, 'every'])}: "${p.every}" is more than ${MAX_DOSES_PER_DAY} doses a day`, `meds accepts at most ${MAX_DOSES_PER_DAY} doses a day (every ${DAY / MAX_DOSES_PER_DAY / MINUTE}min)`);
        if (p.times !== undefined) c.error('every', [...path, 'times'], `${pathText(path)}: \`every: ${p.every}\` counts elapsed time and cannot have \`times\``, 'use `every: Nd` with times, or `every: Nh` with a `from` date-time');
      }
      if (ph.from === undefined && p.from === undefined) c.error('needs-from', [...path, 'every'], `${pathText([...path, 'every'])} needs \`from\`: where the counting starts`, ph.everyMs ? 'for example from: 2026-03-01T06:00' : 'for example from: 2026-03-01');
    }
  }
  if (ph.count !== undefined && ph.from === undefined) c.error('needs-from', [...path, 'count'], `${pathText([...path, 'count'])} needs \`from\`: where the course starts`);
  if (typeof p.minInterval === 'string') ph.minIntervalMs = parseDuration(p.minInterval)?.ms;
  if (typeof p.maxPerDay === 'number') ph.maxPerDay = p.maxPerDay;
  if (ph.asNeeded) {
    if (p.times !== undefined || p.every !== undefined) c.error('as-needed', path, `${pathText(path)}: an as-needed schedule has no \`times\` or \`every\``, 'as-needed doses are never due; use minInterval and maxPerDay to limit them');
  } else {
    if (ph.minIntervalMs !== undefined || ph.maxPerDay !== undefined) c.error('as-needed', path, `${pathText(path)}: minInterval and maxPerDay apply to as-needed schedules`, 'add asNeeded: true');
    if (p.times === undefined && p.every === undefined) {
      c.error('required', path, `${pathText(path)} needs \`times\`, \`every\` or \`asNeeded\``);
    }
  }
  return ph;
}

function supplyOf(v: unknown, c: Checker, path: Path): Supply | undefined {
  if (!isObj(v)) return undefined;
  const fills = Array.isArray(v.fills)
    ? v.fills.flatMap((f, i) => {
        if (!isObj(f)) return [];
        const date = dayOf(f.date, c, [...path, 'fills', i, 'date']);
        if (date === undefined || typeof f.quantity !== 'number') return [];
        return [{ date, quantity: f.quantity, daysSupply: typeof f.daysSupply === 'number' ? f.daysSupply : undefined }];
      })
    : [];
  return {
    onHand: typeof v.onHand === 'number' ? v.onHand : undefined,
    countedAt: dayOf(v.countedAt, c, [...path, 'countedAt']),
    refillsLeft: typeof v.refillsLeft === 'number' ? v.refillsLeft : undefined,
    quantity: typeof v.quantity === 'number' ? v.quantity : undefined,
    leadDays: typeof v.leadDays === 'number' ? v.leadDays : undefined,
    expires: dayOf(v.expires, c, [...path, 'expires']),
    fills,
  };
}

export function logEntryOf(e: Obj, index: number, clock: Clock | undefined, ids: Map<string, number>, c: Checker | ProblemSink, path: Path, line?: number): LogEntry | undefined {
  const med = typeof e.med === 'string' ? e.med : undefined;
  if (med !== undefined && !ids.has(med)) {
    const near = nearest(med, ids.keys());
    c.error('unknown-med', [...path, 'med'], `${pathText(path)} names medication ${show(med)}, which is not in medications`, near ? `did you mean \`${near}\`?` : `known: ${[...ids.keys()].join(', ')}`);
  }
  let at: number | undefined;
  if (typeof e.at === 'string') {
    at = parseInstant(e.at);
    if (at === undefined) {
      const l = parseLocalDateTime(e.at);
      if (l && clock) at = clock.toInstant(l.day, l.minute, l.second);
      else if (compiled(INSTANT).test(e.at)) c.error('date', [...path, 'at'], `${pathText([...path, 'at'])}: ${show(e.at)} is not a real date-time`);
    }
  }
  if (typeof e.for === 'string' && compiled(SLOT).test(e.for) && !parseLocalDateTime(slotOf(e.for).slice(0, 16))) {
    c.error('date', [...path, 'for'], `${pathText([...path, 'for'])}: ${show(e.for)} is not a real date-time`);
  }
  if (at === undefined || med === undefined || (e.status !== 'taken' && e.status !== 'skipped')) return undefined;
  // Every entry has every field, in this order (absent ones undefined): one object shape for the
  // hot loops over ten years of log (store/load.ts strictEntry builds the same).
  return {
    at,
    atText: e.at as string,
    med,
    for: typeof e.for === 'string' ? slotOf(e.for) : undefined, // "2026-03-08 07:00:00" and "2026-03-08T07:00" name the same slot
    extra: e.extra === true ? true : undefined,
    status: e.status,
    reason: typeof e.reason === 'string' ? e.reason : undefined,
    dose: typeof e.dose === 'number' ? e.dose : undefined,
    index,
    line,
  };
}

export interface ProblemSink {
  error(code: string, path: Path, message: string, hint?: string): void;
}

export { Checker };
