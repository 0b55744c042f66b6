import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { echoLoad, echoLoadProblem, percentile } from './echo-load.js';

describe('percentile', () => {
  test('nearest rank over sorted values, 0 for none', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(percentile([0.123456], 0.5)).toBe(0.12);
    expect(percentile([], 0.99)).toBe(0);
  });
});

describe('echoLoadProblem', () => {
  test('names every reason a run cannot be trusted', () => {
    expect(echoLoadProblem({ roundTrips: 10, wrongEchoes: 0, errors: 0 })).toBeUndefined();
    expect(echoLoadProblem({ roundTrips: 0, wrongEchoes: 2, errors: 1 })).toBe('no completed round trip, 2 wrong echoes, 1 connection errors');
  });
});

describe('echoLoad', () => {
  let server: Server;
  let wss: WebSocketServer;
  afterEach(async () => {
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function start(onMessage: (text: string) => string): Promise<string> {
    server = createServer();
    wss = new WebSocketServer({ server, path: '/echo' });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(onMessage(data.toString()))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
  }

  test('counts round trips against an echo server, with no errors', async () => {
    const url = await start((text) => text);
    let measuredFrom = 0;
    const result = await echoLoad(url, { clients: 5, warmup: 0.1, duration: 0.3, message: 'x'.repeat(64) }, async () => {
      measuredFrom = Date.now();
    });
    expect(measuredFrom).toBeGreaterThan(0);
    expect(result.roundTrips).toBeGreaterThan(10);
    expect(result.roundTripsPerSec).toBeCloseTo(result.roundTrips / result.seconds);
    expect(result.seconds).toBeGreaterThanOrEqual(0.29);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(echoLoadProblem(result)).toBeUndefined();
  });

  test('counts echoes that differ from what was sent', async () => {
    const url = await start((text) => text.toUpperCase());
    const result = await echoLoad(url, { clients: 2, warmup: 0, duration: 0.1, message: 'hello' });
    expect(result.wrongEchoes).toBeGreaterThan(0);
    expect(echoLoadProblem(result)).toContain('wrong echoes');
  });

  test('rejects when a client cannot connect', async () => {
    const url = await start((text) => text);
    await expect(echoLoad(url.replace('/echo', '/nowhere'), { clients: 1, warmup: 0, duration: 0.1, message: 'x' })).rejects.toThrow('Unexpected server response: 400');
  });
});
