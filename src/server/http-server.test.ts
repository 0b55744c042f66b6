import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { createHttpServer } from './http-server.js';

const listener = (): void => {};

describe('createHttpServer', () => {
  test('a node:http server with weft’s connection defaults', () => {
    const server = createHttpServer(listener);
    expect(server).toBeInstanceOf(HttpServer);
    expect([server.keepAliveTimeout, server.headersTimeout, server.requestTimeout]).toEqual([75_000, 30_000, 300_000]);
  });

  test('limits and node options are passed on', () => {
    const server = createHttpServer(listener, { keepAliveTimeout: 1_000, maxHeadersCount: 10, maxRequestsPerSocket: 5, maxHeaderSize: 4096 });
    expect([server.keepAliveTimeout, server.maxHeadersCount, server.maxRequestsPerSocket]).toEqual([1_000, 10, 5]);
    expect((server as unknown as { maxHeaderSize: number }).maxHeaderSize).toBe(4096); // node keeps it, its types do not say
  });

  test('with tls, a node:https server', () => {
    const server = createHttpServer(listener, { tls: {} });
    expect(server).toBeInstanceOf(HttpsServer);
    expect((server as HttpsServer).keepAliveTimeout).toBe(75_000);
  });

  test('Expect requests reach the listener', () => {
    const server = createHttpServer(listener);
    expect(server.listeners('checkContinue')).toEqual([listener]);
    expect(server.listeners('checkExpectation')).toEqual([listener]);
  });

  test('invalid limits are refused', () => {
    expect(() => createHttpServer(listener, { keepAliveTimeout: -1 })).toThrow('WEFT_ERR_INVALID_OPTION: keepAliveTimeout must be a non-negative integer');
  });
});
