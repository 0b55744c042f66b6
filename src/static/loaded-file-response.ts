/**
 * A `FileResponse` for a file the static handler already opened and read: the response
 * touches the disk no more, and holds no open file while it waits to be sent.
 */
import type { BigIntStats } from 'node:fs';
import type { Request } from '../http/request.js';
import { FileResponse, type FileResponseOptions } from './file-response.js';
import type { FileRepresentation } from './open-representation.js';

/**
 * Sends `body`, read from `path` whose stats are `stats`, with every rule of `FileResponse`
 * (validators, conditional requests, ranges, HEAD). Not for precompressed routes: their
 * sibling is chosen when the response is prepared.
 *
 * @example
 * ```ts
 * const found = await findStaticFile(settings, 'site.css', SMALL_FILE);
 * return new LoadedFileResponse(found.path, found.stats, found.body, { maxAge: 60 });
 * ```
 */
export class LoadedFileResponse extends FileResponse {
  readonly #representation: FileRepresentation;

  constructor(path: string, stats: BigIntStats, body: Buffer, options: Omit<FileResponseOptions, 'precompressed'> = {}) {
    super(path, options);
    this.#representation = { stats, body, encoding: undefined, vary: false };
  }

  protected override openRepresentation(_request: Request): Promise<FileRepresentation> {
    return Promise.resolve(this.#representation);
  }
}
