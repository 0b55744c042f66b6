import { WebSocket } from 'ws';

/** Load settings for one measurement. */
export interface EchoLoadOptions {
  /** Concurrent websocket clients, each with one message in flight. */
  clients: number;
  /** Seconds of load whose results are dropped (JIT warm-up). */
  warmup: number;
  /** Seconds measured. */
  duration: number;
  /** The text every client sends and expects back. */
  message: string;
}

/** What one measured run gives. */
export interface EchoLoadResult {
  /** Completed round trips (sent, echoed, received) per second over the measured time. */
  roundTripsPerSec: number;
  roundTrips: number;
  seconds: number;
  /** Round-trip latency percentiles, milliseconds. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Echoes that differed from what was sent, and connections that failed or closed early. */
  wrongEchoes: number;
  errors: number;
  /** CPU use of this process (the clients) while measuring, 1 = one full core. */
  loaderCpu: number;
}

/**
 * Connects `clients` websockets to `url`; each sends `message`, waits for the echo and
 * sends again, for `warmup` then `duration` seconds. Only round trips that complete
 * within the measured window count. `beforeMeasure` runs between warm-up and measurement
 * (the runner reads the server's CPU time there). Rejects if a client cannot connect.
 *
 * @example
 * ```ts
 * const result = await echoLoad('ws://127.0.0.1:8080/echo', { clients: 100, warmup: 1, duration: 5, message: 'hello' });
 * result.roundTripsPerSec; // 41250.2
 * ```
 */
export async function echoLoad(url: string, options: EchoLoadOptions, beforeMeasure: () => Promise<void> = async () => undefined): Promise<EchoLoadResult> {
  const settled = await Promise.allSettled(Array.from({ length: options.clients }, () => connect(url)));
  const sockets = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const refused = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (refused !== undefined) {
    // Close the clients that did connect, so a failed run leaves nothing open.
    await Promise.all(sockets.map(close));
    throw refused.reason;
  }
  let measuring = false;
  let running = true;
  let roundTrips = 0;
  let wrongEchoes = 0;
  let errors = 0;
  const latencies: number[] = [];
  for (const socket of sockets) {
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      socket.send(options.message);
    };
    // hot path: one handler call per round trip
    socket.on('message', (data, isBinary) => {
      if (isBinary || data.toString() !== options.message) wrongEchoes++;
      if (measuring) {
        roundTrips++;
        latencies.push(performance.now() - sentAt);
      }
      if (running) send();
    });
    socket.on('error', () => errors++);
    socket.on('close', () => {
      if (running) errors++;
    });
    send();
  }
  await sleep(options.warmup * 1000);
  await beforeMeasure();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  measuring = true;
  await sleep(options.duration * 1000);
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  running = false;
  await Promise.all(sockets.map(close));
  latencies.sort((a, b) => a - b);
  return {
    roundTripsPerSec: roundTrips / seconds,
    roundTrips,
    seconds,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    wrongEchoes,
    errors,
    loaderCpu: (cpu.user + cpu.system) / (seconds * 1e6),
  };
}

/**
 * Why a load result cannot be trusted, or undefined: a wrong echo, a failed connection
 * or no round trip at all means the server did not do the work every time.
 *
 * @example
 * ```ts
 * echoLoadProblem({ roundTrips: 10, wrongEchoes: 0, errors: 2 }); // '2 connection errors'
 * ```
 */
export function echoLoadProblem(result: Pick<EchoLoadResult, 'roundTrips' | 'wrongEchoes' | 'errors'>): string | undefined {
  const problems = [
    result.roundTrips === 0 ? 'no completed round trip' : '',
    result.wrongEchoes > 0 ? `${result.wrongEchoes} wrong echoes` : '',
    result.errors > 0 ? `${result.errors} connection errors` : '',
  ].filter((text) => text !== '');
  return problems.length === 0 ? undefined : problems.join(', ');
}

/**
 * The value below which `fraction` of the sorted `values` lie (nearest rank), rounded to
 * 0.01 ms; 0 for no values.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return Math.round(sorted[index] * 100) / 100;
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function close(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1000);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
