/** `meds missed`: the advice, readable at a glance, and its JSON document. */
import type { MissedAdvice, MissedPattern } from '../core/missed.js';
import { NEVER_DOUBLE, DISCLAIMER } from '../core/missed.js';
import { formatDuration, type Clock } from '../time/time.js';
import type { Output } from './output.js';

const ACTION_WORDS: Record<MissedAdvice['action'], string> = {
  'take-now': 'TAKE NOW',
  'take-next-morning': 'TAKE IN THE MORNING', // at takeAt: the next morning, or on waking (degludec found at night)
  skip: 'SKIP',
  'contact-prescriber': 'CONTACT YOUR PRESCRIBER',
  'follow-plan': 'FOLLOW YOUR PLAN',
};

export function adviceJson(a: MissedAdvice, clock: Clock) {
  const t = (x: number | undefined) => (x === undefined ? null : clock.formatInstant(x));
  return {
    med: a.med,
    name: a.name,
    scheduledAt: clock.formatInstant(a.scheduledAt),
    action: a.action,
    takeAt: t(a.takeAt),
    takeBy: t(a.takeBy),
    nextDoseAt: t(a.nextDoseAt),
    message: a.message,
    caution: a.caution,
    warnings: a.warnings,
    rule: { source: a.rule.source, id: a.rule.id, reference: a.rule.reference },
    covers: a.covers ?? [],
  };
}

export function missedJson(now: number, advice: MissedAdvice[], patterns: { meds: MissedPattern[]; overall: MissedPattern } | undefined, clock: Clock) {
  return {
    schemaVersion: 1,
    now: clock.formatInstant(now),
    advice: advice.map((a) => adviceJson(a, clock)),
    ...(patterns ? { patterns: { medications: patterns.meds, overall: patterns.overall } } : {}),
    disclaimer: DISCLAIMER,
  };
}

export function missedText(now: number, advice: MissedAdvice[], patterns: { meds: MissedPattern[]; overall: MissedPattern } | undefined, clock: Clock, out: Output): string {
  const p = out.p;
  const lines: string[] = [];
  if (!advice.length) lines.push(p.green('No missed doses that need a decision now.'));
  for (const a of advice) {
    const color = a.action === 'skip' ? p.dim : a.action === 'follow-plan' ? p.yellow : p.red;
    const when = clock.dayOf(a.scheduledAt) === clock.dayOf(now) ? clock.formatTime(a.scheduledAt) : clock.formatInstant(a.scheduledAt).slice(0, 16).replace('T', ' ');
    lines.push(`${p.bold(a.med)}  ${when} dose, ${formatDuration(a.lateMs)} ago  ${p.bold(color(ACTION_WORDS[a.action]))}`);
    lines.push(`  ${a.message}`);
    const facts: string[] = [];
    if (a.takeAt !== undefined) facts.push(`take at ${clock.formatInstant(a.takeAt).slice(0, 16).replace('T', ' ')}`);
    if (a.takeBy !== undefined) facts.push(`take by ${clock.formatInstant(a.takeBy).slice(0, 16).replace('T', ' ')}`);
    if (a.nextDoseAt !== undefined) facts.push(`next dose ${clock.formatInstant(a.nextDoseAt).slice(0, 16).replace('T', ' ')}`);
    if (facts.length) lines.push(p.dim(`  ${facts.join(' · ')}`));
    for (const w of a.warnings) lines.push(p.yellow(`  ! ${w}`));
    if (a.caution !== NEVER_DOUBLE) lines.push(`  ${a.caution}`);
    lines.push(p.dim(`  Rule: ${a.rule.id} (${a.rule.source}): ${a.rule.reference}`));
    lines.push('');
  }
  if (patterns) {
    lines.push(p.bold('Patterns'));
    for (const m of patterns.meds) if (m.total) lines.push(`  ${m.sentence}`); // the sentence starts with the medication's name
    lines.push(`  Overall: ${patterns.overall.sentence}`);
    lines.push('');
  }
  lines.push(p.bold(NEVER_DOUBLE));
  lines.push(p.dim(DISCLAIMER));
  return lines.join('\n');
}
