/**
 * Opening the bytes a `FileResponse` sends: the file itself or a precompressed sibling.
 */
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { acceptedEncodings, PRECOMPRESSED } from './accept-encoding.js';
import { isServerTrouble } from './find-static-file.js';

/**
 * What a `FileResponse` sends: an opened file (`handle`, which the response closes) or
 * content already read (`body`), with the stats of that very file.
 *
 * @example
 * ```ts
 * const representation: FileRepresentation = { stats, body, encoding: undefined, vary: false };
 * ```
 */
export interface FileRepresentation {
  stats: BigIntStats;
  /** `br` or `gzip` for a precompressed sibling; undefined for the file itself. */
  encoding: string | undefined;
  /** A sibling exists, so the answer depends on `Accept-Encoding`. */
  vary: boolean;
  handle?: FileHandle;
  /** The whole content, exactly `stats.size` bytes. */
  body?: Buffer;
}

/**
 * Opens `path`, or with `precompressed` the sibling (`.br`, `.gz`) the client prefers among
 * those it accepts (higher `q` first; `.br` on a tie). Siblings must be regular files, never symlinks (which could lead out of
 * a static root). Null when `path` is missing or not a regular file. The caller closes it.
 *
 * @example
 * ```ts
 * const opened = await openRepresentation('/srv/public/app.js', 'gzip, br', true);
 * // { handle, stats, encoding: 'br', vary: true }
 * ```
 */
export async function openRepresentation(path: string, acceptEncoding: string | undefined, precompressed: boolean): Promise<FileRepresentation | null> {
  let vary = false;
  if (precompressed) {
    const present = new Set<string>();
    for (const { encoding, suffix } of PRECOMPRESSED) {
      const sibling = await lstat(path + suffix).catch(() => null);
      if (sibling !== null && sibling.isFile()) present.add(encoding);
    }
    // the answer depends on Accept-Encoding whenever a sibling exists, taken or not
    vary = present.size > 0;
    for (const { encoding, suffix } of acceptedEncodings(acceptEncoding)) {
      if (!present.has(encoding)) continue;
      // O_NOFOLLOW: a sibling swapped for a symlink after the lstat is refused too.
      const opened = await openRegular(path + suffix, constants.O_NOFOLLOW);
      if (opened !== null) return { ...opened, encoding, vary };
    }
  }
  const opened = await openRegular(path, 0);
  return opened === null ? null : { ...opened, encoding: undefined, vary };
}

/**
 * Opens a regular file, or null. O_NONBLOCK keeps a FIFO from blocking the open (it has
 * no effect on regular files); fstat on the handle then refuses FIFOs and devices, and
 * describes the very file that is read, even if the path is replaced meanwhile. Rejects
 * when the open fails for the server's own reasons (`isServerTrouble`).
 */
async function openRegular(path: string, flags: number): Promise<{ handle: FileHandle; stats: BigIntStats } | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | flags);
  } catch (err) {
    // out of file descriptors is a 500, not a 404 for a file that exists
    if (isServerTrouble(err as NodeJS.ErrnoException)) throw err;
    return null;
  }
  const stats = await handle.stat({ bigint: true }).catch(() => null);
  if (stats === null || !stats.isFile()) {
    await handle.close().catch(() => undefined);
    return null;
  }
  return { handle, stats };
}
