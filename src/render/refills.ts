/** The table rows and the JSON envelope of `meds refills`. Pure: strings and plain objects. */
import type { SupplyStatus } from '../core/supply.js';
import { formatDay } from '../time/time.js';
import { dayOrNull, r4, type Fmt } from './adherence.js';
import { plainPalette, type Palette } from './output.js';

/** `meds refills --json` (schemaVersion 1). */
export function refillsJson(statuses: readonly SupplyStatus[]) {
  return {
    schemaVersion: 1 as const,
    medications: statuses.map((s) => ({
      med: s.med,
      onHand: s.onHand ?? null,
      dailyUse: r4(s.dailyUse),
      recentDailyUse: r4(s.recentDailyUse),
      runsOutOn: dayOrNull(s.runsOutOn),
      runsOutAtMaxOn: dayOrNull(s.runsOutAtMaxOn),
      refillBy: dayOrNull(s.refillBy),
      refillsLeft: s.refillsLeft ?? null,
      expires: dayOrNull(s.expires),
      status: s.status,
    })),
  };
}

export const REFILLS_HEADER = ['Medication', 'On hand', 'Per day', 'Runs out', 'Order by', 'Refills left', 'Expires', 'Status'];

const STATUS_TEXT: Record<SupplyStatus['status'], string> = {
  ok: 'ok',
  'refill-soon': 'refill soon',
  'refill-now': 'refill now',
  out: 'out',
  'no-refills': 'no refills: ask the prescriber',
  expired: 'prescription expired',
  unknown: 'not counted',
};

/** Rows (header first) for `meds refills`; statuses that need action are colored. */
export function refillRows(statuses: readonly SupplyStatus[], palette: Palette = plainPalette): string[][] {
  const color = (s: SupplyStatus['status']): Fmt =>
    s === 'ok' ? palette.green : s === 'refill-soon' ? palette.yellow : s === 'unknown' ? palette.dim : palette.red;
  const num = (x: number | undefined) => (x === undefined ? '—' : String(Math.round(x * 100) / 100));
  return [
    REFILLS_HEADER,
    ...statuses.map((s) => [
      s.med,
      num(s.onHand),
      // As needed: the recent use the dates come from, and the most the label allows beside it.
      s.recentDailyUse !== undefined ? `${num(s.recentDailyUse)} recently (max ${num(s.dailyUse)})` : num(s.dailyUse),
      (s.runsOutOn === undefined ? '—' : formatDay(s.runsOutOn)) + (s.runsOutAtMaxOn !== undefined ? ` (at max: ${formatDay(s.runsOutAtMaxOn)})` : ''),
      s.refillBy === undefined ? '—' : formatDay(s.refillBy),
      s.refillsLeft === undefined ? '—' : String(s.refillsLeft),
      s.expires === undefined ? '—' : formatDay(s.expires),
      color(s.status)(STATUS_TEXT[s.status]),
    ]),
  ];
}
