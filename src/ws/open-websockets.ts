/**
 * The open websockets of each root application, so a graceful shutdown closes them with
 * 1001 GOING_AWAY (aiohttp leaves this to an `on_shutdown` handler of the user's; weft
 * does it itself, after the user's `onShutdown` handlers ran).
 */
import type { Application } from '../app/application.js';

/** What the registry needs of a websocket. */
export interface Closable {
  close(options?: { code?: number; message?: string; timeout?: number }): Promise<boolean>;
}

const open = new WeakMap<Application, Set<Closable>>();

/** The root of `app`'s tree: the app the runner serves. */
function rootOf(app: Application): Application {
  let root = app;
  while (root.parent !== undefined) root = root.parent;
  return root;
}

/**
 * Records an open websocket of `app` (any app of the tree); gives the function that forgets it.
 *
 * @example
 * ```ts
 * const forget = trackWebSocket(request.app, ws);
 * socket.once('close', forget);
 * ```
 */
export function trackWebSocket(app: Application, ws: Closable): () => void {
  const root = rootOf(app);
  let set = open.get(root);
  if (set === undefined) open.set(root, (set = new Set()));
  set.add(ws);
  return () => set.delete(ws);
}

/**
 * How many websockets of `app`'s tree are open.
 *
 * @example
 * ```ts
 * openWebSocketCount(app); // 3
 * ```
 */
export function openWebSocketCount(app: Application): number {
  return open.get(rootOf(app))?.size ?? 0;
}

/**
 * Closes every open websocket of `app`'s tree (1001 GOING_AWAY, "Server shutdown" by
 * default) and waits for the closing handshakes, each at most its `closeTimeout` or
 * `timeout` ms when shorter; errors are ignored (the peer may be gone).
 *
 * @example
 * ```ts
 * await app.shutdown();
 * await closeWebSockets(app);
 * ```
 */
export async function closeWebSockets(app: Application, code = 1001, message = 'Server shutdown', timeout?: number): Promise<void> {
  const set = open.get(rootOf(app));
  if (set === undefined || set.size === 0) return;
  await Promise.all([...set].map((ws) => ws.close({ code, message, timeout }).catch(() => false)));
}
