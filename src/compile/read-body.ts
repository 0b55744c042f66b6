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
  const type = request.contentType;
  if (type === 'application/json' || type.endsWith('+json')) return request.json();
  if (type === 'application/x-www-form-urlencoded') return request.text().then((text) => formToObject(new URLSearchParams(text)));
  if (type === 'multipart/form-data') return request.formData();
  if (type.startsWith('text/')) return request.text();
  if (!request.hasBody) return Promise.resolve(undefined);
  if (type === '') return request.json();
  return Promise.reject(new HTTPUnsupportedMediaType({ text: `Unsupported media type ${type}: @Body() reads JSON, forms and text` }));
}

function formToObject(form: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = Object.create(null);
  for (const [name, value] of form) {
    const known = result[name];
    result[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return result;
}
