/**
 * The status line: status codes and reason phrases, checked where they are set so a bad
 * one fails with a coded error instead of inside node's `writeHead`.
 */
import { STATUS_CODES } from 'node:http';
import { WeftError } from '../errors.js';

/**
 * Checks a status code (an integer from 100 to 999, as node accepts); returns it.
 *
 * @example
 * ```ts
 * checkStatus(404); // 404
 * checkStatus(99);  // throws WeftError WEFT_ERR_INVALID_STATUS
 * ```
 */
export function checkStatus(status: number): number {
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new WeftError('WEFT_ERR_INVALID_STATUS', `invalid status code ${String(status)}: it must be an integer from 100 to 999`);
  }
  return status;
}

/**
 * Checks a reason phrase (one line: no CR, LF or other control characters); returns it.
 *
 * @example
 * ```ts
 * checkReason('Teapot'); // 'Teapot'
 * ```
 */
export function checkReason(reason: string): string {
  if (/[^\t\x20-\x7e\x80-\xff]/.test(reason)) {
    throw new WeftError('WEFT_ERR_INVALID_STATUS', `invalid reason phrase ${JSON.stringify(reason)}: one line, no control characters`);
  }
  return reason;
}

/**
 * The standard reason phrase of a status (node's table), or `'Unknown'`.
 *
 * @example
 * ```ts
 * standardReason(404); // 'Not Found'
 * ```
 */
export function standardReason(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown';
}
