/**
 * The unix socket of one worker slot (`--path /run/app/w{n}.sock`): the worker binds it
 * itself, and its replacement takes the path over atomically, so that nginx always finds a
 * listening socket there during a rolling restart.
 */
import { lstatSync } from 'node:fs';
import { chmod, lstat, rename, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { WeftError } from '../errors.js';
import type { AppRunner } from '../server/app-runner.js';
import type { HttpServer } from '../server/http-server.js';
import { UnixSite, checkSocketDirectory, type UnixSiteOptions } from '../server/unix-site.js';

/**
 * Options of {@link SlotSocketSite}.
 *
 * @example
 * ```ts
 * new SlotSocketSite(runner, { path: '/run/app/w2.sock', takeOver: true });
 * ```
 */
export interface SlotSocketSiteOptions extends UnixSiteOptions {
  /**
   * The path belongs to the slot's previous worker, still serving during a rolling
   * restart: take it over even though it listens. Otherwise (a first start) a live socket
   * at the path is another server's, and an error.
   */
  takeOver?: boolean;
}

/**
 * A {@link UnixSite} for a cluster worker. Unlike `UnixSite` in a worker, it does not share
 * a listening handle through node's cluster primary (`exclusive: true`): with a shared
 * handle the primary accepts every connection and passes it on over IPC, and when the
 * slot's only worker leaves, the primary resets the connections it accepted but had not
 * handed over yet, or holds one handed to a worker that exited, for ever.
 *
 * Binding: listen on a temporary name in the same directory, then `rename()` it over the
 * path. The rename is atomic: a client connecting to the path reaches either the old
 * worker's socket or the new one's, never nothing. The old worker keeps accepting on its
 * (now nameless) socket until it stops, and when it stops it removes the path only if the
 * path is still its own socket (same inode), never the one that replaced it.
 *
 * A file at the path that is not a socket is an error and is kept; a socket left by a
 * crash is replaced, a live one only with `takeOver` (the slot's previous worker).
 *
 * @example
 * ```ts
 * const site = new SlotSocketSite(runner, { path: '/run/app/w1.sock' });
 * await site.start(); // the previous worker of slot 1 may still be draining
 * site.name; // 'http://unix:/run/app/w1.sock:'
 * ```
 */
export class SlotSocketSite extends UnixSite {
  protected static override readonly optionNames: readonly string[] = [...UnixSite.optionNames, 'takeOver'];
  /** Whether a socket someone listens on at `path` may be replaced (it is the slot's previous worker). */
  readonly takeOver: boolean;
  /** The inode of the socket this site put at `path`, to tell it from its successor's. */
  #inode: number | undefined;
  readonly #serial = ++sites;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` for a missing path or a bad mode. */
  constructor(runner: AppRunner, options: SlotSocketSiteOptions) {
    super(runner, options);
    this.takeOver = options.takeOver === true;
  }

  /** The temporary name the socket is bound to before it is renamed over `path`. */
  get temporaryPath(): string {
    // short and in the same directory: rename() cannot cross file systems, and a unix
    // socket path is limited to 107 bytes
    return path.join(path.dirname(this.path), `.weft-${process.pid}-${this.#serial}.sock`);
  }

  protected override async bind(server: HttpServer): Promise<void> {
    await checkSocketDirectory(this.path);
    await this.#checkPath();
    const temporary = this.temporaryPath;
    await unlink(temporary).catch(ignoreMissing); // left by a crashed process with our pid
    await this.listenOn(server, { path: temporary, exclusive: true });
    try {
      if (this.mode !== undefined) await chmod(temporary, this.mode);
      this.#inode = (await lstat(temporary)).ino;
      await rename(temporary, this.path);
    } catch (err) {
      // start() closes the server, and node unlinks the temporary name
      throw new WeftError('WEFT_ERR_SITE', `cannot put the socket at ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** A file that is not a socket is never replaced; a live socket only by the slot's next worker. */
  async #checkPath(): Promise<void> {
    const stats = await lstat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (stats === undefined) return;
    if (!stats.isSocket()) {
      throw new WeftError('WEFT_ERR_SITE', `${this.path} exists and is not a socket: refusing to replace it (remove it yourself if it is yours)`);
    }
    if (!this.takeOver && (await isListening(this.path))) {
      throw new WeftError('WEFT_ERR_SITE', `another server is listening on ${this.path}: stop it first or choose another path`);
    }
  }

  /**
   * Whether `path` no longer names this site's socket (a successor took it over, or it is
   * gone): only connections already queued on this one can still reach it, so a stopping
   * worker goes on accepting them instead of resetting them.
   *
   * @example
   * ```ts
   * if (!site.replaced()) site.stopAccepting();
   * ```
   */
  replaced(): boolean {
    if (this.#inode === undefined) return false;
    try {
      return lstatSync(this.path).ino !== this.#inode;
    } catch {
      return true;
    }
  }

  /** The server closed (node unlinked only the temporary name): remove `path` if it is still ours. */
  protected override async afterClose(): Promise<void> {
    const inode = this.#inode;
    this.#inode = undefined;
    if (inode === undefined) return;
    const stats = await lstat(this.path).catch(() => undefined);
    if (stats?.isSocket() === true && stats.ino === inode) await unlink(this.path).catch(ignoreMissing);
  }
}

/** Whether a server accepts connections on the unix socket `file` (a stale one refuses them). */
function isListening(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(file);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Numbers the sites of this process, for distinct temporary names. */
let sites = 0;

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
