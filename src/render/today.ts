/** `meds today`: the human table and the JSON document. */
import type { MedDay, AsNeededState } from '../core/doses.js';
import type { Clock } from '../time/time.js';
import type { MissedAdvice } from '../core/missed.js';
import type { Medication } from '../model/types.js';
import { formatDay } from '../time/time.js';
import type { Output } from './output.js';
import { table } from './table.js';
import { amount, dateWords, medLabel } from './words.js';

export interface TodayView {
  patient?: string; // the patient's name, when the file has one
  day: number;
  now: number;
  timezone: string;
  meds: MedDay[];
  asNeeded: { day: MedDay; state: AsNeededState }[];
  advice: Map<string, { action: string; message: string }>; // key: med + slot
  /** Missed doses of earlier days whose advice still applies (today's page only), oldest first. */
  earlier: { med: Medication; dose: number; advice: MissedAdvice }[];
}

const key = (med: string, slot: string) => `${med} ${slot}`;

export function todayJson(v: TodayView, clock: Clock) {
  const doses = v.meds
    .flatMap((m) => m.doses.map((d) => ({ m, d })))
    .sort((a, b) => a.d.at - b.d.at || a.m.med.index - b.m.med.index)
    .map(({ m, d }) => {
      const adv = v.advice.get(key(m.med.id, d.slot));
      return {
        med: m.med.id,
        name: m.med.name ?? m.med.id,
        at: clock.formatInstant(d.at),
        slot: d.slot,
        dose: d.dose,
        unit: m.med.unit,
        status: d.status,
        ...(d.takenAt !== undefined ? { takenAt: clock.formatInstant(d.takenAt) } : {}),
        // What the take used, as its log line keeps it (the dose may have been edited since).
        ...(d.takenAt !== undefined ? { takenDose: d.entry?.dose ?? d.dose } : {}),
        ...(d.onTime !== undefined ? { onTime: d.onTime } : {}),
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        ...(adv ? { advice: adv } : {}),
      };
    });
  return {
    schemaVersion: 1,
    patient: { name: v.patient ?? null },
    date: formatDay(v.day),
    timezone: v.timezone,
    now: clock.formatInstant(v.now),
    doses,
    missedEarlier: v.earlier.map(({ med, dose, advice: a }) => ({
      med: med.id,
      name: med.name ?? med.id,
      at: clock.formatInstant(a.scheduledAt),
      slot: a.slot,
      dose,
      unit: med.unit,
      status: 'missed',
      advice: { action: a.action, message: a.message, warnings: a.warnings },
    })),
    extra: v.meds.flatMap((m) => m.extras.map((e) => ({ med: m.med.id, takenAt: clock.formatInstant(e.at) }))),
    asNeeded: v.asNeeded.map(({ day, state }) => ({
      med: day.med.id,
      name: day.med.name ?? day.med.id,
      takenToday: state.takenToday,
      maxPerDay: state.maxPerDay ?? null,
      minInterval: state.minIntervalMs !== undefined ? state.minIntervalMs / 60000 : null,
      lastTakenAt: state.lastTakenAt !== undefined ? clock.formatInstant(state.lastTakenAt) : null,
      nextAllowedAt: state.nextAllowedAt !== undefined ? clock.formatInstant(state.nextAllowedAt) : null,
    })),
  };
}

export function todayText(v: TodayView, clock: Clock, out: Output): string {
  const p = out.p;
  const lines: string[] = [];
  const isToday = clock.dayOf(v.now) === v.day;
  // The name first: two people's cron mails must not look the same.
  lines.push(p.bold(`${v.patient ? `${v.patient}: ` : ''}${isToday ? 'Today, ' : ''}${dateWords(v.day)}`) + p.dim(`  (${v.timezone}${isToday ? `, now ${clock.formatTime(v.now)}` : ''})`));
  if (v.earlier.length) {
    // Before today's table: these need a decision now, whatever day they were due.
    const r = v.earlier.map(({ med, dose, advice: a }) => [clock.formatInstant(a.scheduledAt).slice(0, 16).replace('T', ' '), medLabel(med), amount(dose, med.unit), p.red('MISSED') + ` ${p.bold(a.action)}: ${a.message}`]);
    lines.push(p.bold('Missed before today, still to decide'));
    lines.push(table(['SCHEDULED', 'MEDICATION', 'DOSE', 'STATUS'], r, { color: out.color, bold: p.bold }));
    for (const { med, advice: a } of v.earlier) for (const w of a.warnings) lines.push(p.yellow(`! ${med.id}: ${w}`));
    lines.push(p.dim('(`meds missed` gives each rule and its source)'), '');
  }
  const rows: string[][] = [];
  const all = v.meds.flatMap((m) => m.doses.map((d) => ({ m, d }))).sort((a, b) => a.d.at - b.d.at || a.m.med.index - b.m.med.index);
  for (const { m, d } of all) {
    let status: string;
    switch (d.status) {
      case 'taken': {
        const t = clock.formatTime(d.takenAt!);
        status = d.onTime ? p.green(`taken ${t}`) : p.yellow(`taken ${t} (${d.takenAt! < d.at ? 'early' : 'late'})`);
        break;
      }
      case 'skipped':
        status = p.dim(`skipped${d.reason ? ` (${d.reason})` : ''}`);
        break;
      case 'missed': {
        const adv = v.advice.get(key(m.med.id, d.slot));
        status = p.red('MISSED') + (adv ? ` ${p.bold(adv.action)}: ${adv.message}` : '');
        break;
      }
      case 'due':
        status = p.bold(p.cyan('DUE now'));
        break;
      case 'untracked':
        status = p.dim('not tracked (before recording began)');
        break;
      default:
        status = 'upcoming';
    }
    const time = clock.formatTime(d.at) + (clock.dayOf(d.at) !== v.day ? '+1' : '');
    // A taken dose shows what was taken, as its log line keeps it.
    rows.push([time, medLabel(m.med), amount(d.status === 'taken' ? (d.entry?.dose ?? d.dose) : d.dose, m.med.unit), status]);
  }
  if (rows.length) lines.push(table(['TIME', 'MEDICATION', 'DOSE', 'STATUS'], rows, { color: out.color, bold: p.bold }));
  else lines.push(p.dim('No scheduled doses.'));
  const extras = v.meds.flatMap((m) => m.extras.map((e) => `${clock.formatTime(e.at)} ${m.med.id}`));
  if (extras.length) lines.push(p.yellow(`Extra doses recorded (beyond the schedule): ${extras.join(', ')}`));
  if (v.asNeeded.length) {
    lines.push('', p.bold('As needed'));
    const r = v.asNeeded.map(({ day, state }) => {
      const taken = `${state.takenToday}${state.maxPerDay !== undefined ? ` of max ${state.maxPerDay}` : ''} today`;
      const next = state.nextAllowedAt !== undefined ? p.yellow(`next allowed ${clock.dayOf(state.nextAllowedAt) === v.day ? clock.formatTime(state.nextAllowedAt) : clock.formatInstant(state.nextAllowedAt).replace('T', ' ').slice(0, 16)}`) : p.green('allowed now');
      const phase = day.med.phases.find((x) => x.asNeeded);
      return [medLabel(day.med), amount(phase?.dose ?? 1, day.med.unit), taken, isToday ? next : ''];
    });
    lines.push(table(['MEDICATION', 'DOSE', 'TAKEN', 'NEXT'], r, { color: out.color, bold: p.bold }));
  }
  return lines.join('\n');
}
