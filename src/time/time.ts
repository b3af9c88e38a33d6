/**
 * Calendar and clock arithmetic on plain numbers. A civil date is a day
 * number; an instant is epoch milliseconds. The only zone-aware step is
 * `Clock.offsetAt` (and what builds on it), which asks the zone rules
 * (time/zone.ts) about once a day and caches the answer, so hot loops stay on
 * numbers: no DateTime object per dose.
 */
import { zoneRules, isValidZone as zoneIsValid, type ZoneRules } from './zone.js';
/** Days since 1970-01-01: a civil date, no zone. */
export type DayNum = number;
/** Epoch milliseconds: an instant. */
export type Millis = number;

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function dayFromCivil(y: number, m: number, d: number): DayNum {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDay(z: DayNum): { y: number; m: number; d: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** 0 = Sunday .. 6 = Saturday */
export function weekday(day: DayNum): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

export function formatDay(day: DayNum): string {
  const { y, m, d } = civilFromDay(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

export function formatMinute(minute: number): string {
  return `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
}

/** "YYYY-MM-DDTHH:MM": the key of a scheduled slot in local time. */
export function slotKey(day: DayNum, minute: number): string {
  return `${formatDay(day)}T${formatMinute(minute)}`;
}

/**
 * The canonical slot text: "YYYY-MM-DDTHH:MM", plus "±HH:MM" when the text has an offset (the
 * second pass through a repeated fall-back hour). Seconds are dropped.
 */
export function slotOf(text: string): string {
  const base = text.slice(0, 10) + 'T' + text.slice(11, 16);
  const off = /[+-]\d{2}:\d{2}$/.exec(text.length > 16 ? text.slice(16) : '');
  return off ? base + off[0] : base;
}

/**
 * A slot as a number, for fast look-ups: local minutes since 1970 (day × 1440 + minute),
 * plus 0.5 for the second pass through a repeated hour (a slot with an offset suffix).
 * Reads characters in place: the text is a valid slot ("YYYY-MM-DD[T ]HH:MM...").
 */
export function slotNumber(text: string): number {
  const day = dayFromCivil(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
  const base = day * 1440 + digits(text, 11, 2) * 60 + digits(text, 14, 2);
  const c = text.charCodeAt(text.length - 6);
  return text.length > 16 && (c === 43 || c === 45) && text.charCodeAt(text.length - 3) === 58 ? base + 0.5 : base;
}

/** The number written by `count` digits of text at `at` (no closure per call: this runs once per log entry). */
function digits(text: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) v = v * 10 + text.charCodeAt(i) - 48;
  return v;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A strict calendar date, or undefined (rejects 2026-02-30). */
export function parseDay(text: string): DayNum | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const y = +m[1]!, mo = +m[2]!, d = +m[3]!;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return dayFromCivil(y, mo, d);
}

const HM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** "HH:MM" (00:00..23:59) to minutes, or undefined. */
export function parseHM(text: string): number | undefined {
  const m = HM_RE.exec(text);
  return m ? +m[1]! * 60 + +m[2]! : undefined;
}

const DUR_RE = /^(\d+(?:\.\d+)?)\s*(min|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { min: MINUTE, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };
/** "30min", "8h", "2d", "1w" to { ms, unit } (d and w are nominal). */
export function parseDuration(text: string): { ms: number; unit: 'min' | 'h' | 'd' | 'w'; n: number } | undefined {
  const m = DUR_RE.exec(text.trim());
  if (!m) return undefined;
  const n = +m[1]!;
  if (!(n > 0)) return undefined;
  const unit = (m[2] === 'm' ? 'min' : m[2]) as 'min' | 'h' | 'd' | 'w';
  return { ms: n * UNIT_MS[unit]!, unit, n };
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / HOUR);
  const min = Math.round((abs % HOUR) / MINUTE);
  if (h === 0) return `${min} min`;
  if (min === 0) return `${h} h`;
  return `${h} h ${min} min`;
}

/** Offset-free local date-time "YYYY-MM-DDTHH:MM[:SS]" parts, or undefined. */
const LOCAL_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const OFFSET_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

export interface LocalDateTime {
  day: DayNum;
  minute: number;
  second: number;
}

export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const m = LOCAL_RE.exec(text);
  if (!m) return undefined;
  const day = parseDay(m[1]!);
  const hh = +m[2]!, mm = +m[3]!, ss = m[4] ? +m[4] : 0;
  if (day === undefined || hh > 23 || mm > 59 || ss > 59) return undefined;
  return { day, minute: hh * 60 + mm, second: ss };
}

/** A date-time with an explicit offset ("Z", "+02:00", "-0400") to an instant. */
export function parseInstant(text: string): Millis | undefined {
  const m = OFFSET_RE.exec(text);
  if (!m) return undefined;
  const day = parseDay(m[1]!);
  const hh = +m[2]!, mm = +m[3]!, ss = m[4] ? +m[4] : 0;
  if (day === undefined || hh > 23 || mm > 59 || ss > 59) return undefined;
  const frac = m[5] ? Math.round(+('0.' + m[5]) * 1000) : 0;
  let offMin = 0;
  const z = m[6]!;
  if (z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2), om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return undefined;
    offMin = sign * (oh * 60 + om);
  }
  return day * DAY + (hh * 60 + mm) * MINUTE + ss * 1000 + frac - offMin * MINUTE;
}

export function isValidZone(name: string): boolean {
  return zoneIsValid(name);
}

export { zoneHint } from './zonename.js';

/**
 * The patient's clock: a fixed IANA zone. Converts between instants and local
 * wall time, with these DST rules (as RFC 5545 §3.3.5 and Temporal's "compatible" disambiguation): a local time in a spring-forward
 * gap moves forward by the gap; an ambiguous one (fall back) is the first occurrence.
 */
export class Clock {
  readonly zoneName: string;
  private readonly zone: ZoneRules;
  private readonly noonOffset = new Map<DayNum, number>();

  constructor(zoneName: string, rules: ZoneRules = zoneRules(zoneName)) {
    this.zoneName = zoneName;
    this.zone = rules;
  }

  /**
   * Offset from UTC in minutes at an instant. When the offsets at noon (UTC) of the day
   * before and the day after agree, no transition lies between them (zones change at
   * most once in two days), so the cached noon offset is the answer: one look-up a day.
   */
  offsetAt(t: Millis): number {
    const d = Math.floor(t / DAY);
    const before = this.offsetNoon(d - 1);
    return before === this.offsetNoon(d + 1) ? before : this.zone.offset(t);
  }

  /** Offset near local noon of a day (cached; transitions happen at night). */
  private offsetNoon(day: DayNum): number {
    let o = this.noonOffset.get(day);
    if (o === undefined) {
      o = this.zone.offset(day * DAY + 12 * HOUR);
      this.noonOffset.set(day, o);
    }
    return o;
  }

  /**
   * The day's offset in minutes when it holds all day (no transition from noon the day
   * before to noon the day after), else undefined: then use toInstant for each time.
   */
  steadyOffset(day: DayNum): number | undefined {
    const before = this.offsetNoon(day - 1);
    return before === this.offsetNoon(day + 1) && before === this.offsetNoon(day) ? before : undefined;
  }

  /**
   * steadyOffset of each day of [from, to], index 0 = from, NaN where it is undefined: for loops
   * over years of days, which then read an array instead of asking the clock.
   */
  steadyOffsets(from: DayNum, to: DayNum): Float64Array {
    // The noon offsets of days from - 1 to to + 1, asked of the zone in one batch, and kept for offsetNoon.
    const noon = new Float64Array(to - from + 3);
    for (let i = 0; i < noon.length; i++) noon[i] = (from - 1 + i) * DAY + 12 * HOUR;
    this.zone.offsets(noon, noon);
    for (let i = 0; i < noon.length; i++) this.noonOffset.set(from - 1 + i, noon[i]!);
    const out = new Float64Array(to - from + 1);
    for (let i = 0; i < out.length; i++) {
      const o = noon[i + 1]!;
      out[i] = noon[i] === o && noon[i + 2] === o ? o : NaN;
    }
    return out;
  }

  /** The instant of a local wall time. */
  toInstant(day: DayNum, minute: number, second = 0): Millis {
    const local = day * DAY + minute * MINUTE + second * 1000;
    const before = this.offsetNoon(day - 1);
    const after = this.offsetNoon(day + 1);
    if (before === after) {
      // No transition near this day (the common case): no further look-ups.
      const t = local - before * MINUTE;
      if (this.offsetNoon(day) === before) return t;
    }
    const tA = local - before * MINUTE;
    const tB = local - after * MINUTE;
    const validA = this.offsetAt(tA) === before;
    const validB = this.offsetAt(tB) === after;
    if (validA && validB) return Math.min(tA, tB); // ambiguous: the first occurrence
    if (validA) return tA;
    if (validB) return tB;
    return tA; // in the gap: the pre-transition offset moves it forward by the gap
  }

  /** Local wall time of an instant. */
  toLocal(t: Millis): { day: DayNum; minute: number; second: number } {
    const local = t + this.offsetAt(t) * MINUTE;
    const day = Math.floor(local / DAY);
    const ms = local - day * DAY;
    return { day, minute: Math.floor(ms / MINUTE), second: Math.floor((ms % MINUTE) / 1000) };
  }

  dayOf(t: Millis): DayNum {
    return Math.floor((t + this.offsetAt(t) * MINUTE) / DAY);
  }

  /**
   * Does the zone skip this calendar day entirely (no instant has it as its local date)? Zones
   * that crossed the date line eastwards did: Pacific/Apia and Pacific/Fakaofo went from
   * 2011-12-29 to 2011-12-31, Pacific/Kwajalein skipped 1993-08-21, Pacific/Kiritimati and
   * Pacific/Kanton 1994-12-31 (IANA tz data). Only a day without a steady offset can be one:
   * then its first and its last minute both fall in the gap, and resolve to a later day.
   */
  skipsDay(day: DayNum): boolean {
    if (this.steadyOffset(day) !== undefined) return false;
    return this.dayOf(this.toInstant(day, 0)) > day && this.dayOf(this.toInstant(day, 1439)) > day;
  }

  /** The first instant of a local day (midnight, or the first time after a gap). */
  startOfDay(day: DayNum): Millis {
    return this.toInstant(day, 0);
  }

  /** ISO 8601 with the local offset: 2026-03-08T07:04:00-04:00 */
  formatInstant(t: Millis, withSeconds = false): string {
    const off = this.offsetAt(t);
    const { day, minute, second } = this.toLocal(t);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${formatDay(day)}T${formatMinute(minute)}${withSeconds ? ':' + pad2(second) : ''}${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
  }

  /** Local "HH:MM" of an instant. */
  formatTime(t: Millis): string {
    return formatMinute(this.toLocal(t).minute);
  }

  /** Parse a user or file time: with an offset it is an instant; without one it is read in this zone. */
  parse(text: string): Millis | undefined {
    const t = parseInstant(text);
    if (t !== undefined) return t;
    const l = parseLocalDateTime(text);
    if (l) return this.toInstant(l.day, l.minute, l.second);
    const d = parseDay(text);
    if (d !== undefined) return this.toInstant(d, 0);
    return undefined;
  }
}
