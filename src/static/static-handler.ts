/**
 * The handler behind `app.static(...)`: containment, then a file, a listing, or an error.
 */
import { stat } from 'node:fs/promises';
import { HTTPForbidden, HTTPNotFound } from '../http/http-errors.js';
import type { Request } from '../http/request.js';
import type { StreamResponse } from '../http/stream-response.js';
import { directoryListing } from './directory-listing.js';
import { FileResponse } from './file-response.js';
import { resolveInside } from './safe-path.js';
import type { StaticRoot } from './static-options.js';

/**
 * Makes the handler of a static route `prefix/{filename:.*}`. Missing, refused and
 * outside paths all raise the same `HTTPNotFound` inside the chain (middlewares see it);
 * a directory raises `HTTPForbidden` unless `showIndex`.
 *
 * @example
 * ```ts
 * app.router.add('GET', '/static/{filename:.*}', staticHandler(checkStaticOptions('/static', './public', {})));
 * ```
 */
export function staticHandler(settings: StaticRoot): (request: Request) => Promise<StreamResponse> {
  return async (request) => {
    const filename = request.params.filename ?? '';
    const real = await resolveInside(settings.root, filename, settings.followSymlinks);
    if (real === null) throw new HTTPNotFound();
    const stats = await stat(real).catch(() => null);
    if (stats === null) throw new HTTPNotFound();
    if (stats.isDirectory()) {
      if (!settings.showIndex) throw new HTTPForbidden();
      // request.path: the links must carry a mounted app's prefix too
      return directoryListing(real, request.path);
    }
    if (!stats.isFile()) throw new HTTPNotFound();
    return new FileResponse(real, { maxAge: settings.maxAge, precompressed: settings.precompressed });
  };
}
