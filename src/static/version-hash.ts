/**
 * Content hashes for `?v=` cache busting (aiohttp's `append_version`), cached per file and
 * recomputed when its mtime or size change.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

const cache = new Map<string, { mtimeMs: number; size: number; hash: string }>();

/**
 * The URL-safe base64 SHA-256 of a file's content, or undefined when it is not a regular
 * file. Synchronous because `router.url()` is; the hash is cached, so a file is read
 * again only after it changed.
 *
 * @example
 * ```ts
 * versionHash('/srv/public/app.js'); // 'q1u3...'
 * ```
 */
export function versionHash(path: string): string | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) return undefined;
  const known = cache.get(path);
  if (known !== undefined && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.hash;
  const hash = createHash('sha256').update(readFileSync(path)).digest('base64url');
  cache.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, hash });
  return hash;
}
