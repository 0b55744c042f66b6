/**
 * Graceful shutdown with open websockets, in a child process running `runApp`
 * (e2e/ws/fixtures/shutdown-app.ts under ts-node; `weft` is the build: `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connectTestWebSocket } from 'weft/testing';

const FIXTURE = path.join(__dirname, 'fixtures', 'shutdown-app.ts');

interface Child {
  readonly process: ChildProcess;
  readonly events: string[];
  until<T>(check: () => T | undefined, what: string, ms?: number): Promise<T>;
  /** The URL of the "Running on" banner, once printed. */
  banner(): string | undefined;
}

function start(): Child {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(__dirname, '..', '..') });
  const events: string[] = [];
  let out = '';
  let err = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('EVENT ')) events.push(line.slice(6));
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const until = <T>(check: () => T | undefined, what: string, ms = 20_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + ms;
      const poll = (): void => {
        const value = check();
        if (value !== undefined) resolve(value);
        else if (Date.now() > deadline) reject(new Error(`${what} not seen; events: ${events.join(' | ')}; stdout: ${out}; stderr: ${err}`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  return { process: child, events, until, banner: () => /Running on (\S+)/.exec(out)?.[1] };
}

describe('websocket shutdown', () => {
  let child: Child | undefined;
  afterEach(() => {
    if (child !== undefined && child.process.exitCode === null) child.process.kill('SIGKILL');
  });

  test('SIGTERM closes open websockets with 1001 after onShutdown, and the process exits cleanly', async () => {
    const running = (child = start());
    const url = await running.until(() => running.banner(), 'the "Running on" banner');
    const a = await connectTestWebSocket(`${url.replace('http', 'ws')}/ws`);
    const b = await connectTestWebSocket(`${url.replace('http', 'ws')}/ws`);
    await a.sendStr('ping');
    expect(await a.receiveStr()).toBe('ping');
    await running.until(() => (running.events.filter((e) => e === 'ws:open').length === 2 ? true : undefined), 'two open websockets');

    const exited = new Promise<number | null>((resolve) => running.process.once('exit', (code) => resolve(code)));
    running.process.kill('SIGTERM');
    expect(await a.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
    expect(await b.closed).toEqual({ code: 1001, reason: 'Server shutdown' });
    expect(await exited).toBe(0);
    expect(running.events).toEqual(['ws:open', 'ws:open', 'app:shutdown', 'ws:closed 1001', 'ws:closed 1001', 'app:cleanup', 'runApp:resolved']);
  }, 30_000);
});
