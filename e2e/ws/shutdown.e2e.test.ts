/**
 * Graceful shutdown with open websockets, in a child process running `runApp`
 * (e2e/ws/fixtures/shutdown-app.ts under ts-node; `weft` is the build: `npm run build`).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { connectTestWebSocket } from 'weft/testing';
import { type WatchedChild as Child, watchChild } from './watch-child.js';

const FIXTURE = path.join(__dirname, 'fixtures', 'shutdown-app.ts');

function start(): Child {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(__dirname, '..', '..') });
  return watchChild(child);
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
