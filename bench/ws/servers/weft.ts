/**
 * weft's side of the websocket benchmark: aiohttp's echo handler as a plain function
 * route, written as a user would, on weft's own HTTP server. Logging is silenced so the
 * comparison measures message handling, not log output.
 *
 * Usage: `node dist/bench/ws/servers/weft.js echo` (see serve-echo.ts for the protocol).
 */
import 'reflect-metadata';
import { WebSocketResponse, createApp, createHttpServer, createLogger, type Request } from 'weft';
import { serveEcho } from './serve-echo.js';

async function echo(request: Request): Promise<WebSocketResponse> {
  const ws = new WebSocketResponse();
  await ws.prepare(request);
  for await (const msg of ws) {
    if (msg.type === 'text') await ws.sendStr(msg.data);
    else if (msg.type === 'binary') await ws.sendBytes(msg.data);
  }
  return ws;
}

async function main(): Promise<void> {
  const app = createApp({ logger: createLogger({ level: 'silent' }) });
  app.router.add('GET', '/echo', echo);
  await app.startup();
  serveEcho(createHttpServer(app.callback()), () => app.shutdown().then(() => app.cleanup()));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`weft echo server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
