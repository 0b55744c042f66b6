/**
 * The handler behind `app.static(...)`: containment, then a file, a listing, or an error.
 */
import { HTTPForbidden, HTTPNotFound } from '../http/http-errors.js';
import type { Request } from '../http/request.js';
import type { StreamResponse } from '../http/stream-response.js';
import { ContainedFileResponse } from './contained-file-response.js';
import { directoryListing } from './directory-listing.js';
import { FileResponse, SMALL_FILE } from './file-response.js';
import { findStaticFile } from './find-static-file.js';
import { LoadedFileResponse } from './loaded-file-response.js';
import { checkName, isDotfileName } from './safe-path.js';
import type { StaticRoot } from './static-options.js';

/**
 * Makes the handler of a static route `prefix/{filename:.*}`. Missing, refused and
 * outside paths all raise the same `HTTPNotFound` inside the chain (middlewares see it);
 * a directory raises `HTTPForbidden` unless `showIndex`. Unless `dotfiles: 'allow'`, a
 * dotfile name (see `isDotfileName`) raises `HTTPNotFound` before any file access, or
 * `HTTPForbidden` with `dotfiles: 'deny'` (a name `checkName` refuses stays a 404), and
 * listings leave dotfiles out. A small file is read here, once, and sent from memory; a
 * larger one (or a precompressed route, whose sibling depends on the request) is opened
 * again and streamed by `FileResponse`, whose file must still lie inside the root (see
 * `ContainedFileResponse`).
 *
 * @example
 * ```ts
 * app.router.add('GET', '/static/{filename:.*}', staticHandler(checkStaticOptions('/static', './public', {})));
 * ```
 */
export function staticHandler(settings: StaticRoot): (request: Request) => Promise<StreamResponse> {
  const bodyLimit = settings.precompressed ? -1 : SMALL_FILE;
  const options = { maxAge: settings.maxAge, precompressed: settings.precompressed };
  const hideDotfiles = settings.dotfiles !== 'allow';
  // hot path
  return async (request) => {
    const name = request.params.filename ?? '';
    if (hideDotfiles && isDotfileName(name)) {
      throw settings.dotfiles === 'deny' && checkName(name) !== null ? new HTTPForbidden() : new HTTPNotFound();
    }
    const found = await findStaticFile(settings, name, bodyLimit);
    if (found === null) throw new HTTPNotFound();
    const { path, stats, body } = found;
    if (body !== null) return new LoadedFileResponse(path, stats, body, options);
    if (stats.isDirectory()) {
      if (!settings.showIndex) throw new HTTPForbidden();
      // request.path: the links must carry a mounted app's prefix too
      return directoryListing(path, request.path, !hideDotfiles);
    }
    if (!stats.isFile()) throw new HTTPNotFound();
    // opened again to be streamed: without followSymlinks, containment is checked again then
    return settings.followSymlinks ? new FileResponse(path, options) : new ContainedFileResponse(path, settings.root, options);
  };
}
