import { type Server } from 'node:http';
import { createInterface } from 'node:readline';
import { type StartedServer, listenLocal, stats } from '../../http/servers/serve.js';

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
  listenLocal(server, afterClose).then(
    (started: StartedServer) => {
      process.stdout.write(`${JSON.stringify({ port: started.port, pid: process.pid })}\n`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        started.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`close failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const control = createInterface({ input: process.stdin });
      control.on('line', (line) => {
        if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify(stats())}\n`);
        else process.stderr.write(`unknown control line ${JSON.stringify(line)}: expected "stats"\n`);
      });
      control.on('close', stop);
    },
    (err: unknown) => {
      process.stderr.write(`echo server failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
