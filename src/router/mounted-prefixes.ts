import { WeftError } from '../errors.js';
import { invalidPath, parsePath } from './path-parser.js';
import { type MatchResult } from './router.js';

/** A mounted prefix, its owner, and the shared not-found result for paths under it. */
export interface MountedPrefix<O> {
  /** The raw prefix without its trailing slash: `/admin`. */
  readonly prefix: string;
  readonly owner: O;
  readonly notFound: Extract<MatchResult<never, O>, { kind: 'not-found' }>;
}

/**
 * The mount prefixes of sub-applications, to say which app a miss belongs to: the app of
 * the deepest prefix the path is under (`/admin/x` and the bare `/admin` belong to the
 * app mounted at `/admin/`), else the root owner. Prefixes are few, so a scan, deepest
 * first, is enough; only misses look here.
 *
 * @example
 * ```ts
 * const prefixes = new MountedPrefixes('root');
 * prefixes.add('/admin/', 'admin');
 * prefixes.lookup('/admin').owner;   // 'admin'
 * prefixes.lookup('/adminx').owner;  // 'root'
 * ```
 */
export class MountedPrefixes<O> {
  readonly root: MountedPrefix<O>;
  #mounted: MountedPrefix<O>[] = [];

  constructor(rootOwner: O) {
    this.root = record('', rootOwner);
  }

  /**
   * Registers a prefix (`/admin/` or `/admin`; unicode allowed, no parameters). Throws
   * `WEFT_ERR_INVALID_PATH` for an invalid prefix and `WEFT_ERR_MOUNT` when the prefix is
   * already owned by another owner (adding the same pair twice is harmless).
   */
  add(prefix: string, owner: O): void {
    const raw = normalizePrefix(prefix);
    const existing = this.#mounted.find((mounted) => mounted.prefix === raw);
    if (existing !== undefined) {
      if (existing.owner === owner) return;
      throw new WeftError('WEFT_ERR_MOUNT', `the prefix ${raw}/ is already mounted by another application`);
    }
    this.#mounted = [...this.#mounted, record(raw, owner)].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /**
   * The deepest prefix every path starting with these literal segments (raw) and going on
   * is under, or the root: where a dynamic route's paths belong.
   */
  lookupSegments(segments: readonly string[]): MountedPrefix<O> {
    return segments.length === 0 ? this.root : this.lookup(`/${segments.join('/')}/`);
  }

  /**
   * Whether some prefix not owned by `owner` lies strictly below these literal segments: a
   * dynamic route starting with them (`/{path:.*}` under `/admin/`) may match paths there.
   */
  hasForeignBelow(segments: readonly string[], owner: O): boolean {
    const start = segments.length === 0 ? '/' : `/${segments.join('/')}/`;
    return this.#mounted.some((mounted) => mounted.owner !== owner && mounted.prefix.startsWith(start));
  }

  /** The deepest prefix `path` is under (the bare prefix counts), or the root. */
  lookup(path: string): MountedPrefix<O> {
    const mounted = this.#mounted;
    for (let i = 0; i < mounted.length; i++) {
      if (isUnder(path, mounted[i].prefix)) return mounted[i];
    }
    return this.root;
  }
}

/**
 * Validates a mount prefix and returns its raw form without the trailing slash. Throws
 * `WEFT_ERR_INVALID_PATH` for a prefix that is not a path, has parameters or empty
 * segments, or is the root `/`.
 *
 * @example
 * ```ts
 * normalizePrefix('/admin/'); // '/admin'
 * normalizePrefix('/café');   // '/caf%C3%A9'
 * ```
 */
export function normalizePrefix(prefix: string): string {
  const tokens = parsePath(prefix);
  if (tokens.some((token) => token.kind === 'param')) throw invalidPath(prefix, 'a mount prefix cannot have parameters');
  let raw = tokens.map((token) => (token.kind === 'literal' ? token.text : '')).join('');
  if (raw.endsWith('/')) raw = raw.slice(0, -1);
  if (raw === '') throw invalidPath(prefix, "'/' is the root: a mount prefix needs at least one segment");
  if (raw.includes('//') || raw.endsWith('/')) throw invalidPath(prefix, 'a mount prefix cannot have empty segments');
  return raw;
}

/**
 * Whether a raw path is under a prefix (given without its trailing slash): `/admin/x`
 * and `/admin` are under `/admin`, `/adminx` is not.
 *
 * @example
 * ```ts
 * isUnder('/admin', '/admin');  // true
 * isUnder('/adminx', '/admin'); // false
 * ```
 */
export function isUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f);
}

function record<O>(prefix: string, owner: O): MountedPrefix<O> {
  return Object.freeze({ prefix, owner, notFound: Object.freeze({ kind: 'not-found' as const, owner }) });
}
