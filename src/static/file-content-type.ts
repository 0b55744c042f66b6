/**
 * The `Content-Type` of a file from its name, by extension, looked up once per extension.
 */
import { basename, extname } from 'node:path';
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
 * ```
 */
export function fileContentType(path: string): string {
  // mime-types' own reading of a name: a dotfile such as `.css` counts as its extension
  const extension = extname(`x.${basename(path)}`).toLowerCase();
  let type = byExtension.get(extension);
  if (type === undefined) {
    type = (extension === '' ? false : contentType(extension)) || 'application/octet-stream';
    if (byExtension.size < CACHE_LIMIT) byExtension.set(extension, type);
  }
  return type;
}
