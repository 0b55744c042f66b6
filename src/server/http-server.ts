import { createServer, type Server, type ServerOptions } from 'node:http';
import { type RequestListener } from '../pipeline/handle-request.js';

/**
 * A `node:http` server for a weft request listener. `Expect` requests go to the listener
 * too (node would otherwise answer `100 Continue` or `417` itself, before routing,
 * middlewares and `onResponsePrepare` could see them).
 *
 * @example
 * ```ts
 * await app.startup();
 * const server = createHttpServer(app.callback());
 * server.listen(8080, '127.0.0.1');
 * ```
 */
export function createHttpServer(listener: RequestListener, options: ServerOptions = {}): Server {
  const server = createServer(options, listener);
  server.on('checkContinue', listener);
  server.on('checkExpectation', listener);
  return server;
}
