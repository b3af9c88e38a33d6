/**
 * Placing new schedule phases among a medication's phases, as `meds add` and `meds edit` write them:
 * a taper entered by flags, a course ended by `--until`, a change from a day on. Pure: raw phase maps
 * (as in the file) in, raw phase maps out, with their first and last days as day numbers beside them.
 */
import { usageError } from '../errors.js';
import type { DayNum } from '../model/types.js';
import { formatDay } from '../time/time.js';

type Obj = Record<string, unknown>;

/** A phase as written, with its first day (undefined: from the beginning) and its `until` (undefined: none). */
export interface RawPhase {
  raw: Obj;
  from?: DayNum;
  until?: DayNum;
}

/**
 * The phases after adding `added` (in date order, each with a first day; the last may be open)
 * from `added[0].from` on. The phase in force before that day ends the day before; a phase that
 * starts on that day is replaced; a later phase stays where it is, and must start after the last new
 * phase ends (or, when the last new phase is open, after it starts: it then ends the day before).
 * A later phase that would fall inside the new ones is refused (exit 2), never overwritten.
 */
export function placePhases(existing: readonly RawPhase[], added: readonly RawPhase[]): RawPhase[] {
  const start = added[0]!.from!;
  const last = added[added.length - 1]!;
  const reach = last.until ?? last.from!;
  const before: RawPhase[] = [];
  const after: RawPhase[] = [];
  for (const p of existing) {
    if (p.from === undefined || p.from < start) before.push(p);
    else if (p.from === start) continue; // replaced (edited again the same day)
    else if (p.from > reach) after.push(p);
    else {
      throw usageError(
        'phase-overlap',
        `the new schedule (${formatDay(start)}${last.until !== undefined ? ` to ${formatDay(last.until)}` : ' on'}) would overlap the phase that starts ${formatDay(p.from)}`,
        `end the new schedule before it with --until ${formatDay(p.from - 1)}, or change that phase by naming its day: --from ${formatDay(p.from)}`,
      );
    }
  }
  const prev = before[before.length - 1];
  if (prev && (prev.until === undefined || prev.until >= start)) {
    before[before.length - 1] = { raw: { ...prev.raw, until: formatDay(start - 1) }, from: prev.from, until: start - 1 };
  }
  return [...before, ...added, ...after];
}

/** The index of the phase a bare `--until`/`--count` names: the one in force on `day`, else the last that started before it, else the first. */
export function phaseNamed(phases: readonly RawPhase[], day: DayNum): number {
  let idx = 0;
  for (let i = 0; i < phases.length; i++) if (phases[i]!.from === undefined || phases[i]!.from! <= day) idx = i;
  return idx;
}

/** Set the last day of phase i; refused (exit 2) when it would end before it starts or run into the next phase. */
export function endPhase(phases: readonly RawPhase[], i: number, until: DayNum): RawPhase[] {
  const p = phases[i]!;
  if (p.from !== undefined && until < p.from) throw usageError('bad-until', `--until ${formatDay(until)} is before that schedule starts (${formatDay(p.from)})`, `give a day on or after ${formatDay(p.from)}`);
  const next = phases[i + 1];
  if (next?.from !== undefined && until >= next.from) {
    throw usageError('phase-overlap', `--until ${formatDay(until)} runs into the next phase, which starts ${formatDay(next.from)}`, `to change that phase, name its day: --from ${formatDay(next.from)} --until ...`);
  }
  const out = phases.slice();
  out[i] = { raw: { ...p.raw, until: formatDay(until) }, from: p.from, until };
  return out;
}
