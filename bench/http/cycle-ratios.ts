/**
 * The HTTP benchmark's decisive number: the median over cycles of weft's result divided by
 * a peer's in the same cycle. The machine's speed swings by up to 2x within minutes, and
 * changes within seconds; the slices of one cycle run at the same time (together mode)
 * or seconds apart (rotate mode), so they meet the same weather, or nearly, and their
 * ratio holds where each server's own req/s does not; the median drops the cycles a burst
 * of other work hit during one slice only.
 */
import { type Framework } from './bench-options.js';
import { type SliceResult } from './measure-scenario.js';

/** The median of per-cycle ratios, with the spread it came from. */
export interface CycleRatio {
  /** The median ratio. */
  value: number;
  /** Smallest and largest per-cycle ratio. */
  min: number;
  max: number;
  /** How many cycles had both servers measured. */
  cycles: number;
}

/**
 * The median: the middle value of the sorted numbers, or the mean of the two middle ones
 * for an even count; NaN for none.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * For every cycle (of every round) in which both frameworks have a slice, `measure` of
 * `mine`'s slice divided by `measure` of `theirs`, in round and cycle order.
 *
 * @example
 * ```ts
 * perCycleRatios(slices, 'weft', 'raw', (slice) => slice.load.requestsPerSec); // [0.97, 0.93, 1.01, ...]
 * ```
 */
export function perCycleRatios(slices: readonly SliceResult[], mine: Framework, theirs: Framework, measure: (slice: SliceResult) => number): number[] {
  const key = (slice: SliceResult) => `${slice.round}/${slice.cycle}`;
  const theirSlices = new Map(slices.filter((slice) => slice.framework === theirs).map((slice) => [key(slice), slice]));
  const ratios: Array<{ round: number; cycle: number; value: number }> = [];
  for (const slice of slices) {
    const other = slice.framework === mine ? theirSlices.get(key(slice)) : undefined;
    if (other !== undefined) ratios.push({ round: slice.round, cycle: slice.cycle, value: measure(slice) / measure(other) });
  }
  return ratios.sort((a, b) => a.round - b.round || a.cycle - b.cycle).map((ratio) => ratio.value);
}

/**
 * The median of `mine / theirs` over the cycles both were measured in, with its range;
 * undefined when they share no cycle.
 *
 * @example
 * ```ts
 * cycleRatio(slices, 'weft', 'raw', (slice) => slice.load.requestsPerSec); // { value: 0.969, min: 0.93, max: 1.01, cycles: 10 }
 * ```
 */
export function cycleRatio(slices: readonly SliceResult[], mine: Framework, theirs: Framework, measure: (slice: SliceResult) => number): CycleRatio | undefined {
  const ratios = perCycleRatios(slices, mine, theirs, measure);
  if (ratios.length === 0) return undefined;
  return { value: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), cycles: ratios.length };
}
