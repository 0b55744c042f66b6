import { DEFAULT_MAX_MSG_SIZE, checkWebSocketOptions, closeFailure } from './websocket-options.js';

describe('checkWebSocketOptions', () => {
  test("applies aiohttp's defaults: 4 MiB messages, no heartbeat, no compression", () => {
    expect(checkWebSocketOptions({})).toEqual({ protocols: [], maxMsgSize: DEFAULT_MAX_MSG_SIZE, heartbeat: 0, compress: false, highWaterMark: 1024 * 1024, closeTimeout: 10_000 });
    expect(DEFAULT_MAX_MSG_SIZE).toBe(4 * 1024 * 1024);
  });

  test('keeps valid options; 0 turns maxMsgSize and heartbeat off', () => {
    const options = checkWebSocketOptions({ protocols: ['chat.v2', 'chat.v1'], maxMsgSize: 0, heartbeat: 0, compress: true, highWaterMark: 0, closeTimeout: 50 });
    expect(options).toEqual({ protocols: ['chat.v2', 'chat.v1'], maxMsgSize: 0, heartbeat: 0, compress: true, highWaterMark: 0, closeTimeout: 50 });
  });

  test.each([
    [{ maxMsgSize: -1 }, /maxMsgSize must be a non-negative number, got -1/],
    [{ heartbeat: Infinity }, /heartbeat must be a non-negative number, got Infinity/],
    [{ highWaterMark: Number.NaN }, /highWaterMark must be a non-negative number, got NaN/],
    [{ closeTimeout: -5 }, /closeTimeout must be a non-negative number, got -5/],
    [{ closeTimeout: 2 ** 31 }, /closeTimeout must be at most 2147483647 ms \(node's timer limit/],
    [{ heartbeat: 2 ** 31 }, /heartbeat must be at most 2147483647 ms/],
    [{ protocols: ['has space'] }, /protocols must be an array of tokens/],
    [{ protocols: 'chat' as unknown as string[] }, /protocols must be an array of tokens/],
  ])('refuses %j with a coded error', (options, message) => {
    expect(() => checkWebSocketOptions(options)).toThrow(message);
    expect(() => checkWebSocketOptions(options)).toThrow(/^WEFT_ERR_WS_OPTIONS: /);
  });

  test('closeFailure names the code, the message and the rules', () => {
    const err = closeFailure(1005, 'x', new TypeError('bad'));
    expect(err.code).toBe('WEFT_ERR_WS_OPTIONS');
    expect(err.message).toMatch(/cannot close with code 1005 and message "x": the code must be 1000-1003, 1007-1014 or 3000-4999/);
    expect(err.cause).toBeInstanceOf(TypeError);
  });
});
