import { createApp } from '../app/application.js';
import type { ServeOptions } from './cli-options.js';
import { countResponses, expandWorkerNumber, requestLimit, runAppOptions } from './serve-command.js';

const base: ServeOptions = { target: 'a:b', host: [], port: undefined, path: [], mode: undefined, sock: [], shutdownTimeout: undefined, accessLog: true, accessLogFormat: undefined, workers: 1, maxRequests: 0, maxRequestsJitter: 0, preload: false, reload: false };

test('runAppOptions passes only what was given, {n} expanded per worker', () => {
  expect(runAppOptions(base, 1)).toEqual({});
  expect(runAppOptions({ ...base, host: ['::1'], port: 0, path: ['/run/w{n}.sock', '/x'], mode: 0o660, sock: [3], shutdownTimeout: 1500, accessLog: false, accessLogFormat: '%s' }, 3)).toEqual({
    host: ['::1'],
    port: 0,
    path: ['/run/w3.sock', '/x'],
    mode: 0o660,
    sock: [3],
    shutdownTimeout: 1500,
    accessLog: null,
    accessLogFormat: '%s',
  });
  expect(expandWorkerNumber('/tmp/a_{n}_{n}.sock', 12)).toBe('/tmp/a_12_12.sock');
});

test('requestLimit adds 0..jitter; 0 means never', () => {
  expect(requestLimit(0, 10)).toBe(0);
  expect(requestLimit(100, 10, () => 0)).toBe(100);
  expect(requestLimit(100, 10, () => 0.9999)).toBe(110);
});

test('countResponses calls onLimit once, at the limit', async () => {
  const app = createApp();
  let calls = 0;
  const wrapped = countResponses(app, 2, () => calls++);
  expect(typeof wrapped).toBe('function');
  const built = await (wrapped as () => Promise<typeof app>)();
  expect(built).toBe(app);
  expect(app.onResponsePrepare.length).toBe(1);
  const send = app.onResponsePrepare.send.bind(app.onResponsePrepare) as (...args: unknown[]) => Promise<void>;
  await send({}, {});
  expect(calls).toBe(0);
  await send({}, {});
  await send({}, {});
  expect(calls).toBe(1);
  expect(countResponses(app, 0, () => {})).toBe(app);
});
