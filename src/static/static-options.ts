/**
 * The options of `app.static(prefix, directory, options)`, checked where they are written.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WeftError } from '../errors.js';
import { shownValue } from '../option-checks.js';

/** What a static route does with dotfiles; see {@link StaticOptions.dotfiles}. */
export type StaticDotfiles = 'ignore' | 'allow' | 'deny';

const DOTFILES: readonly StaticDotfiles[] = ['ignore', 'allow', 'deny'];

/**
 * Options of `app.static`.
 *
 * @example
 * ```ts
 * app.static('/assets', './public', { maxAge: 3600, precompressed: true, appendVersion: true, name: 'assets' });
 * ```
 */
export interface StaticOptions {
  /** A directory answers an HTML listing instead of 403. Default false. */
  showIndex?: boolean;
  /** Serve symlinks whose target is outside the directory (a documented risk). Default false. */
  followSymlinks?: boolean;
  /** `router.url(name, { filename })` appends `?v=<content hash>` by default. Default false. */
  appendVersion?: boolean;
  /** The route name, for `app.router.url(name, { filename })`. */
  name?: string;
  /** `Cache-Control: public, max-age=<seconds>` on files. */
  maxAge?: number;
  /** Serve `.br` / `.gz` siblings to clients that accept them. Default false. */
  precompressed?: boolean;
  /**
   * Requests for dotfiles: a path with a segment, file or directory, whose name starts
   * with `.` (`.env`, `.git/config`; not `app.min.js`), judged after percent-decoding
   * (`%2eenv` is `.env`). Default `'ignore'`, as `@fastify/static`, `serve-static` and
   * `send`: a dotfile in a served directory is usually a secret put there by mistake.
   *
   * - `'ignore'`: 404, as if it did not exist; directory listings leave it out.
   * - `'deny'`: 403; directory listings leave it out.
   * - `'allow'`: served and listed like any other file.
   *
   * Under `'ignore'` and `'deny'`, the `.well-known` directory at the top level of the
   * directory (`<prefix>/.well-known/...`, RFC 8615, e.g. ACME challenges) is served;
   * dotfiles inside it, and `.well-known` directories further down, are not.
   * `FileResponse` is not concerned: a handler's file is served whatever its name.
   *
   * @example
   * ```ts
   * app.static('/static', './public');                                // GET /static/.env → 404
   * app.static('/static', './public', { dotfiles: 'deny' });          // GET /static/.env → 403
   * app.static('/config', './shared-config', { dotfiles: 'allow' });  // GET /config/.eslintrc → 200
   * ```
   */
  dotfiles?: StaticDotfiles;
}

/** A static route's checked settings. */
export interface StaticRoot {
  /** The real path of the directory, resolved once at registration. */
  root: string;
  /** The prefix without a trailing slash (`''` for `/`). */
  prefix: string;
  showIndex: boolean;
  followSymlinks: boolean;
  appendVersion: boolean;
  maxAge: number | undefined;
  precompressed: boolean;
  dotfiles: StaticDotfiles;
}

const KNOWN = new Set(['showIndex', 'followSymlinks', 'appendVersion', 'name', 'maxAge', 'precompressed', 'dotfiles']);

/**
 * Checks `app.static`'s arguments: the prefix starts with `/` and has no parameters, the
 * directory exists and is a directory, options are known and well typed. Throws
 * `WEFT_ERR_STATIC` naming what is wrong.
 *
 * @example
 * ```ts
 * const settings = checkStaticOptions('/static', './public', { maxAge: 60 });
 * ```
 */
export function checkStaticOptions(prefix: string, directory: string, options: StaticOptions): StaticRoot {
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[{}]/.test(prefix)) {
    throw new WeftError('WEFT_ERR_STATIC', `static prefix ${JSON.stringify(prefix)} must start with '/' and hold no parameters`);
  }
  if (typeof directory !== 'string' || directory === '') throw new WeftError('WEFT_ERR_STATIC', `static directory must be a non-empty path, got ${JSON.stringify(directory)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new WeftError('WEFT_ERR_STATIC', `unknown static option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  }
  for (const key of ['showIndex', 'followSymlinks', 'appendVersion', 'precompressed'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new WeftError('WEFT_ERR_STATIC', `static option ${key} must be a boolean`);
  }
  if (options.maxAge !== undefined && (!Number.isInteger(options.maxAge) || options.maxAge < 0 || options.maxAge > Number.MAX_SAFE_INTEGER)) {
    throw new WeftError('WEFT_ERR_STATIC', `static option maxAge must be a non-negative integer of seconds up to ${Number.MAX_SAFE_INTEGER}, got ${String(options.maxAge)}`);
  }
  if (options.dotfiles !== undefined && !DOTFILES.includes(options.dotfiles)) {
    throw new WeftError('WEFT_ERR_STATIC', `static option dotfiles must be one of ${DOTFILES.map((d) => `'${d}'`).join(', ')}, got ${shownValue(options.dotfiles)}`);
  }
  let root: string;
  try {
    root = realpathSync(resolve(directory));
  } catch {
    throw new WeftError('WEFT_ERR_STATIC', `static directory ${JSON.stringify(directory)} does not exist`);
  }
  if (!statSync(root).isDirectory()) throw new WeftError('WEFT_ERR_STATIC', `static directory ${JSON.stringify(directory)} is not a directory`);
  return {
    root,
    prefix: prefix.replace(/\/+$/, ''),
    showIndex: options.showIndex ?? false,
    followSymlinks: options.followSymlinks ?? false,
    appendVersion: options.appendVersion ?? false,
    maxAge: options.maxAge,
    precompressed: options.precompressed ?? false,
    dotfiles: options.dotfiles ?? 'ignore',
  };
}
