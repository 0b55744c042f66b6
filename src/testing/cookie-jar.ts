/**
 * The cookies a `TestClient` keeps between requests, as aiohttp's test client session
 * does: what a response sets is sent with the later requests its path matches.
 */

import { parseCookies } from '../http/cookies.js';

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  /** When it expires (ms since the epoch), from `Max-Age` or `Expires`; undefined: with the session. */
  readonly expiresAt: number | undefined;
}

/**
 * A small cookie store for tests: one host, so domains are not compared; `Secure` cookies
 * are sent over plain HTTP too (the test server is local). Paths match as in RFC 6265
 * 5.1.4; `Max-Age` (first) or `Expires` sets when a cookie expires (in the past: deleted now).
 *
 * @example
 * ```ts
 * const jar = new CookieJar();
 * jar.store(['sid=abc; Path=/; HttpOnly'], '/login');
 * jar.header('/account'); // 'sid=abc'
 * ```
 */
export class CookieJar {
  /** By `name \0 path`: setting the same cookie again replaces it. */
  readonly #cookies = new Map<string, StoredCookie>();

  /** Takes in a response's `Set-Cookie` lines for a request to `requestPath`. */
  store(setCookie: readonly string[] | undefined, requestPath: string, now = Date.now()): void {
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue; // no name: ignored, as browsers do
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      let path = defaultPath(requestPath);
      let expiresAt: number | undefined;
      let maxAgeSeen = false;
      for (const attribute of attributes) {
        const at = attribute.indexOf('=');
        const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
        const argument = at === -1 ? '' : attribute.slice(at + 1).trim();
        if (key === 'path' && argument.startsWith('/')) path = argument;
        else if (key === 'max-age' && /^-?\d+$/.test(argument)) {
          maxAgeSeen = true; // Max-Age wins over Expires (RFC 6265 5.3)
          expiresAt = now + Number(argument) * 1000;
        } else if (key === 'expires' && !maxAgeSeen) {
          const time = Date.parse(argument);
          if (!Number.isNaN(time)) expiresAt = time;
        }
      }
      const key = `${name}\0${path}`;
      if (expiresAt !== undefined && expiresAt <= now) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path, expiresAt });
    }
  }

  /** The `Cookie` header for a request to `requestPath` (longer paths first), or undefined. */
  header(requestPath: string, now = Date.now()): string | undefined {
    const path = requestPath.split('?')[0];
    const matching = this.#live(now)
      .filter((cookie) => pathMatches(cookie.path, path))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? undefined : matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  }

  /**
   * The value of a cookie named `name` (any path), decoded as the server's
   * `request.cookies` decodes it, or undefined (never set, deleted or expired).
   */
  get(name: string, now = Date.now()): string | undefined {
    const cookie = this.#live(now).find((stored) => stored.name === name);
    return cookie === undefined ? undefined : parseCookies(`${cookie.name}=${cookie.value}`)[cookie.name];
  }

  /** The cookies not expired at `now`; the expired ones are forgotten. */
  #live(now: number): StoredCookie[] {
    for (const [key, cookie] of this.#cookies) if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.#cookies.delete(key);
    return [...this.#cookies.values()];
  }

  /** Forgets every cookie. */
  clear(): void {
    this.#cookies.clear();
  }
}

/** RFC 6265 5.1.4: the request path up to its last `/`, or `/`. */
function defaultPath(requestPath: string): string {
  const path = requestPath.split('?')[0];
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}

/** RFC 6265 5.1.4 path-match. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
