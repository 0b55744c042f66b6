/**
 * Handler results to responses: what a handler returns becomes what is sent, so handlers
 * can return plain data (Fastify's and NestJS's habit) as well as response objects.
 */
import { WeftError } from '../errors.js';
import { HttpError } from './http-errors.js';
import { Response, json, serializedJson, text } from './response.js';
import { KNOWN_OPTIONS, StreamResponse } from './stream-response.js';

const OCTET_STREAM = 'application/octet-stream';

/**
 * Whether a handler's result is to be awaited: a native promise, or another thenable (a
 * Bluebird promise, a query builder such as mongoose's `Query`) that `Promise.resolve()`
 * adopts, as `await` would. Responses are never thenables, whatever they carry.
 *
 * @example
 * ```ts
 * const result = handler(request);
 * return isPromiseLike(result) ? Promise.resolve(result).then(toResponse) : toResponse(result);
 * ```
 */
export function isPromiseLike(result: unknown): result is PromiseLike<unknown> {
  return result instanceof Promise || isForeignThenable(result);
}

/**
 * A thenable that is not a native promise (Bluebird, a query builder): the check the hot
 * paths make after their own `instanceof Promise`, which stays the first and cheapest test.
 *
 * @example
 * ```ts
 * if (result instanceof Promise) return result;
 * if (isForeignThenable(result)) return Promise.resolve(result);
 * ```
 */
export function isForeignThenable(result: unknown): result is PromiseLike<unknown> {
  // hot path: a quick no for strings and responses
  if (typeof result !== 'object' || result === null || result instanceof StreamResponse || result instanceof Promise) return false;
  return typeof (result as { then?: unknown }).then === 'function';
}

function isPlainData(result: object): boolean {
  const proto: unknown = Object.getPrototypeOf(result);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

/**
 * Throws for an instance JSON would silently turn into something else: a returned Error is
 * the handler's failure (as Fastify treats it), not `{}` with a 200; a fetch `Response`
 * would lose its status, headers and body; a Map or Set would be `{}`.
 */
function refuseInstance(result: object): void {
  if (result instanceof Error) throw result;
  // by its tag: reading globalThis.Response would load undici (about 20 ms) on the first request
  if (Object.prototype.toString.call(result) === '[object Response]') {
    throw new WeftError('WEFT_ERR_INVALID_BODY', "a handler returned a fetch (WHATWG) Response, which would be sent as {}; return weft's Response (import { Response } from 'weft') with its status, headers and body");
  }
  if (result instanceof Map || result instanceof Set) {
    throw new WeftError('WEFT_ERR_INVALID_BODY', `a handler returned a ${result instanceof Map ? 'Map' : 'Set'}, which JSON sends as {}; return ${result instanceof Map ? 'Object.fromEntries(map)' : '[...set]'}`);
  }
}

/**
 * Turns a handler's result into a response:
 * - a `StreamResponse` (or `Response`) as is; an `HttpError` as its response;
 * - `undefined` → `204 No Content`;
 * - a string → `text/plain; charset=utf-8`;
 * - bytes (`Buffer`, any `Uint8Array`, `ArrayBuffer`) → `application/octet-stream`;
 * - anything else JSON can represent (objects, arrays, numbers, booleans, `null`) → JSON,
 *   made by `serialize` when the route has a `serializer`, else by `JSON.stringify`.
 *
 * @throws WeftError `WEFT_ERR_INVALID_BODY` for what cannot be sent: functions, symbols,
 * BigInts, cyclic objects, streams and other async iterables (return a `StreamResponse`),
 * a fetch (WHATWG) `Response`, a `Map` or a `Set`. A returned `Error` is thrown: the
 * handler failed.
 * @example
 * ```ts
 * toResponse({ ok: true });  // 200, application/json, '{"ok":true}'
 * toResponse(undefined);     // 204
 * toResponse('hi');          // 200, text/plain
 * ```
 */
export function toResponse(result: unknown, serialize?: (data: never) => string): StreamResponse {
  // hot path: the common cases first
  if (result instanceof StreamResponse) return result;
  switch (typeof result) {
    case 'undefined':
      return new Response({ status: 204 }, KNOWN_OPTIONS);
    case 'string':
      return text(result);
    case 'function':
    case 'symbol':
      throw new WeftError('WEFT_ERR_INVALID_BODY', `a handler returned a ${typeof result}; return data, a string or a Response`);
    case 'object':
      if (result === null) return serialize === undefined ? json(null) : serializedJson(null, serialize);
      if (result instanceof Uint8Array) return new Response({ body: result, contentType: OCTET_STREAM }, KNOWN_OPTIONS);
      if (result instanceof ArrayBuffer) return new Response({ body: new Uint8Array(result), contentType: OCTET_STREAM }, KNOWN_OPTIONS);
      if (result instanceof HttpError) return result.toResponse();
      if (Symbol.asyncIterator in result) {
        throw new WeftError('WEFT_ERR_INVALID_BODY', 'a handler returned a stream or async iterable; write it to a StreamResponse');
      }
      // plain objects and arrays go straight to JSON; instances of classes are looked at
      // first, unless the route's serializer or the value's own toJSON says how to write them
      if (serialize === undefined && !isPlainData(result) && typeof (result as { toJSON?: unknown }).toJSON !== 'function') refuseInstance(result);
      return serialize === undefined ? json(result) : serializedJson(result, serialize);
    default:
      return serialize === undefined ? json(result) : serializedJson(result, serialize);
  }
}
