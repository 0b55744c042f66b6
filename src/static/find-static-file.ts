/**
 * Finding the file a static route names, in as few system calls as the checks allow:
 * open, fstat on that handle, the handle's real path for containment, one read when small,
 * close. Nothing is cached between requests: every answer describes the file as it is now.
 *
 * Only the calls that may wait for a disk go to libuv's thread pool (open: the path lookup;
 * read: the data). fstat, readlink on procfs and close act on the open handle's in-memory
 * inode and return in about a microsecond, while each trip through the pool costs the
 * event loop some 25-30 µs of CPU (the hand-off and the wake-up) on our 2-core VM: the
 * largest part of a small file's cost.
 */
import { closeSync, constants, fstatSync, open, read, readlinkSync, type BigIntStats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { checkName, isInside } from './safe-path.js';
import type { StaticRoot } from './static-options.js';

/** What a static route found: a file, a directory, or some other kind of node. */
export interface FoundFile {
  /** The real path; with `followSymlinks` and without `precompressed`, the path as joined. */
  path: string;
  /** The stats of the node that was opened, so they describe the very bytes in `body`. */
  stats: BigIntStats;
  /** The whole content of a regular file up to the body limit; null otherwise. */
  body: Buffer | null;
}

/** O_NONBLOCK keeps a FIFO from blocking the open; it changes nothing for regular files. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Whether `/proc/self/fd` answers: set false once it fails (no /proc mounted), then realpath. */
let procFd = process.platform === 'linux';

/**
 * Errors of an open that say the server is in trouble, not that the path is missing or
 * refused: they reject (a 500, logged) instead of answering 404 for files that exist.
 */
const SERVER_TROUBLE = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'EIO']);

/** Whether an open's error is the server's trouble (see `SERVER_TROUBLE`), to be thrown. */
export function isServerTrouble(err: NodeJS.ErrnoException): boolean {
  return err.code !== undefined && SERVER_TROUBLE.has(err.code);
}

function openFile(path: string): Promise<number | null> {
  return new Promise((resolve, reject) =>
    open(path, OPEN_FLAGS, (err, fd) => (err === null ? resolve(fd) : isServerTrouble(err) ? reject(err) : resolve(null))),
  );
}

function readAt(fd: number, buffer: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, offset, buffer.length - offset, offset, (err, bytesRead) => (err === null ? resolve(bytesRead) : reject(err))),
  );
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // A read-only close has nothing to flush: its failure changes nothing for the answer.
  }
}

/**
 * The real path of the open file. On Linux the kernel tells it for the handle itself (one
 * readlink, no disk access), so a path swapped after the open cannot fool the check;
 * elsewhere it is `realpath` of the path that was opened. The kernel marks a file unlinked
 * since the open with ` (deleted)`, which a real name may also end with: realpath decides.
 */
export async function realPathOf(fd: number, path: string): Promise<string | null> {
  if (procFd) {
    try {
      // hot path: a link in procfs, answered from memory without the thread pool
      const link = readlinkSync(`/proc/self/fd/${fd}`);
      if (!link.endsWith(' (deleted)')) return link;
    } catch {
      procFd = false;
    }
  }
  return realpath(path).catch(() => null);
}

/** Reads `size` bytes from the start, or null when the file did not hold them (it changed). */
async function readWhole(fd: number, size: number): Promise<Buffer | null> {
  const body = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const bytesRead = await readAt(fd, body, filled);
    if (bytesRead === 0) return null;
    filled += bytesRead;
  }
  return body;
}

/**
 * Finds `name` (the route's decoded `filename`) under `settings.root`: null when the name is
 * refused, nothing is there, or (without `followSymlinks`) its real path is outside the
 * root; rejects when the open fails for the server's own reasons (out of file descriptors). A regular file up to `bodyLimit` bytes comes back read, so the response needs no
 * further file access; larger ones are for `FileResponse` to open and stream.
 *
 * @example
 * ```ts
 * const found = await findStaticFile(checkStaticOptions('/static', './public', {}), 'css/site.css', 64 * 1024);
 * if (found?.stats.isFile()) send(found.body ?? await streamFrom(found.path));
 * ```
 */
export async function findStaticFile(settings: StaticRoot, name: string, bodyLimit: number): Promise<FoundFile | null> {
  const segments = checkName(name);
  if (segments === null) return null;
  const joined = join(settings.root, ...segments);
  const fd = await openFile(joined);
  if (fd === null) return null;
  try {
    const stats = fstatSync(fd, { bigint: true });
    // precompressed siblings are looked for beside the real file, as before the open
    const path = settings.followSymlinks && !settings.precompressed ? joined : await realPathOf(fd, joined);
    if (path === null || (!settings.followSymlinks && !isInside(settings.root, path))) return null;
    // an fstat or read error is the server's problem, not a missing file: it propagates (500)
    const body = stats.isFile() && Number(stats.size) <= bodyLimit ? await readWhole(fd, Number(stats.size)) : null;
    return { path, stats, body };
  } finally {
    closeQuietly(fd);
  }
}
