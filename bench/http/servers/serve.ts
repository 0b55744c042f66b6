import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { type ScenarioId, parseScenarioId } from '../scenarios.js';

/** A started benchmark server: the port it listens on and how to close it. */
export interface StartedServer {
  port: number;
  close(): Promise<void>;
}

/** The first line a server prints on stdout once it listens. */
export interface ReadyLine {
  port: number;
  pid: number;
}

/** What a server prints on stdout for the `stats` control line. */
export interface StatsLine {
  /** `process.memoryUsage().rss`, in bytes. */
  rss: number;
  /** User + system CPU time since the process started, in microseconds. */
  cpu: number;
}

/**
 * The protocol shared by the three benchmark servers, so the runner drives them alike:
 * `node servers/<framework>.js <scenario>` listens on 127.0.0.1 with a free port, prints
 * `{"port":N,"pid":P}`, answers each `stats` line on stdin with `{"rss":R,"cpu":C}` (off
 * the measured path: no extra route in the table), and exits 0 on SIGTERM, SIGINT or when
 * stdin closes, so a server never outlives the runner that started it. A bad scenario
 * prints the error and exits 2.
 *
 * @example
 * ```ts
 * if (require.main === module) serveScenario((scenario) => listenLocal(createServer(listenerFor(scenario))));
 * ```
 */
export function serveScenario(start: (scenario: ScenarioId) => Promise<StartedServer>): void {
  let scenario: ScenarioId;
  try {
    scenario = parseScenarioId(process.argv[2]);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\nusage: node ${process.argv[1]} <scenario>\n`);
    process.exitCode = 2;
    return;
  }
  serveStarted(start(scenario), `${scenario} server`);
}

/**
 * The shared half of the protocol, once a server is starting: prints the ready line when it
 * listens, answers `stats` on stdin, exits 0 on SIGTERM, SIGINT or stdin closing (after
 * closing the server) and 1 when starting or closing fails. Used by {@link serveScenario}
 * and by the websocket benchmark's servers.
 *
 * @example
 * ```ts
 * serveStarted(listenLocal(createServer(listener)), 'echo server');
 * ```
 */
export function serveStarted(starting: Promise<StartedServer>, label: string): void {
  starting.then(
    (server) => {
      writeLine({ port: server.port, pid: process.pid } satisfies ReadyLine);
      const stop = once(() => {
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`close failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      });
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const control = createInterface({ input: process.stdin });
      control.on('line', (line) => {
        if (line.trim() === 'stats') writeLine(stats());
        else process.stderr.write(`unknown control line ${JSON.stringify(line)}: expected "stats"\n`);
      });
      control.on('close', stop);
    },
    (err: unknown) => {
      process.stderr.write(`${label} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/**
 * The RSS and CPU time of this process.
 *
 * @example
 * ```ts
 * stats(); // { rss: 61_440_000, cpu: 1_250_000 }
 * ```
 */
export function stats(): StatsLine {
  const { user, system } = process.cpuUsage();
  return { rss: process.memoryUsage().rss, cpu: user + system };
}

/**
 * Starts a `node:http` server on 127.0.0.1 with a free port and returns it as a
 * {@link StartedServer}; closing ends keep-alive connections too, then runs `afterClose`
 * (e.g. the app's cleanup).
 *
 * @example
 * ```ts
 * serveScenario(async () => listenLocal(createServer((_req, res) => res.end('hello'))));
 * ```
 */
export function listenLocal(server: Server, afterClose: () => Promise<void> = async () => undefined): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const close = async (): Promise<void> => {
        const closed = new Promise<void>((done, fail) => server.close((err) => (err ? fail(err) : done())));
        server.closeAllConnections();
        await closed;
        await afterClose();
      };
      resolve({ port: (server.address() as AddressInfo).port, close });
    });
  });
}

function writeLine(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
