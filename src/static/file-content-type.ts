/**
 * The `Content-Type` of a file from its name, by extension, looked up once per extension.
 */
import { extname } from 'node:path';
import { contentType } from 'mime-types';

/** Extension (lowercased, with the dot) → content type. A site serves a few dozen kinds. */
const byExtension = new Map<string, string>();
const CACHE_LIMIT = 1024;

/**
 * The content type mime-types gives the file's extension (with `charset=utf-8` for text),
 * `application/octet-stream` when it knows none.
 *
 * @example
 * ```ts
 * fileContentType('/srv/public/site.css'); // 'text/css; charset=utf-8'
 * fileContentType('/srv/public/blob');     // 'application/octet-stream'
 * fileContentType('/srv/public/html');     // 'application/octet-stream': no extension
 * ```
 */
export function fileContentType(path: string): string {
  // node's reading of a name, as Python's mimetypes (aiohttp) and nginx: a file named `html`
  // or `.css` has no extension. (mime-types, given a bare name, would take `html` for one:
  // an uploaded file named `html` would be served as a page.)
  const extension = extname(path).toLowerCase();
  let type = byExtension.get(extension);
  if (type === undefined) {
    type = (extension === '' ? false : contentType(extension)) || 'application/octet-stream';
    if (byExtension.size < CACHE_LIMIT) byExtension.set(extension, type);
  }
  return type;
}
