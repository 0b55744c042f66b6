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
