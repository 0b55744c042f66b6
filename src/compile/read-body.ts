import { HTTPUnsupportedMediaType } from '../http/http-errors.js';
import { type Request } from '../http/request.js';

/**
 * The body as `@Body()` gives it, by content type: JSON → the parsed value;
 * `application/x-www-form-urlencoded` → an object (repeated names → arrays);
 * `multipart/form-data` → a `FormData`; `text/*` → a string; no body → undefined;
 * anything else → 415.
 */
export function readBody(request: Request): Promise<unknown> {
  // hot path: a promise of the parsed body, no async frame of its own
  if (readsJson(request)) return request.json();
  const type = request.contentType;
  if (type === 'application/x-www-form-urlencoded') return request.text().then((text) => formToObject(new URLSearchParams(text)));
  if (type === 'multipart/form-data') return request.formData();
  if (type.startsWith('text/')) return request.text();
  if (!request.hasBody) return Promise.resolve(undefined);
  return Promise.reject(new HTTPUnsupportedMediaType({ text: `Unsupported media type ${type}: @Body() reads JSON, forms and text` }));
}

/**
 * `then(body)` once the body is read, with the body as {@link readBody} gives it. For JSON
 * (the common case) parsing and `then` run in the read's own callback: two promises less
 * than `readBody(request).then(then)`, and neither the bytes nor the parsed object is
 * resolved through a promise of its own (resolving with an object looks up its `then`
 * along its prototypes: about 300 instructions for a 1 KB body).
 *
 * @example
 * ```ts
 * return readBodyThen(request, (body) => controller.create(body));
 * ```
 */
export function readBodyThen<R>(request: Request, then: (body: unknown) => R): Promise<Awaited<R>> {
  // hot path
  if (readsJson(request)) return request.readThen((buffer) => then(request.parseJson(buffer)));
  return readBody(request).then(then) as Promise<Awaited<R>>;
}

/** Whether `@Body()` reads the body as JSON: a JSON media type, or a body without one. */
function readsJson(request: Request): boolean {
  const type = request.contentType;
  return type === 'application/json' || type.endsWith('+json') || (type === '' && request.hasBody);
}

function formToObject(form: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of form) {
    const known = result[name];
    result[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return result;
}
