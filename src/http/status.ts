/**
 * The status line: status codes and reason phrases, checked where they are set so a bad
 * one fails with a coded error instead of inside node's `writeHead`.
 */
import { STATUS_CODES } from 'node:http';
import { WeftError } from '../errors.js';

/**
 * Checks the status code of a response or an HTTP error: an integer from 200 to 599. RFC
 * 9110 defines 100 to 599; a 1xx is an interim response (`100 Continue`), never the answer
 * to a request: sent as one, the client would take the next response on the connection for
 * this request's. Returns it.
 *
 * @example
 * ```ts
 * checkStatus(404); // 404
 * checkStatus(100); // throws WeftError WEFT_ERR_INVALID_STATUS
 * checkStatus(600); // throws WeftError WEFT_ERR_INVALID_STATUS
 * ```
 */
export function checkStatus(status: number): number {
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    const why = Number.isInteger(status) && status >= 100 && status < 200 ? ' (1xx are interim responses, not answers)' : '';
    throw new WeftError('WEFT_ERR_INVALID_STATUS', `invalid status code ${String(status)}: a response status is an integer from 200 to 599${why}`);
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
