import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadProblem } from './load.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { findWrk, luaString, parseWrkOutput, wrkLoader, wrkScript } from './wrk.js';

// Real output of wrk 4.1.0 (Debian's debian/4.1.0-3+b2), `wrk -t1 -c10 -dNs --latency --timeout T`,
// against small node servers that answer, answer 500 to half the requests, reset every
// connection, reset one in a hundred, or answer after 1.5 s.
const SAMPLES: Record<string, string> = {
  'ok': `Running 1s test @ http://127.0.0.1:18801/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   658.46us    1.66ms  27.73ms   95.31%
    Req/Sec    27.51k    11.96k   36.64k    80.00%
  Latency Distribution
     50%  253.00us
     75%  470.00us
     90%    1.06ms
     99%    7.09ms
  27255 requests in 1.00s, 3.30MB read
Requests/sec:  27180.69
Transfer/sec:      3.29MB
`,
  '500': `Running 1s test @ http://127.0.0.1:18802/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.00ms    3.66ms  47.91ms   96.69%
    Req/Sec    32.11k    15.21k   44.30k    72.73%
  Latency Distribution
     50%  217.00us
     75%  405.00us
     90%    1.29ms
     99%   22.76ms
  34979 requests in 1.10s, 5.05MB read
  Non-2xx or 3xx responses: 17477
Requests/sec:  31729.14
Transfer/sec:      4.58MB
`,
  'reset': `Running 1s test @ http://127.0.0.1:18805/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 1.00s, 0.00B read
  Socket errors: connect 0, read 8445, write 0, timeout 0
Requests/sec:      0.00
Transfer/sec:       0.00B
`,
  'mix': `Running 1s test @ http://127.0.0.1:18807/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   654.76us    1.36ms  22.47ms   93.50%
    Req/Sec    26.58k    12.20k   37.81k    70.00%
  Latency Distribution
     50%  263.00us
     75%  489.00us
     90%    1.36ms
     99%    6.58ms
  26347 requests in 1.00s, 3.12MB read
  Socket errors: connect 0, read 266, write 0, timeout 0
Requests/sec:  26336.86
Transfer/sec:      3.11MB
`,
  'slowt': `Running 5s test @ http://127.0.0.1:18803/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     6.00      0.00     6.00    100.00%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  30 requests in 5.01s, 3.69KB read
  Socket errors: connect 0, read 0, write 0, timeout 30
Requests/sec:      5.98
Transfer/sec:     753.93B
`,
  'slow3': `Running 3s test @ http://127.0.0.1:18803/
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.51s     0.97ms   1.51s    40.00%
    Req/Sec     6.00      0.00     6.00    100.00%
  Latency Distribution
     50%    1.51s 
     75%    1.51s 
     90%    1.51s 
     99%    1.51s 
  10 requests in 3.01s, 1.23KB read
Requests/sec:      3.32
Transfer/sec:     418.76B
`,
};

describe('parseWrkOutput', () => {
  it('reads a clean run, converting µs and ms to milliseconds', () => {
    expect(parseWrkOutput(SAMPLES.ok)).toEqual({
      requestsPerSec: 27180.69,
      latencyP50Ms: 0.253,
      latencyP99Ms: 7.09,
      latencyMaxMs: 27.73,
      requests: 27255,
      seconds: 1,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    });
  });

  it('counts error statuses from the "Non-2xx or 3xx responses" line', () => {
    expect(parseWrkOutput(SAMPLES['500'])).toMatchObject({ requestsPerSec: 31729.14, requests: 34979, seconds: 1.1, non2xx: 17477, errors: 0, timeouts: 0 });
  });

  it('adds connect, read and write socket errors up as errors', () => {
    expect(parseWrkOutput(SAMPLES.reset)).toMatchObject({ requestsPerSec: 0, requests: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencyMaxMs: 0, errors: 8445, timeouts: 0 });
    expect(parseWrkOutput(SAMPLES.mix)).toMatchObject({ requests: 26347, requestsPerSec: 26336.86, errors: 266, timeouts: 0, non2xx: 0 });
    const all = SAMPLES.mix.replace('connect 0, read 266, write 0, timeout 0', 'connect 3, read 5, write 7, timeout 11');
    expect(parseWrkOutput(all)).toMatchObject({ errors: 15, timeouts: 11 });
  });

  it('reads timeouts from the socket errors line', () => {
    expect(parseWrkOutput(SAMPLES.slowt)).toMatchObject({ requests: 30, seconds: 5.01, errors: 0, timeouts: 30 });
    expect(loadProblem(parseWrkOutput(SAMPLES.slowt))).toBe('30 timeouts');
  });

  it('converts latencies printed in seconds, and (edited samples) in minutes and hours', () => {
    expect(parseWrkOutput(SAMPLES.slow3)).toMatchObject({ latencyP50Ms: 1510, latencyP99Ms: 1510, latencyMaxMs: 1510, requests: 10, seconds: 3.01 });
    const longer = SAMPLES.slow3.replace('1.51s    40.00%', '2.50m    40.00%').replace('99%    1.51s', '99%    1.25h').replace('in 3.01s', 'in 1.02m');
    expect(parseWrkOutput(longer)).toMatchObject({ latencyMaxMs: 150_000, latencyP99Ms: 4_500_000, seconds: 61.2 });
  });

  it('refuses output without the lines it needs, quoting what wrk printed', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:18899 Connection refused')).toThrow(
      'wrk printed no "N requests in T" line:\nunable to connect to 127.0.0.1:18899 Connection refused',
    );
    const noLatency = SAMPLES.ok.replace(/ {2}Latency Distribution[\s\S]*?(?= {2}27255)/, '');
    expect(() => parseWrkOutput(noLatency)).toThrow('wrk printed no "50%" latency (run wrk with --latency) line');
  });
});

describe('findWrk', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-find-wrk-'));
    for (const sub of ['plain', 'folder', 'exec']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'plain', 'wrk'), 'not executable', { mode: 0o644 });
    mkdirSync(join(dir, 'folder', 'wrk'));
    writeFileSync(join(dir, 'exec', 'wrk'), '#!/bin/sh\n', { mode: 0o755 });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers the given path, then takes the first executable wrk file on PATH', () => {
    const path = ['plain', 'folder', 'exec'].map((sub) => join(dir, sub)).join(delimiter);
    expect(findWrk(path, join(dir, 'exec', 'wrk'))).toBe(join(dir, 'exec', 'wrk'));
    expect(findWrk(path, join(dir, 'missing'))).toBe(join(dir, 'exec', 'wrk'));
    expect(findWrk(join(dir, 'plain'), join(dir, 'missing'))).toBeUndefined();
  });
});

describe('luaString', () => {
  it('quotes plain text as is', () => {
    expect(luaString('GET')).toBe('"GET"');
    expect(luaString('')).toBe('""');
  });

  it('escapes quotes and backslashes', () => {
    expect(luaString('{"a":"b\\c"}')).toBe('"{\\"a\\":\\"b\\\\c\\"}"');
  });

  it('writes control characters and the UTF-8 bytes of other characters as three-digit decimal escapes', () => {
    expect(luaString('a\nb\r\t\u0000')).toBe('"a\\010b\\013\\009\\000"');
    expect(luaString('é€')).toBe('"\\195\\169\\226\\130\\172"');
    // Three digits always, so a digit after the escape is not read as part of it.
    expect(luaString('\u00011')).toBe('"\\0011"');
    expect(luaString('\u007f')).toBe('"\\127"');
  });
});

describe('wrkScript', () => {
  it('sets the method, the headers and the body', () => {
    expect(wrkScript({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' })).toBe(
      'wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = "{\\"x\\":1}"\n',
    );
    expect(wrkScript(SCENARIOS.S1)).toBe('wrk.method = "GET"\n');
  });
});

const wrk = findWrk();

test('wrk is installed where CI runs (.ci/run installs it)', () => {
  // elsewhere the runs below are skipped without wrk; in CI a missing wrk is a failure
  if (process.env.CI === 'true') expect(wrk).toBeDefined();
});

(wrk === undefined ? describe.skip : describe)('wrkLoader (runs the installed wrk)', () => {
  let server: Server;
  let status = 200;
  const seen = { requests: 0, bodies: new Set<string>(), types: new Set<string>(), methods: new Set<string>() };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.requests++;
        seen.bodies.add(Buffer.concat(chunks).toString('utf8'));
        seen.types.add(req.headers['content-type'] ?? '');
        seen.methods.add(req.method ?? '');
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const port = () => (server.address() as AddressInfo).port;
  const loader = () => wrkLoader({ path: wrk!, connections: 4 });
  // this process's scripts only: a benchmark running meanwhile has its own
  const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`weft-wrk-${process.pid}-`));

  beforeEach(() => {
    status = 200;
    seen.requests = 0;
    seen.bodies.clear();
    seen.types.clear();
    seen.methods.clear();
  });

  it('sends the scenario request exactly, measures it, and deletes its Lua script', async () => {
    const before = leftovers();
    const result = await loader().load(port(), SCENARIOS.S5, 1);
    expect(seen.methods).toEqual(new Set(['POST']));
    expect(seen.types).toEqual(new Set(['application/json']));
    expect(seen.bodies).toEqual(new Set([SCENARIOS.S5.body]));
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThanOrEqual(seen.requests);
    expect(result.seconds).toBeGreaterThanOrEqual(0.9);
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(result.loaderCpu).toBeGreaterThan(0);
    expect(result.loaderCpu).toBeLessThan(1.5);
    expect(loadProblem(result)).toBeUndefined();
    expect(leftovers()).toEqual(before);
  }, 15_000);

  it('sends a body full of characters Lua would misread unescaped, byte for byte', async () => {
    const body = 'quote " backslash \\ newline \n tab \t nul \u0000 then 1 digit, é, € and 😀';
    const scenario: Scenario = { ...SCENARIOS.S5, body, headers: { 'content-type': 'text/plain; charset="utf-8"' } };
    await loader().load(port(), scenario, 1);
    expect(seen.bodies).toEqual(new Set([body]));
    expect(seen.types).toEqual(new Set(['text/plain; charset="utf-8"']));
  }, 15_000);

  it('counts error answers', async () => {
    status = 500;
    const result = await loader().load(port(), SCENARIOS.S1, 1);
    expect(result.non2xx).toBeGreaterThan(0);
    expect(loadProblem(result)).toMatch(/^\d+ non-2xx responses$/);
  }, 15_000);

  it('rejects with what wrk said when it cannot connect', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(loader().load(unused, SCENARIOS.S1, 1)).rejects.toThrow(/^wrk failed \(exit code 1\): unable to connect to 127\.0\.0\.1:\d+ Connection refused/);
  }, 15_000);
});
