import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { autocannonLoader, loadProblem } from './load.js';
import { SCENARIOS } from './scenarios.js';

describe('loadProblem', () => {
  const clean = { requests: 100, non2xx: 0, errors: 0, timeouts: 0 };

  it('accepts a run where every request got a 2xx', () => {
    expect(loadProblem(clean)).toBeUndefined();
  });

  it('lists everything that makes a run untrustworthy', () => {
    expect(loadProblem({ requests: 100, non2xx: 3, errors: 2, timeouts: 1 })).toBe('3 non-2xx responses, 2 connection errors, 1 timeouts');
    expect(loadProblem({ ...clean, requests: 0 })).toBe('no completed request');
  });
});

describe('autocannonLoader', () => {
  let server: Server;
  let status = 200;
  const seen = { posts: 0, bodies: new Set<string>() };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method === 'POST') seen.posts++;
        seen.bodies.add(body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const port = () => (server.address() as AddressInfo).port;
  const loader = autocannonLoader({ connections: 4, pipelining: 1 });

  it('names itself and its version', () => {
    expect(loader.name).toBe('autocannon');
    expect(loader.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('sends the scenario request for the time asked and measures it', async () => {
    const postsBefore = seen.posts;
    const result = await loader.load(port(), SCENARIOS.S5, 1);
    expect(seen.bodies).toEqual(new Set([SCENARIOS.S5.body]));
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThanOrEqual(seen.posts - postsBefore);
    expect(result.requestsPerSec).toBeCloseTo(result.requests / result.seconds);
    expect(result.seconds).toBeGreaterThanOrEqual(0.9);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(result.loaderCpu).toBeGreaterThan(0);
    expect(loadProblem(result)).toBeUndefined();
  }, 10_000);

  it('counts non-2xx answers, which fail the measurement', async () => {
    status = 500;
    const result = await loader.load(port(), SCENARIOS.S1, 1);
    expect(result.non2xx).toBeGreaterThan(0);
    expect(loadProblem(result)).toMatch(/^\d+ non-2xx responses$/);
  }, 10_000);
});
