/** Small shared wording: names, amounts, schedules in words. Pure text, no color. */
import type { Medication, Phase } from '../model/types.js';
import { formatDay, formatDuration, formatMinute, DAY, HOUR } from '../time/time.js';

export function medLabel(m: Medication): string {
  const name = m.name ?? m.id;
  return m.strength ? `${name} ${m.strength}` : name;
}

export function amount(n: number, unit: string): string {
  const u = n === 1 ? unit : unit.endsWith('s') ? unit : `${unit}s`;
  return `${n} ${u}`;
}

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const COUNT_WORDS = ['', 'once', 'twice', 'three times', 'four times', 'five times', 'six times'];

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

function timesText(p: Phase): string {
  return joinAnd(p.times.map((t) => (/^\d\d:\d\d$/.test(t.label) ? t.label : `${t.label} (${formatMinute(t.minute)})`)));
}

/** "twice daily at 07:00 and 18:00", "every other day at 06:30", "every 8 h from 2026-03-01 06:00, 21 doses". */
export function phaseWords(p: Phase, unit: string): string {
  let s: string;
  if (p.asNeeded) {
    const limits = [p.minIntervalMs ? `at least ${formatDuration(p.minIntervalMs)} apart` : '', p.maxPerDay ? `at most ${p.maxPerDay} a day` : ''].filter(Boolean);
    s = `as needed${limits.length ? ', ' + limits.join(', ') : ''}`;
  } else if (p.everyMs !== undefined) {
    s = `every ${p.everyMs % HOUR === 0 ? p.everyMs / HOUR + ' h' : formatDuration(p.everyMs)}`;
    if (p.from !== undefined) s += ` from ${formatDay(p.from)} ${formatMinute(p.fromMinute ?? 0)}`;
  } else {
    const n = p.times.length;
    const freq = COUNT_WORDS[n] ?? `${n} times`;
    let when: string;
    if (p.days && p.days.length) when = p.days.length === 1 ? `every ${DAY_NAMES[p.days[0]!]}` : `on ${joinAnd(p.days.map((d) => DAY_NAMES[d]!.slice(0, 3)))}`;
    else if (p.monthDays) when = monthDaysText(p.monthDays);
    else if (p.everyDays === 2) when = 'every other day';
    else if (p.everyDays === 7) when = 'weekly';
    else if (p.everyDays !== undefined) when = p.everyDays % 7 === 0 ? `every ${p.everyDays / 7} weeks` : `every ${p.everyDays} days`;
    else when = 'daily';
    s = when === 'daily' ? `${freq} daily at ${timesText(p)}` : n === 1 ? `${when} at ${timesText(p)}` : `${freq} a day ${when}, at ${timesText(p)}`;
    if (p.cycle) s += `, ${p.cycle.on} days on and ${p.cycle.off} off`;
  }
  const doses = p.times.some((t) => t.dose !== undefined) ? ` (${p.times.map((t) => amount(t.dose ?? p.dose, unit)).join(', ')})` : '';
  const bounds: string[] = [];
  if (p.from !== undefined && p.everyMs === undefined) bounds.push(`from ${formatDay(p.from)}`);
  if (p.until !== undefined) bounds.push(`until ${formatDay(p.until)}`);
  if (p.count !== undefined) bounds.push(`${p.count} doses`);
  return s + doses + (bounds.length ? `, ${bounds.join(', ')}` : '');
}

export function scheduleWords(m: Medication): string {
  return m.phases.map((p) => (m.phases.length > 1 ? `${amount(p.dose, m.unit)} ` : '') + phaseWords(p, m.unit)).join('; then ');
}

export function dateWords(day: number): string {
  const d = new Date(day * DAY);
  return `${DAY_NAMES[d.getUTCDay()]} ${d.getUTCDate()} ${['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "on day 1 and 15 of the month"; a day some months lack says where it falls: "on the last day of the month". */
function monthDaysText(monthDays: readonly number[]): string {
  const days = [...new Set(monthDays)].sort((a, b) => a - b);
  const names = days.map((d) => (d === 31 ? 'the last day' : String(d)));
  const late = days.some((d) => d >= 29 && d < 31);
  const text = days.length === 1 && days[0] === 31 ? 'on the last day of the month' : `on ${days[0] === 31 ? '' : 'day '}${joinAnd(names)} of the month`;
  return late ? `${text} (the last day in shorter months)` : text;
}
