import { chmod, lstat, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { connect } from 'node:net';
import { WeftError } from '../errors.js';
import type { AppRunner } from './app-runner.js';
import { BaseSite, type SiteOptions } from './base-site.js';
import type { HttpServer } from './http-server.js';

/**
 * Options of {@link UnixSite}.
 *
 * @example
 * ```ts
 * new UnixSite(runner, { path: '/run/app/app.sock', mode: 0o660 });
 * ```
 */
export interface UnixSiteOptions extends SiteOptions {
  /** The socket file's path. */
  path: string;
  /** Permissions for the socket file, e.g. `0o660` so a proxy in the same group can connect (default: from the umask). */
  mode?: number;
}

/**
 * Serves on a unix domain socket (aiohttp's `UnixSite`), e.g. behind nginx
 * (`proxy_pass http://unix:/run/app/app.sock:`). A socket file left by a crashed process
 * is replaced; a socket another server still listens on, or a file that is not a socket,
 * is an error and is never deleted. Node removes the file when the site stops.
 *
 * @example
 * ```ts
 * const site = new UnixSite(runner, { path: '/tmp/app.sock', mode: 0o660 });
 * await site.start();
 * site.name; // 'http://unix:/tmp/app.sock:'
 * ```
 */
export class UnixSite extends BaseSite {
  protected static override readonly optionNames: readonly string[] = ['path', 'mode', ...BaseSite.optionNames];
  readonly path: string;
  readonly mode: number | undefined;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` for a missing path or a bad mode. */
  constructor(runner: AppRunner, options: UnixSiteOptions) {
    super(runner, options);
    if (typeof options?.path !== 'string' || options.path === '') throw new WeftError('WEFT_ERR_INVALID_OPTION', 'UnixSite needs a path for its socket file');
    if (options.mode !== undefined && !(Number.isInteger(options.mode) && options.mode >= 0 && options.mode <= 0o777)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `mode must be file permissions from 0o000 to 0o777, got ${String(options.mode)}`);
    }
    this.path = options.path;
    this.mode = options.mode;
  }

  get name(): string {
    return `${this.scheme}://unix:${this.path}:`;
  }

  protected async bind(server: HttpServer): Promise<void> {
    await checkSocketDirectory(this.path);
    await removeStaleSocket(this.path);
    await this.listenOn(server, { path: this.path });
    if (this.mode !== undefined) await chmod(this.path, this.mode);
  }
}

/**
 * The directory a socket goes into must exist: node (libuv) reports a missing one as
 * `EACCES: permission denied`, which sends the reader after permissions instead.
 *
 * @throws WeftError `WEFT_ERR_SITE` naming the directory when it is missing or not a directory.
 * @example
 * ```ts
 * await checkSocketDirectory('/run/app/app.sock'); // WEFT_ERR_SITE when /run/app does not exist
 * ```
 */
export async function checkSocketDirectory(path: string): Promise<void> {
  const directory = dirname(path);
  const stats = await stat(directory).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw err;
  });
  if (stats === undefined || !stats.isDirectory()) {
    throw new WeftError('WEFT_ERR_SITE', `cannot put the socket ${path}: the directory ${directory} does not exist (create it first)`);
  }
}

/**
 * Makes room for the socket: nothing there is fine; a socket nobody listens on (left by a
 * crashed process) is deleted; a live socket or any other file is an error, and kept.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stats.isSocket()) {
    throw new WeftError('WEFT_ERR_SITE', `${path} exists and is not a socket: refusing to replace it (remove it yourself if it is yours)`);
  }
  if (await isListening(path)) {
    throw new WeftError('WEFT_ERR_SITE', `another server is listening on ${path}: stop it first or choose another path`);
  }
  await unlink(path);
}

/** Connects to a unix socket to tell a live server from a stale file. */
function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    // ECONNREFUSED: nobody listens (ENOENT if it vanished meanwhile)
    socket.once('error', () => resolve(false));
  });
}
