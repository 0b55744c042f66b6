/**
 * Content hashes for `?v=` cache busting (aiohttp's `append_version`), cached per file and
 * recomputed when its mtime or size change.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';

/** Hashed through one buffer: readFileSync refuses files over 2 GiB and holds the whole file. */
const CHUNK = 1024 * 1024;

const cache = new Map<string, { mtimeMs: number; size: number; hash: string }>();

/**
 * The URL-safe base64 SHA-256 of a file's content, or undefined when it is not a regular
 * file or cannot be read (as the static route would not serve it). Synchronous because
 * `router.url()` is; the content is read in chunks, whatever its size, and the hash is
 * cached, so a file is read again only after it changed.
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
  const hash = contentHash(path);
  if (hash === undefined) return undefined;
  cache.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, hash });
  return hash;
}

/** The hash of what `path` holds now, or undefined when it cannot be read. */
function contentHash(path: string): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a path swapped for a FIFO since the stat must not block the event loop
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const sha = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytesRead;
    while ((bytesRead = readSync(fd, buffer, 0, CHUNK, null)) > 0) sha.update(buffer.subarray(0, bytesRead));
    return sha.digest('base64url');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
