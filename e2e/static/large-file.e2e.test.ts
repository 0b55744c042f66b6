/**
 * A 1 GiB sparse file served with a Range request by a server in a child process: its
 * peak RSS must stay under 100 MB, so the file is streamed, never read whole. The child
 * runs the built package (`npm run test:e2e` builds first); WEFT_MAIN points it at
 * another build.
 *
 * The peak is the kernel's VmHWM of the child's own address space, not
 * `process.resourceUsage().maxRSS`: Linux carries ru_maxrss across fork and exec, so a
 * child of a 170 MB jest worker reports 170 MB before it has served a byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const GiB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

const SERVER = `
const weft = require(process.env.WEFT_MAIN || 'weft');
const app = weft.createApp({ logger: weft.createLogger({ level: 'silent' }) });
app.static('/files', process.env.ROOT);
const peakRss = () => Number(/VmHWM:\\s+(\\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
app.router.add('GET', '/rss', () => ({ rss: process.memoryUsage().rss, maxRss: peakRss() }));
app.startup().then(() => {
  const server = weft.createHttpServer(app.callback());
  server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
});
`;

function request(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: urlPath, headers }, (res) => {
      let bytes = 0;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (text.length < 1000) text += chunk.toString('latin1');
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, bytes, text }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

describe('a 1 GiB sparse file', () => {
  let base: string;
  let child: ChildProcess;
  let port: number;

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'weft-big-'));
    const file = path.join(base, 'big.bin');
    writeFileSync(file, '');
    truncateSync(file, GiB);
    child = spawn(process.execPath, ['-e', SERVER], { cwd: path.join(__dirname, '..', '..'), env: { ...process.env, ROOT: base }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /PORT (\d+)/.exec(out);
        if (match !== null) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}: ${stderr}`)));
    });
  }, 30_000);

  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(base, { recursive: true, force: true });
  });

  test('is served with a Range while the server RSS stays under 100 MB', async () => {
    const before = await request(port, '/rss');
    const start = 1024;
    const res = await request(port, '/files/big.bin', { Range: `bytes=${start}-${GiB - 1}` });
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes ${start}-${GiB - 1}/${GiB}`);
    expect(res.headers['content-length']).toBe(String(GiB - start));
    expect(res.bytes).toBe(GiB - start);
    const after = JSON.parse((await request(port, '/rss')).text) as { rss: number; maxRss: number };
    const baseline = JSON.parse(before.text) as { rss: number; maxRss: number };
    expect(after.maxRss).toBeLessThan(100 * MB);
    // garbage-collector lag on 64 KiB chunks, not the file: a whole-file read would add 1 GiB
    expect(after.maxRss - baseline.rss).toBeLessThan(64 * MB);
  }, 120_000);

  test('a full GET streams all of it, a small range only its bytes, memory still bounded', async () => {
    const full = await request(port, '/files/big.bin');
    expect(full.status).toBe(200);
    expect(full.bytes).toBe(GiB);
    const small = await request(port, '/files/big.bin', { Range: 'bytes=0-15' });
    expect(small.status).toBe(206);
    expect(small.bytes).toBe(16);
    const after = JSON.parse((await request(port, '/rss')).text) as { maxRss: number };
    expect(after.maxRss).toBeLessThan(100 * MB);
  }, 120_000);
});
