/**
 * The app `weft serve` runs in the cluster benchmark: one small JSON route, as the raw
 * node:http cluster (raw-cluster.ts) answers it, so the comparison measures the
 * supervisor/worker layout and the framework, not the handler.
 *
 * Usage: `weft serve dist/bench/cluster/app.js:createBenchApp --workers 2 --no-access-log`.
 */
import { createApp, type Application } from 'weft';

/**
 * The factory each worker calls.
 *
 * @example
 * ```ts
 * const app = createBenchApp(); // GET / → {"hello":"world"}
 * ```
 */
export function createBenchApp(): Application {
  const app = createApp({ name: 'cluster-bench' });
  app.router.add('GET', '/', () => ({ hello: 'world' }));
  return app;
}
