/**
 * The websocket benchmark's noise-free companion: the CPU instructions each echo server
 * runs per echo, counted by valgrind's callgrind (user space only: the system calls count
 * as one instruction each, so the kernel's share, about half of the busy time, is not in
 * it). Round trips per second swing by 2x on a shared machine; instruction counts repeat
 * within 1%, which makes them the measure for shortening weft's per-message path.
 *
 * Each server runs under callgrind with instrumentation off; 100 clients (this process)
 * make `--warm` echoes, then instrumentation is turned on for exactly `--echoes` more and
 * the counters are dumped. Slow (callgrind runs the server some 50x slower): about 15 s
 * per server with the defaults.
 *
 * Usage: `npm run build && node dist/bench/ws/count-instructions.js [--warm 5000] [--echoes 10000]`
 * (needs `valgrind` on the PATH; hold /tmp/weft-load.lock while it runs).
 */
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startUnderCallgrind } from '../callgrind.js';
import { WS_SERVERS, type WsServer } from './ws-options.js';

const CLIENTS = 100;
const MESSAGE = 'x'.repeat(64);

async function count(server: WsServer, warm: number, echoes: number): Promise<number> {
  const callgrind = await startUnderCallgrind(join(__dirname, 'servers', `${server}.js`), ['echo'], server);
  const sockets: WebSocket[] = [];
  try {
    sockets.push(...(await Promise.all(Array.from({ length: CLIENTS }, () => connect(`ws://127.0.0.1:${callgrind.port}/echo`)))));
    await echo(sockets, warm);
    callgrind.instrumentOn();
    await echo(sockets, echoes);
    callgrind.dump();
  } catch (err) {
    for (const socket of sockets) socket.terminate();
    await callgrind.stop().catch(() => undefined);
    throw err;
  }
  for (const socket of sockets) socket.terminate();
  return (await callgrind.stop()) / echoes;
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** `total` echoes spread over the sockets, each with one message in flight. */
function echo(sockets: WebSocket[], total: number): Promise<void> {
  let sent = 0;
  let received = 0;
  return new Promise((resolve, reject) => {
    for (const socket of sockets) {
      socket.removeAllListeners('message');
      socket.on('message', (data) => {
        if (data.toString() !== MESSAGE) reject(new Error('wrong echo'));
        if (++received === total) resolve();
        else if (sent < total) {
          sent++;
          socket.send(MESSAGE);
        }
      });
    }
    for (const socket of sockets.slice(0, total)) {
      sent++;
      socket.send(MESSAGE);
    }
  });
}

function option(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < CLIENTS) throw new Error(`--${name} must be an integer ≥ ${CLIENTS}, got ${JSON.stringify(argv[index + 1])}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const warm = option(argv, 'warm', 5_000);
  const echoes = option(argv, 'echoes', 10_000);
  const perEcho = new Map<WsServer, number>();
  for (const server of WS_SERVERS) {
    perEcho.set(server, await count(server, warm, echoes));
    console.log(`${server.padEnd(6)} ${Math.round(perEcho.get(server)!).toLocaleString('en-US')} instructions per echo (${echoes} echoes after ${warm} warm-up)`);
  }
  const weft = perEcho.get('weft')!;
  const plain = perEcho.get('plain')!;
  console.log(`plain/weft: ${(plain / weft).toFixed(2)} (user-space instructions; weft runs ${Math.round(weft - plain).toLocaleString('en-US')} more per echo)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
