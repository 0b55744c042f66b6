import type { AddressInfo, ListenOptions } from 'node:net';
import { isIPv6 } from 'node:net';
import { WeftError } from '../errors.js';
import type { AppRunner } from './app-runner.js';
import { BaseSite, type SiteOptions } from './base-site.js';
import type { HttpServer } from './http-server.js';

/**
 * Options of {@link TCPSite}.
 *
 * @example
 * ```ts
 * new TCPSite(runner, { host: '::1', port: 8443, tls: { key, cert } });
 * ```
 */
export interface TCPSiteOptions extends SiteOptions {
  /** The address to bind: an IPv4 or IPv6 address or a host name (default `0.0.0.0`, every IPv4 interface). */
  host?: string;
  /** The port (default 8080, 8443 with `tls`; 0 picks a free one, see `site.name` after `start()`). */
  port?: number;
  /** Let several processes bind the same port, the kernel spreading connections (SO_REUSEPORT; Node.js 22.12+). */
  reusePort?: boolean;
  /** For an IPv6 host `::`, accept IPv6 only (no IPv4-mapped addresses). */
  ipv6Only?: boolean;
}

/** Whether this Node.js has `listen({ reusePort })` (22.12+, 23.1+). */
function supportsReusePort(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/**
 * Serves on a TCP host and port, HTTP or HTTPS (aiohttp's `TCPSite`).
 *
 * @example
 * ```ts
 * const site = new TCPSite(runner, { host: '127.0.0.1', port: 0 });
 * await site.start();
 * site.name; // 'http://127.0.0.1:38411'
 * ```
 */
export class TCPSite extends BaseSite {
  protected static override readonly optionNames: readonly string[] = ['host', 'port', 'reusePort', 'ipv6Only', ...BaseSite.optionNames];
  readonly host: string;
  readonly #port: number;
  readonly #reusePort: boolean;
  readonly #ipv6Only: boolean;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` for a bad host, port or option. */
  constructor(runner: AppRunner, options: TCPSiteOptions = {}) {
    super(runner, options);
    const { host = '0.0.0.0', port = options.tls === undefined ? 8080 : 8443, reusePort = false, ipv6Only = false } = options;
    if (typeof host !== 'string' || host === '') throw new WeftError('WEFT_ERR_INVALID_OPTION', `host must be a non-empty string, got ${String(host)}`);
    if (!(Number.isSafeInteger(port) && port >= 0 && port <= 65535)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `port must be an integer from 0 to 65535, got ${String(port)}`);
    }
    if (reusePort && !supportsReusePort()) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `reusePort needs Node.js 22.12 or later (this is ${process.versions.node}); with node:cluster workers share a port without it`);
    }
    this.host = host;
    this.#port = port;
    this.#reusePort = reusePort;
    this.#ipv6Only = ipv6Only;
  }

  /** The port: the one bound once started (useful with port 0), else the one asked for. */
  get port(): number {
    const address = this.address;
    return address !== null && typeof address === 'object' ? address.port : this.#port;
  }

  get name(): string {
    const address = this.address as AddressInfo | null;
    const host = address?.address ?? this.host;
    return `${this.scheme}://${isIPv6(host) ? `[${host}]` : host}:${this.port}`;
  }

  protected bind(server: HttpServer): Promise<void> {
    const options: ListenOptions & { reusePort?: boolean } = { host: this.host, port: this.#port, ipv6Only: this.#ipv6Only };
    if (this.#reusePort) options.reusePort = true;
    return this.listenOn(server, options);
  }
}
