/**
 * A `FileResponse` for a static route that keeps symlinks inside its root: containment is
 * checked again on the file it opens, not only on the one the handler looked at.
 */
import type { Request } from '../http/request.js';
import { PRECOMPRESSED } from './accept-encoding.js';
import { FileResponse, type FileResponseOptions } from './file-response.js';
import { realPathOf } from './find-static-file.js';
import type { FileRepresentation } from './open-representation.js';
import { isInside } from './safe-path.js';

/**
 * Sends the file at `path` (a real path inside `root`, as `findStaticFile` found it) only if
 * what it opens is still inside `root`: the handler's check closed its file, and the path
 * (or a directory on it) may have been swapped for a symlink leading out before this
 * response opens it again, or its precompressed sibling may lie on such a path. Anything
 * else is `HTTPNotFound`, as a missing file.
 *
 * @example
 * ```ts
 * const found = await findStaticFile(settings, 'video.mp4', SMALL_FILE); // too large to read at once
 * return new ContainedFileResponse(found.path, settings.root, { maxAge: 60 });
 * ```
 */
export class ContainedFileResponse extends FileResponse {
  readonly #root: string;

  constructor(path: string, root: string, options: FileResponseOptions = {}) {
    super(path, options);
    this.#root = root;
  }

  protected override async openRepresentation(request: Request): Promise<FileRepresentation | null> {
    const representation = await super.openRepresentation(request);
    const handle = representation?.handle;
    if (representation === null || handle === undefined) return representation;
    const suffix = PRECOMPRESSED.find((known) => known.encoding === representation.encoding)?.suffix ?? '';
    const real = await realPathOf(handle.fd, this.path + suffix);
    if (real !== null && isInside(this.#root, real)) return representation;
    await handle.close().catch(() => undefined);
    return null;
  }
}
