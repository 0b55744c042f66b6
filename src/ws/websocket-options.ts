/**
 * Checking websocket options (`@WebSocket()`, `new WebSocketResponse()`) once, up front,
 * and the defaults: aiohttp's 4 MiB message limit, a 1 MiB send high-water mark.
 */
import type { WebSocketRouteOptions } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions, isOptionsObject, shownValue } from '../option-checks.js';

/** The options with defaults applied; `heartbeat` 0 means off. */
export interface ResolvedWebSocketOptions {
  readonly protocols: readonly string[];
  readonly maxMsgSize: number;
  readonly heartbeat: number;
  readonly compress: boolean;
  readonly highWaterMark: number;
  readonly closeTimeout: number;
}

/**
 * The default `maxMsgSize` of a websocket, 4 MiB: aiohttp's default `max_msg_size`.
 *
 * @example
 * ```ts
 * const ws = new WebSocketResponse({ maxMsgSize: 4 * DEFAULT_MAX_MSG_SIZE });
 * ```
 */
export const DEFAULT_MAX_MSG_SIZE = 4 * 1024 * 1024;

/** The websocket options `@WebSocket()` and `new WebSocketResponse()` take. */
export const WEBSOCKET_OPTION_NAMES: readonly string[] = ['protocols', 'maxMsgSize', 'heartbeat', 'compress', 'highWaterMark', 'closeTimeout'];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function count(name: string, value: number | undefined, fallback: number, positive = false, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new WeftError('WEFT_ERR_WS_OPTIONS', `${name} must be a ${positive ? 'positive' : 'non-negative'} number, got ${String(value)}`);
  }
  if (value > max) throw new WeftError('WEFT_ERR_WS_OPTIONS', `${name} must be at most ${max} ms (node's timer limit, about 24.8 days), got ${String(value)}`);
  return value;
}

/** The longest delay node's timers take (2^31 - 1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Checks a delay in ms that a websocket gives to a timer (heartbeat, closeTimeout, a
 * receive() timeout): non-negative and within node's timer limit.
 * @throws WeftError `WEFT_ERR_WS_OPTIONS` naming `name`.
 *
 * @example
 * ```ts
 * checkTimerMs('receive() timeout', 5_000); // 5000
 * ```
 */
export function checkTimerMs(name: string, value: number): number {
  return count(name, value, 0, false, MAX_TIMER_MS);
}

/**
 * Validates websocket options and applies the defaults.
 *
 * @example
 * ```ts
 * checkWebSocketOptions({ heartbeat: 30_000 }).maxMsgSize; // 4194304
 * ```
 * @throws WeftError `WEFT_ERR_WS_OPTIONS`, naming the option (an unknown one too).
 */
export function checkWebSocketOptions(options: WebSocketRouteOptions): ResolvedWebSocketOptions {
  if (!isOptionsObject(options as unknown)) throw new WeftError('WEFT_ERR_WS_OPTIONS', `websocket options must be an object, got ${shownValue(options)}`);
  checkKnownOptions(options, WEBSOCKET_OPTION_NAMES, 'websocket options', 'WEFT_ERR_WS_OPTIONS');
  const protocols = options.protocols ?? [];
  if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string' || !TOKEN.test(p))) {
    throw new WeftError('WEFT_ERR_WS_OPTIONS', `protocols must be an array of tokens (e.g. ['chat.v1']), got ${JSON.stringify(protocols)}`);
  }
  return {
    protocols: [...protocols],
    maxMsgSize: count('maxMsgSize', options.maxMsgSize, DEFAULT_MAX_MSG_SIZE),
    heartbeat: count('heartbeat', options.heartbeat, 0, false, MAX_TIMER_MS),
    compress: options.compress === true,
    highWaterMark: count('highWaterMark', options.highWaterMark, 1024 * 1024),
    closeTimeout: count('closeTimeout', options.closeTimeout, 10_000, false, MAX_TIMER_MS),
  };
}

/**
 * Whether `close()` may send `code` and `message`: an integer code of 1000-1003, 1007-1014
 * or 3000-4999 and a message of at most 123 bytes. Checked here, not left to `ws`: `ws`
 * takes a fraction (1000.5 goes out as 1000) and checks nothing once the peer's close
 * frame has arrived.
 */
export function isSendableClose(code: number, message: string): boolean {
  const codeOk = Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
  return codeOk && typeof message === 'string' && Buffer.byteLength(message) <= 123;
}

/** The error of `close()` with a code or message `ws` refuses. */
export function closeFailure(code: number, message: string, cause?: unknown): WeftError {
  return new WeftError('WEFT_ERR_WS_OPTIONS', `cannot close with code ${String(code)} and message ${JSON.stringify(message)}: the code must be 1000-1003, 1007-1014 or 3000-4999 and the message at most 123 bytes`, cause === undefined ? undefined : { cause });
}
