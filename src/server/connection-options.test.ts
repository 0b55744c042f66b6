import { WeftError } from '../errors.js';
import { CONNECTION_DEFAULTS, checkConnectionOptions, serverOptionsOf } from './connection-options.js';

describe('connection options', () => {
  test('weft defaults: keep-alive above proxy idle timeouts, headers and requests bounded', () => {
    expect(serverOptionsOf({})).toEqual({ keepAliveTimeout: 75_000, headersTimeout: 30_000, requestTimeout: 300_000, connectionsCheckingInterval: 10_000 });
    expect(CONNECTION_DEFAULTS.keepAliveTimeout).toBeGreaterThan(60_000); // nginx upstream keepalive and AWS ALB idle timeout
    expect(Object.isFrozen(CONNECTION_DEFAULTS)).toBe(true);
  });

  test('given values win, 0 included', () => {
    expect(serverOptionsOf({ keepAliveTimeout: 5_000, headersTimeout: 1_000, requestTimeout: 0 })).toMatchObject({ keepAliveTimeout: 5_000, headersTimeout: 1_000, requestTimeout: 0 });
  });

  test.each([
    [{ keepAliveTimeout: -1 }, 'keepAliveTimeout must be a non-negative integer (ms or a count), got -1'],
    [{ headersTimeout: 1.5 }, 'headersTimeout must be a non-negative integer (ms or a count), got 1.5'],
    [{ requestTimeout: Number.NaN }, 'requestTimeout must be a non-negative integer (ms or a count), got NaN'],
    [{ maxHeadersCount: '10' as unknown as number }, 'maxHeadersCount must be a non-negative integer (ms or a count), got 10'],
    [{ maxRequestsPerSocket: -3 }, 'maxRequestsPerSocket must be a non-negative integer (ms or a count), got -3'],
    [{ headersTimeout: 20_000, requestTimeout: 10_000 }, 'headersTimeout (20000 ms) must not exceed requestTimeout (10000 ms); requestTimeout 0 means no limit'],
  ])('rejects %j', (options, message) => {
    let error: unknown;
    try {
      checkConnectionOptions(options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe('WEFT_ERR_INVALID_OPTION');
    expect((error as WeftError).message).toBe(`WEFT_ERR_INVALID_OPTION: ${message}`);
  });

  test('headersTimeout may exceed a requestTimeout of 0 (no request limit)', () => {
    expect(() => checkConnectionOptions({ headersTimeout: 90_000, requestTimeout: 0 })).not.toThrow();
  });
});
