import { WeftError } from '../errors.js';
import { isOptionsObject, shownValue } from '../option-checks.js';

/**
 * Options of the application's {@link Scheduler}: `createApp({ jobs: { ... } })`, root apps
 * only (sub-apps share their root's scheduler).
 *
 * @example
 * ```ts
 * createApp({ jobs: { limit: 10, pendingLimit: 1000, closeTimeout: 500 } });
 * ```
 */
export interface SchedulerOptions {
  /** How many jobs run at once (default 100; `Infinity` for no limit). Jobs beyond wait in a FIFO queue. */
  limit?: number;
  /** How many jobs may wait (default 10 000; 0: none). `spawn()` beyond it throws `WEFT_ERR_JOBS_FULL`. */
  pendingLimit?: number;
  /** How long `close()` waits, in ms, for running jobs to honour their aborted signal (default 100). */
  closeTimeout?: number;
}

/** The options with their defaults, checked. */
export type ResolvedSchedulerOptions = Required<SchedulerOptions>;

/**
 * Checks scheduler options and fills in the defaults; a bad value is `WEFT_ERR_JOBS_OPTIONS`
 * naming it, thrown where the options were written (`createApp`), not at startup.
 *
 * @example
 * ```ts
 * resolveSchedulerOptions({ limit: 5 }); // { limit: 5, pendingLimit: 10000, closeTimeout: 100 }
 * resolveSchedulerOptions({ limit: 0 }); // throws WEFT_ERR_JOBS_OPTIONS
 * ```
 */
export function resolveSchedulerOptions(options: SchedulerOptions = {}): ResolvedSchedulerOptions {
  if (!isOptionsObject(options)) throw invalid(`jobs options must be an object, got ${shownValue(options)}`);
  const known = new Set(['limit', 'pendingLimit', 'closeTimeout']);
  const unknown = Object.keys(options).filter((key) => !known.has(key));
  if (unknown.length > 0) throw invalid(`unknown jobs option(s) ${unknown.join(', ')}: use limit, pendingLimit, closeTimeout`);
  return {
    limit: count('limit', options.limit, 100, 1),
    pendingLimit: count('pendingLimit', options.pendingLimit, 10_000, 0),
    closeTimeout: duration('jobs.closeTimeout', options.closeTimeout, 100),
  };
}

/** Checks a timeout in milliseconds (`undefined` or `Infinity`: none). */
export function checkTimeout(what: string, value: unknown): number {
  if (value === undefined) return Infinity;
  return duration(what, value, Infinity);
}

function count(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value === Infinity || (Number.isInteger(value) && value >= min))) {
    throw invalid(`jobs.${name} must be an integer >= ${min} or Infinity, got ${shownValue(value)}`);
  }
  return value;
}

function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw invalid(`${name} must be a number of milliseconds >= 0, got ${shownValue(value)}`);
  return value;
}

function invalid(detail: string): WeftError {
  return new WeftError('WEFT_ERR_JOBS_OPTIONS', detail);
}
