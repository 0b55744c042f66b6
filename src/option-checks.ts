/**
 * What the option checks of `createApp()`, route options, `request.clone()` and the
 * TestClient share: how a bad value is shown, what counts as an options object, and the
 * body limit's rule. Internal.
 */
import { WeftError } from './errors.js';

/**
 * A value as an error message shows it: a number as is, a string quoted, another type named.
 *
 * @example
 * ```ts
 * shownValue('10mb'); // '"10mb"'
 * shownValue([]);     // 'an array'
 * ```
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Whether `value` can be an options object: an object, not null, not an array.
 *
 * @example
 * ```ts
 * isOptionsObject({ port: 1 }); // true
 * isOptionsObject([]);          // false
 * ```
 */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a body limit (`clientMaxSize`): a non-negative integer number of bytes, or
 * `Infinity` for none. `'10mb'` would never compare greater than a size: no limit at all.
 *
 * @example
 * ```ts
 * checkClientMaxSize('10mb', 'createApp()'); // throws WEFT_ERR_INVALID_OPTION
 * ```
 * @throws WeftError `WEFT_ERR_INVALID_OPTION` naming `where`.
 */
export function checkClientMaxSize(value: unknown, where: string, { required = false } = {}): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'number' || !(value === Infinity || (Number.isSafeInteger(value) && value >= 0))) {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `${where}: clientMaxSize must be a non-negative integer number of bytes (or Infinity), got ${shownValue(value)}`);
  }
}
