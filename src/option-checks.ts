/**
 * What the option checks of `createApp()`, route options, `request.clone()` and the
 * TestClient share: how a bad value is shown, what counts as an options object, and the
 * body limit's rule. Internal.
 */
import { type ErrorCode, WeftError } from './errors.js';

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
 * Whether `value` is a limit: a non-negative safe integer (bytes, or a count), or
 * `Infinity` for none. A string such as `'10mb'` never compares greater than a size.
 *
 * @example
 * ```ts
 * isLimit(1_048_576); // true
 * isLimit('10mb');    // false
 * ```
 */
export function isLimit(value: unknown): value is number {
  return value === Infinity || (Number.isSafeInteger(value) && (value as number) >= 0);
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
  if (!isLimit(value)) {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `${where}: clientMaxSize must be a non-negative integer number of bytes (or Infinity), got ${shownValue(value)}`);
  }
}

/**
 * Refuses an options object with a key outside `known`: JavaScript callers, and options
 * built at run time, get what TypeScript would have told them, where a misspelt option
 * would otherwise be ignored (a `hots` that binds every interface, a `stauts` that sends 200).
 * Every weft API that takes options words it the same way. Something other than an object
 * (`new Response('hello')`) is refused too.
 *
 * @example
 * ```ts
 * checkKnownOptions({ hots: 'x' }, ['host', 'port'], 'TCPSite');
 * // throws WEFT_ERR_INVALID_OPTION: TCPSite: unknown option "hots" (known: host, port)
 * ```
 * @throws WeftError `code` (default `WEFT_ERR_INVALID_OPTION`) naming `where`, every unknown key and the known ones.
 */
export function checkKnownOptions(options: unknown, known: readonly string[], where: string, code: ErrorCode = 'WEFT_ERR_INVALID_OPTION'): void {
  if (!isOptionsObject(options)) throw new WeftError(code, `${where}: options must be an object (${known.join(', ')}), got ${shownValue(options)}`);
  const keys = Object.keys(options);
  for (const key of keys) {
    if (!known.includes(key)) throw unknownOptions(keys.filter((k) => !known.includes(k)), known, where, code);
  }
}

function unknownOptions(unknown: readonly string[], known: readonly string[], where: string, code: ErrorCode): WeftError {
  const names = unknown.map((key) => JSON.stringify(key)).join(', ');
  return new WeftError(code, `${where}: unknown option${unknown.length > 1 ? 's' : ''} ${names} (known: ${known.join(', ')})`);
}
