/**
 * The site of a runner-backed {@link TestClient} on the inject transport: the runner's
 * server (its hooks, limits, graceful stop) without a listening socket; the client hands
 * it in-memory connections itself.
 */
import type { AppRunner } from '../server/app-runner.js';
import { BaseSite } from '../server/base-site.js';

/**
 * A site that never listens: connections come from `server.emit('connection', duplex)`.
 *
 * @example
 * ```ts
 * const site = await runner.addSite(new InjectSite(runner));
 * site.server!.emit('connection', serverSide);
 * ```
 */
export class InjectSite extends BaseSite {
  constructor(runner: AppRunner) {
    super(runner, {});
  }

  get name(): string {
    return 'inject (in-memory)';
  }

  protected bind(): Promise<void> {
    return Promise.resolve();
  }
}
