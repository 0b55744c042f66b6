/**
 * Parsing a JSON request body safely: malformed JSON and prototype-pollution payloads
 * become 400s that name the problem, never 500s or poisoned objects.
 */
import { HTTPBadRequest } from './http-errors.js';

/**
 * Parses JSON text from a request. Rejects, like secure-json-parse, objects with a
 * `__proto__` key or a `constructor` key holding a `prototype` key: merged into other
 * objects later (`Object.assign`, deep merges), those rewrite prototypes.
 *
 * Keeping the fast path fast: the parsed value is only walked when the text contains
 * `__proto__`, `constructor`, or a `\u` escape (which could spell either).
 *
 * @throws HTTPBadRequest `Invalid JSON body: <parser message>` for malformed JSON,
 * `Invalid JSON body: "__proto__" is not allowed` or
 * `Invalid JSON body: "constructor.prototype" is not allowed` for pollution attempts.
 * @example
 * ```ts
 * parseJsonBody('{"a":1}');                       // { a: 1 }
 * parseJsonBody('{"__proto__":{"admin":true}}');  // throws HTTPBadRequest (400)
 * ```
 */
export function parseJsonBody(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = text.length === 0 ? 'the body is empty' : (err as Error).message;
    throw new HTTPBadRequest({ text: `Invalid JSON body: ${message}`, cause: err });
  }
  // hot path: ordinary JSON never contains these
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')) checkPrototypeKeys(value);
  return value;
}

function checkPrototypeKeys(root: unknown): void {
  // iterative: a deeply nested payload must not overflow the stack
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) stack.push(item);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) {
      throw new HTTPBadRequest({ text: 'Invalid JSON body: "__proto__" is not allowed' });
    }
    const record = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(node, 'constructor')) {
      const ctor = record.constructor;
      if (typeof ctor === 'object' && ctor !== null && Object.prototype.hasOwnProperty.call(ctor, 'prototype')) {
        throw new HTTPBadRequest({ text: 'Invalid JSON body: "constructor.prototype" is not allowed' });
      }
    }
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}
