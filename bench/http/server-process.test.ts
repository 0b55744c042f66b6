import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canPin } from './cpu-pinning.js';
import { ServerProcess } from './server-process.js';

// Small plain-JS servers speaking (or breaking) the protocol of servers/serve.ts.
const FIXTURES: Record<string, string> = {
  good: `
    const server = require('node:http').createServer((req, res) => res.end('hello'));
    server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port, pid: process.pid })));
    require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
      if (line === 'stats') console.log(JSON.stringify({ rss: process.memoryUsage().rss, cpu: 1234 }));
    });
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`,
  stubborn: `
    process.on('SIGTERM', () => console.error('ignoring SIGTERM'));
    console.log(JSON.stringify({ port: 1, pid: process.pid }));
    setInterval(() => undefined, 1000);`,
  crash: `console.error('boom: cannot start'); process.exit(3);`,
  chatty: `console.log('listening on 8080'); setInterval(() => undefined, 1000);`,
  silent: `setInterval(() => undefined, 1000);`,
  liar: `console.log(JSON.stringify({ port: 1, pid: 1 })); setInterval(() => undefined, 1000);`,
  'bad-stats': `
    console.log(JSON.stringify({ port: 1, pid: process.pid }));
    require('node:readline').createInterface({ input: process.stdin }).on('line', () => console.log('{"rss":"lots"}'));`,
};

describe('ServerProcess', () => {
  let dir: string;
  const script = (name: string) => join(dir, `${name}.js`);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-bench-'));
    for (const [name, source] of Object.entries(FIXTURES)) writeFileSync(script(name), source);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a server, reads its port and stats, and stops it by PID with SIGTERM', async () => {
    const server = await ServerProcess.start({ script: script('good'), scenario: 'S1' });
    expect(server.port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(await response.text()).toBe('hello');
    const stats = await server.stats();
    expect(stats.cpu).toBe(1234);
    expect(stats.rss).toBeGreaterThan(1024 * 1024);
    expect(await server.stop()).toEqual({ code: 0, signal: null, killed: false });
    expect(() => process.kill(server.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  (canPin() ? it : it.skip)('pins the server to a CPU with taskset, keeping the PID the server reports', async () => {
    const server = await ServerProcess.start({ script: script('good'), scenario: 'S1', cpu: 0 });
    try {
      const { execFileSync } = await import('node:child_process');
      expect(execFileSync('taskset', ['-c', '-p', String(server.pid)]).toString()).toMatch(/current affinity list: 0\n/);
    } finally {
      await server.stop();
    }
  });

  it('sends SIGKILL when SIGTERM is ignored for 2 s', async () => {
    const server = await ServerProcess.start({ script: script('stubborn'), scenario: 'S1' });
    const started = Date.now();
    expect(await server.stop()).toEqual({ code: null, signal: 'SIGKILL', killed: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(server.stderr).toContain('ignoring SIGTERM');
  });

  it('reports a server that exits before listening, with its stderr', async () => {
    await expect(ServerProcess.start({ script: script('crash'), scenario: 'S1' })).rejects.toThrow(
      /did not start: exited \(code 3, signal null\)\n--- its stderr ---\nboom: cannot start/,
    );
  });

  it('reports a first line that is not the JSON ready line', async () => {
    await expect(ServerProcess.start({ script: script('chatty'), scenario: 'S1' })).rejects.toThrow('did not start: printed "listening on 8080", not a JSON line');
  });

  it('gives up on a server that never prints its port, and stops it', async () => {
    await expect(ServerProcess.start({ script: script('silent'), scenario: 'S1', startTimeoutMs: 300 })).rejects.toThrow('did not start: no answer within 300 ms');
  });

  it('refuses a server reporting another PID than the one started', async () => {
    await expect(ServerProcess.start({ script: script('liar'), scenario: 'S1' })).rejects.toThrow(/did not start: reports PID 1 but was started as PID \d+/);
  });

  it('rejects a stats answer without numbers', async () => {
    const server = await ServerProcess.start({ script: script('bad-stats'), scenario: 'S1' });
    try {
      await expect(server.stats()).rejects.toThrow(`answered {"rss":"lots"} to "stats"`);
    } finally {
      await server.stop();
    }
  });

  it('reports a missing script', async () => {
    await expect(ServerProcess.start({ script: join(dir, 'missing.js'), scenario: 'S1' })).rejects.toThrow(/did not start: exited \(code 1[\s\S]*Cannot find module/);
  });
});
