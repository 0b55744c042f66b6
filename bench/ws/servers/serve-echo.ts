import { type Server } from 'node:http';
import { listenLocal, serveStarted } from '../../http/servers/serve.js';

/**
 * The protocol of the websocket benchmark servers, the HTTP benchmark's without the
 * scenario (bench/http/server-process.ts drives both): `node servers/<name>.js echo`
 * listens on 127.0.0.1 with a free port, serves the echo websocket at `/echo`, prints
 * `{"port":N,"pid":P}`, answers each `stats` line on stdin with `{"rss":R,"cpu":C}`, and
 * exits 0 on SIGTERM, SIGINT or when stdin closes, so it never outlives the runner.
 *
 * @example
 * ```ts
 * const server = createServer();
 * const wss = new WebSocketServer({ server, path: '/echo' });
 * serveEcho(server, () => new Promise<void>((resolve) => wss.close(() => resolve())));
 * ```
 */
export function serveEcho(server: Server, afterClose: () => Promise<void> = async () => undefined): void {
  serveStarted(listenLocal(server, afterClose), 'echo server');
}
