/**
 * The baseline of the websocket benchmark: a plain `ws` WebSocketServer on node:http
 * echoing every message back, the least a Node.js websocket server can do.
 *
 * Usage: `node dist/bench/ws/servers/plain.js echo` (see serve-echo.ts for the protocol).
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serveEcho } from './serve-echo.js';

if (require.main === module) {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/echo' });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  serveEcho(server, () => new Promise<void>((resolve) => wss.close(() => resolve())));
}
