/**
 * Containment of static file names: turns the route's `filename` (decoded once) into a
 * real path inside the root, or says no. Every refusal is the same `null`, so a caller
 * answers one 404 for "missing" and "forbidden" alike and leaks nothing (CVE-2025-69226).
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';

/** Longer names are refused before touching the file system (PATH_MAX on Linux). */
const MAX_NAME_LENGTH = 4096;

/**
 * Checks a requested name by its text alone: no NUL, no backslash, not absolute, no `..`
 * segment, not too long. Gives the segments to join, or null. `.` and empty segments
 * are harmless: `join` drops them without leaving the root.
 *
 * @example
 * ```ts
 * checkName('css/site.css'); // ['css', 'site.css']
 * checkName('../secret');    // null
 * ```
 */
export function checkName(name: string): string[] | null {
  if (name.length > MAX_NAME_LENGTH) return null;
  // A backslash is a separator on Windows and never a legitimate part of a web path.
  if (name.includes('\0') || name.includes('\\') || name.startsWith('/') || isAbsolute(name)) return null;
  const segments = name.split('/');
  if (segments.includes('..')) return null;
  return segments;
}

/** The one dot directory served under `dotfiles: 'ignore'` or `'deny'`, at the root's top level (RFC 8615). */
export const WELL_KNOWN = '.well-known';

/**
 * Whether a requested name (the route's decoded `filename`) names a dotfile: a segment,
 * file or directory, that starts with `.`. `.` itself and empty segments are not (`join`
 * drops them), a dot inside a name (`app.min.js`) is not, and `.well-known` is not when it
 * is the first segment (`.well-known/acme-challenge/x`), though dot names below it are.
 * A `..` segment counts; `checkName` refuses it anyway. The name alone decides: a symlink
 * with a plain name is followed as before, wherever it points.
 *
 * @example
 * ```ts
 * isDotfileName('.env');                           // true
 * isDotfileName('repo/.git/config');               // true
 * isDotfileName('.well-known/acme-challenge/tok'); // false
 * isDotfileName('js/app.min.js');                  // false
 * ```
 */
export function isDotfileName(name: string): boolean {
  // hot path: most names hold no segment starting with a dot
  if (name.charCodeAt(0) !== 0x2e && !name.includes('/.')) return false;
  let first = true;
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment.charCodeAt(0) === 0x2e && !(first && segment === WELL_KNOWN)) return true;
    first = false;
  }
  return false;
}

/** Whether `real` is `root` or below it; both are real paths. */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Resolves `name` under the real path `root`: the real path of the target, or null when
 * the name is refused, does not exist, or (without `followSymlinks`) resolves outside the
 * root through a symlink. Symlinks that stay inside the root always work. Synchronous for
 * `router.url(..., { appendVersion })`; requests use `findStaticFile`, which checks the
 * file it opened.
 *
 * @example
 * ```ts
 * const root = realpathSync('./public');
 * resolveInsideSync(root, 'img/logo.png', false); // '/srv/app/public/img/logo.png'
 * resolveInsideSync(root, 'link-to-etc/passwd', false); // null
 * ```
 */
export function resolveInsideSync(root: string, name: string, followSymlinks: boolean): string | null {
  const segments = checkName(name);
  if (segments === null) return null;
  let real: string;
  try {
    real = realpathSync(join(root, ...segments));
  } catch {
    return null;
  }
  return followSymlinks || isInside(root, real) ? real : null;
}
