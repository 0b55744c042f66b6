/**
 * What a cluster worker tells its supervisor over the IPC channel.
 */

/**
 * A message from a worker: `ready` once every site listens (with their names), `recycle`
 * when `--max-requests` is reached (the supervisor starts a replacement, then stops it).
 *
 * @example
 * ```ts
 * process.send?.({ weft: 'ready', sites: ['http://127.0.0.1:8080'] } satisfies WorkerMessage);
 * ```
 */
export type WorkerMessage = { readonly weft: 'ready'; readonly sites: string[] } | { readonly weft: 'recycle' };

/**
 * Whether an IPC message is one of weft's (node's cluster sends its own too).
 *
 * @example
 * ```ts
 * worker.on('message', (message) => { if (isWorkerMessage(message)) handle(message); });
 * ```
 */
export function isWorkerMessage(message: unknown): message is WorkerMessage {
  if (typeof message !== 'object' || message === null) return false;
  const kind = (message as { weft?: unknown }).weft;
  return (kind === 'ready' && Array.isArray((message as { sites?: unknown }).sites)) || kind === 'recycle';
}

/** The environment variable carrying a worker's number (1, 2, ...): `{n}` in `--path`. */
export const WORKER_NUMBER_ENV = 'WEFT_WORKER_NUMBER';

/** Set to `1` in a worker that replaces one with the same number: it may take over that worker's unix sockets. */
export const TAKE_OVER_ENV = 'WEFT_TAKE_OVER';
