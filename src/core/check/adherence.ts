/**
 * Adherence and supply checks, by the definitions the other commands use (docs/adherence.md):
 * taking adherence or PDC below the threshold over the last 90 days, as-needed use above maxPerDay,
 * refills that need action, and missed doses of high-risk medications in the last days.
 */
import type { RawFinding } from './finding.js';
import { adherence } from '../adherence.js';
import { columnsOf } from '../doses.js';
import { supplyStatuses } from '../supply.js';
import { formatDay } from '../../time/time.js';
import { label, type ReviewContext } from './context.js';

const ADHERENCE_SOURCE = 'Pharmacy Quality Alliance, Proportion of Days Covered (threshold 0.80; 0.90 for antiretrovirals), and taking adherence (doses taken / scheduled), as docs/adherence.md defines them';
const SUPPLY_SOURCE = 'meds supply projection (docs/adherence.md, Supply and refills): on hand, daily use, run-out and order-by dates, refills left, expiry';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${Math.round(x * 100)}%`);

export function adherenceChecks(c: ReviewContext, days: number): RawFinding[] {
  const out: RawFinding[] = [];
  const { regimen, now, clock, today } = c;
  // (The log as columns once, for both periods.)
  const log = columnsOf(regimen.log, regimen.medications);
  const report = adherence(regimen, today - days + 1, today, now, clock, { log });
  const byId = new Map(regimen.medications.map((m) => [m.id, m]));
  for (const m of report.medications) {
    const med = byId.get(m.med)!;
    if (m.adherent === false) {
      const by = m.pdc !== null ? `PDC ${pct(m.pdc)} (threshold ${pct(m.pdcThreshold)})` : `taking adherence ${pct(m.takingAdherence)} (${m.taken} of ${m.scheduled} doses; threshold 80%)`;
      out.push({ code: 'adherence.low', severity: 'warning', at: ['medications', med.index], meds: [med.id], message: `${label(med)}: ${by} over the last ${days} days`, action: 'talk with the patient about what gets in the way (cost, side effects, routine, supply); consider reminders, a pill organizer or synchronized refills', source: ADHERENCE_SOURCE });
    }
    const a = m.asNeeded;
    if (a && a.daysOverLimit > 0 && a.maxPerDay !== undefined) {
      const last = a.overLimitDays[a.overLimitDays.length - 1]!;
      out.push({ code: 'dose.as-needed-over-max', severity: 'warning', at: ['medications', med.index], meds: [med.id], message: `${label(med)}: more than maxPerDay (${a.maxPerDay}) as-needed doses on ${a.daysOverLimit} day${a.daysOverLimit === 1 ? '' : 's'} of the last ${days}, most recently ${formatDay(last)}`, action: 'ask the patient why more was needed; review the pain or symptom control with the prescriber', source: 'the medication\'s own maxPerDay (FHIR Dosage.maxDosePerPeriod) against the log' });
    }
  }

  const hr = c.k.rules.highRiskMissed;
  const highRisk = c.active.filter((a) => hr.classes.some((k) => a.drugs.classes.has(k)));
  const recent = highRisk.length ? new Map(adherence(regimen, today - hr.days + 1, today, now, clock, { log }).medications.map((m) => [m.med, m])) : undefined;
  for (const { med, drugs } of highRisk) {
    const r = recent!.get(med.id);
    if (!r || r.missed === 0) continue;
    const cls = hr.classes.filter((k) => drugs.classes.has(k)).map((k) => c.k.index.classes.get(k)?.name ?? k).join(', ');
    out.push({ code: hr.code, severity: hr.severity, at: ['medications', med.index], meds: [med.id], message: `${label(med)} (${cls}): ${r.missed} missed dose${r.missed === 1 ? '' : 's'} in the last ${hr.days} days`, action: 'contact the patient: ask what happened and go over what to do about a missed dose (meds missed shows the rule for this medication)', source: hr.source });
  }

  for (const s of supplyStatuses(regimen, now, clock)) {
    const med = byId.get(s.med)!;
    const what: Record<string, [string, 'error' | 'warning']> = {
      'refill-now': [`order a refill now: it runs out on ${s.runsOutOn !== undefined ? formatDay(s.runsOutOn) : '?'}`, 'warning'],
      out: ['has run out', 'error'],
      'no-refills': ['has no refills left: a new prescription is needed', 'warning'],
      expired: [`its prescription expired on ${s.expires !== undefined ? formatDay(s.expires) : '?'}`, 'warning'],
    };
    const w = what[s.status];
    if (!w) continue;
    out.push({ code: `supply.${s.status}`, severity: w[1], at: ['medications', med.index, ...(med.supply ? ['supply'] : [])], meds: [med.id], message: `${label(med)} ${w[0]}`, action: s.status === 'out' || s.status === 'refill-now' ? 'arrange the refill (and a new prescription if none is left)' : 'contact the prescriber for a new prescription', source: SUPPLY_SOURCE });
  }
  return out;
}
