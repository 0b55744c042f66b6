import { Server as NetServer, type AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import { WeftError } from '../errors.js';
import type { AppRunner } from './app-runner.js';
import { BaseSite, type SiteOptions } from './base-site.js';
import type { HttpServer } from './http-server.js';

/**
 * Options of {@link SockSite}: exactly one of `server` and `fd`.
 *
 * @example
 * ```ts
 * new SockSite(runner, { fd: 3 }); // systemd socket activation
 * ```
 */
export interface SockSiteOptions extends SiteOptions {
  /** A listening `net.Server`: the site takes over its socket (do not use the server yourself afterwards). */
  server?: NetServer;
  /** A listening socket's file descriptor, e.g. 3 for the first socket systemd passes (LISTEN_FDS). */
  fd?: number;
}

/**
 * Serves on a socket someone else bound (aiohttp's `SockSite`): a listening `net.Server`,
 * or an inherited file descriptor (systemd socket activation, a supervisor holding the
 * port across restarts). Not on Windows for descriptors.
 *
 * @example
 * ```ts
 * const listening = net.createServer().listen(8080, '127.0.0.1');
 * await once(listening, 'listening');
 * await new SockSite(runner, { server: listening }).start();
 * ```
 */
export class SockSite extends BaseSite {
  protected static override readonly optionNames: readonly string[] = ['server', 'fd', ...BaseSite.optionNames];
  readonly #source: NetServer | number;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` unless given exactly one of a listening server and a descriptor. */
  constructor(runner: AppRunner, options: SockSiteOptions) {
    super(runner, options);
    const { server, fd } = options ?? {};
    if ((server === undefined) === (fd === undefined)) throw new WeftError('WEFT_ERR_INVALID_OPTION', 'SockSite takes exactly one of server (a listening net.Server) and fd (a listening descriptor)');
    if (server !== undefined) {
      if (!(server instanceof NetServer) || !server.listening) {
        throw new WeftError('WEFT_ERR_INVALID_OPTION', 'SockSite server must be a net.Server that is already listening (await its listen() first)');
      }
      this.#source = server;
    } else {
      if (!(Number.isSafeInteger(fd) && fd! >= 0)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `fd must be a non-negative integer, got ${String(fd)}`);
      this.#source = fd!;
    }
  }

  /** The bound address as a URL (`http://127.0.0.1:8080`, `http://unix:/run/app.sock:`), or `sock://fd:3` before start. */
  get name(): string {
    const address = this.address ?? (this.#source instanceof NetServer ? this.#source.address() : null);
    if (typeof address === 'string') return `${this.scheme}://unix:${address}:`;
    if (address !== null) return `${this.scheme}://${hostOf(address)}:${address.port}`;
    return `sock://fd:${String(this.#source instanceof NetServer ? '?' : this.#source)}`;
  }

  protected bind(server: HttpServer): Promise<void> {
    return this.listenOn(server, this.#source instanceof NetServer ? this.#source : { fd: this.#source });
  }

  /** The given `net.Server` shares the closed socket: close it too, so its state says so. */
  protected override async afterClose(): Promise<void> {
    const source = this.#source;
    if (source instanceof NetServer && source.listening) await new Promise<void>((resolve) => source.close(() => resolve()));
  }
}

function hostOf(address: AddressInfo): string {
  return isIPv6(address.address) ? `[${address.address}]` : address.address;
}
