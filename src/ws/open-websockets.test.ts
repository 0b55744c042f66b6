import { createApp } from '../app/application.js';
import { createLogger } from '../logging/logger.js';
import { closeWebSockets, openWebSocketCount, trackWebSocket, type Closable } from './open-websockets.js';

const logger = createLogger({ level: 'silent' });

function fakeSocket(log: string[], name: string, fail = false): Closable {
  return {
    close: async (options) => {
      log.push(`${name} ${String(options?.code)} ${String(options?.message)}`);
      if (fail) throw new Error('peer gone');
      return true;
    },
  };
}

describe('open websockets', () => {
  test('are tracked per root app (sub-apps included) and closed with 1001 "Server shutdown"', async () => {
    const log: string[] = [];
    const root = createApp({ logger });
    const admin = createApp({ logger });
    root.mount('/admin/', admin);
    const other = createApp({ logger });
    trackWebSocket(root, fakeSocket(log, 'a'));
    const forgetB = trackWebSocket(admin, fakeSocket(log, 'b'));
    trackWebSocket(admin, fakeSocket(log, 'c', true));
    trackWebSocket(other, fakeSocket(log, 'elsewhere'));
    expect(openWebSocketCount(admin)).toBe(3);
    forgetB();
    expect(openWebSocketCount(root)).toBe(2);
    await closeWebSockets(admin);
    expect(log).toEqual(['a 1001 Server shutdown', 'c 1001 Server shutdown']);
  });

  test('closing with another code, or with nothing open, is fine', async () => {
    const log: string[] = [];
    const app = createApp({ logger });
    await closeWebSockets(app);
    trackWebSocket(app, fakeSocket(log, 'a'));
    await closeWebSockets(app, 1012, 'Service Restart');
    expect(log).toEqual(['a 1012 Service Restart']);
  });
});
