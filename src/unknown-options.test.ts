/**
 * One rule for every API that takes an options object: a key it does not know is refused,
 * naming the API, the key and the options it knows, instead of being ignored (a misspelt
 * `status` that sends 200, a misspelt `heartbeat` that means no heartbeat).
 */
import 'reflect-metadata';
import {
  Broadcaster,
  Controller,
  FileResponse,
  HTTPNotFound,
  HTTPUnavailableForLegalReasons,
  Response,
  StreamResponse,
  WebSocket,
  WebSocketResponse,
  createApp,
  createLogger,
  html,
  json,
  RedisPubSub,
  render,
  setupTemplates,
  text,
} from './index.js';
import { checkKnownOptions } from './option-checks.js';

describe('checkKnownOptions', () => {
  test('names every unknown key and the known ones, with the code given', () => {
    expect(() => checkKnownOptions({ a: 1, hots: 2, prot: 3 }, ['a', 'host', 'port'], 'TCPSite')).toThrow(
      'WEFT_ERR_INVALID_OPTION: TCPSite: unknown options "hots", "prot" (known: a, host, port)',
    );
    expect(() => checkKnownOptions({ x: 1 }, ['y'], 'here', 'WEFT_ERR_WS_OPTIONS')).toThrow('WEFT_ERR_WS_OPTIONS: here: unknown option "x" (known: y)');
  });

  test('takes the known keys, an empty object and keys whose value is undefined', () => {
    expect(() => checkKnownOptions({ a: 1, b: undefined }, ['a', 'b'], 'here')).not.toThrow();
    expect(() => checkKnownOptions({}, [], 'here')).not.toThrow();
  });

  test.each([
    ['a string', 'hello', 'got "hello"'],
    ['null', null, 'got null'],
    ['an array', [1], 'got an array'],
  ])('refuses %s as the options object', (_label, value, got) => {
    expect(() => checkKnownOptions(value, ['status'], 'new Response()')).toThrow(`WEFT_ERR_INVALID_OPTION: new Response(): options must be an object (status), ${got}`);
  });
});

describe('every API that takes options refuses an unknown one', () => {
  test.each<[string, () => unknown, string]>([
    ['new Response()', () => new Response({ text: 'x', stauts: 201 } as never), 'WEFT_ERR_INVALID_OPTION: new Response(): unknown option "stauts" (known: status, reason, headers, body, text, contentType, charset)'],
    // the constructor's fast path (a string body with a known type) checks too
    ['new Response() with a body', () => new Response({ body: 'x', contentType: 'text/plain', stauts: 201 } as never), 'new Response(): unknown option "stauts"'],
    ['new Response(string)', () => new Response('hello' as never), 'WEFT_ERR_INVALID_OPTION: new Response(): options must be an object'],
    ['new StreamResponse()', () => new StreamResponse({ header: {} } as never), 'WEFT_ERR_INVALID_OPTION: new StreamResponse(): unknown option "header" (known: status, reason, headers)'],
    ['new FileResponse()', () => new FileResponse('/tmp/x', { maxage: 60 } as never), 'WEFT_ERR_INVALID_OPTION: new FileResponse(): unknown option "maxage" (known: status, reason, headers, maxAge, precompressed)'],
    ['json()', () => json({}, { stauts: 201 } as never), 'WEFT_ERR_INVALID_OPTION: json(): unknown option "stauts" (known: status, reason, headers, contentType)'],
    ['text()', () => text('x', { header: {} } as never), 'WEFT_ERR_INVALID_OPTION: text(): unknown option "header"'],
    ['html()', () => html('<p>', { contenttype: 'text/html' } as never), 'WEFT_ERR_INVALID_OPTION: html(): unknown option "contenttype"'],
    ['an HttpError', () => new HTTPNotFound({ txt: 'gone' } as never), 'WEFT_ERR_INVALID_OPTION: new HTTPNotFound(): unknown option "txt" (known: text, body, json, headers, reason, contentType, cause)'],
    ['HTTPUnavailableForLegalReasons', () => new HTTPUnavailableForLegalReasons({ links: 'https://x.example' } as never), 'new HTTPUnavailableForLegalReasons(): unknown option "links"'],
    ['new WebSocketResponse()', () => new WebSocketResponse({ heartbeet: 30_000 } as never), 'WEFT_ERR_WS_OPTIONS: websocket options: unknown option "heartbeet" (known: protocols, maxMsgSize, heartbeat, compress, highWaterMark, closeTimeout)'],
    ['new Broadcaster()', () => new Broadcaster({ maxQueueLength: 5 } as never), 'WEFT_ERR_WS_OPTIONS: new Broadcaster(): unknown option "maxQueueLength" (known: backend, maxQueue, maxQueueSize)'],
    // refused before any connection is made
    ['new RedisPubSub()', () => new RedisPubSub({ uri: 'redis://127.0.0.1:1' } as never), 'WEFT_ERR_REDIS_OPTIONS: new RedisPubSub(): unknown option "uri" (known: url, redis, logger)'],
    ['setupTemplates()', () => setupTemplates(createApp(), { directory: '/tmp', autoEscape: false } as never), 'WEFT_ERR_TEMPLATE: setupTemplates(): unknown option "autoEscape" (known: directory, autoescape, watch, filters, globals, contextProcessors)'],
    ['createLogger()', () => createLogger({ levle: 'debug' } as never), 'WEFT_ERR_INVALID_OPTION: createLogger(): unknown option "levle" (known: level, pretty)'],
    ['createLogger() pretty', () => createLogger({ pretty: 'false' } as never), 'WEFT_ERR_INVALID_OPTION: createLogger(): pretty must be a boolean, got "false"'],
  ])('%s', (_api, call, message) => {
    expect(call).toThrow(message);
  });

  // these take their options per call: a misspelt status rendered a 200, a misspelt code closed with 1000
  test.each<[string, () => Promise<unknown>, string]>([
    ['render()', () => render({} as never, 'home.njk', {}, { stauts: 201 } as never), 'WEFT_ERR_INVALID_OPTION: render(): unknown option "stauts" (known: status)'],
    ['ws.close()', () => new WebSocketResponse().close({ cod: 4000 } as never), 'WEFT_ERR_WS_OPTIONS: ws.close(): unknown option "cod" (known: code, message, timeout)'],
    ['broadcaster.subscribe()', () => new Broadcaster().subscribe('news', { maxqueue: 5 } as never), 'WEFT_ERR_WS_OPTIONS: broadcaster.subscribe(): unknown option "maxqueue" (known: maxQueue, maxQueueSize)'],
  ])('%s', async (_api, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });

  test('@WebSocket() names its websocket options among the known ones', async () => {
    @Controller()
    class Chat {
      @WebSocket('/ws', { heartbeet: 30_000 } as never)
      chat(): void {}
    }
    const app = createApp({ controllers: [Chat], logger: createLogger({ level: 'silent' }) });
    await expect(app.startup()).rejects.toThrow(
      'Chat.chat: unknown option "heartbeet" (known: name, middlewares, accept, predicates, expectHandler, clientMaxSize, atomic, serializer, protocols, maxMsgSize, heartbeat, compress, highWaterMark, closeTimeout)',
    );
  });

  test('a subclass of yours may take options of its own and pass them on: it is not checked', () => {
    class ServerSentEvents extends StreamResponse {
      readonly retry: number;
      constructor({ retry = 3000, ...init }: { retry?: number; status?: number }) {
        super({ ...init, retry } as never);
        this.retry = retry;
      }
    }
    expect(new ServerSentEvents({ retry: 500, status: 200 }).retry).toBe(500);
  });

  test('options with known keys still work', () => {
    expect(new Response({ body: 'x', contentType: 'text/plain', status: 201 }).status).toBe(201);
    expect(json({}, { status: 202 }).status).toBe(202);
    expect(new HTTPNotFound({ text: 'gone' }).text).toBe('gone');
    expect(new StreamResponse({ status: 206, headers: { 'x-a': '1' } }).status).toBe(206);
  });
});
