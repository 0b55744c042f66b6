import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
// node's own timers, not the globals jest.useFakeTimers() replaces: a timeout is real time
import { clearTimeout, setTimeout } from 'node:timers';
import { type Application } from '../app/application.js';
import { type OverrideProvider } from '../app/app-registrations.js';
import { createHttpServer } from '../server/http-server.js';
import { createRequestListener } from '../pipeline/handle-request.js';
import type { Request } from '../http/request.js';
import { isUpgrade } from '../http/upgraded-body.js';
import { AppRunner, type AppRunnerOptions } from '../server/app-runner.js';
import { TCPSite } from '../server/tcp-site.js';
import { WeftError } from '../errors.js';
import { InjectSite } from './inject-site.js';
import { checkKnownOptions, isOptionsObject, shownValue } from '../option-checks.js';
import { CookieJar } from './cookie-jar.js';
import { duplexPair } from './duplex-pair.js';
import { closeWebSockets } from '../ws/open-websockets.js';
import { connectTestWebSocket, type TestWebSocket, type TestWebSocketOptions } from './test-websocket.js';

/** Options of {@link TestClient}. */
export interface TestClientOptions {
  /**
   * `socket` (default): a real server on 127.0.0.1 and a random port, requests over
   * loopback. `inject`: no socket at all: each request goes over an in-memory stream pair
   * into a server that never listens, with node's real HTTP parsing on both sides.
   */
  transport?: 'socket' | 'inject';
  /**
   * Serve through an {@link AppRunner} with these options, as `runApp` does, instead of
   * `app.callback()`: in-flight tracking, `handlerCancellation` (a client that leaves aborts
   * `request.signal`), the access log (off unless `accessLog` is given), connection limits,
   * and a graceful `close()` that lets requests in flight finish within `shutdownTimeout`
   * (default here 5 s) before it cancels them. Without it, `close()` cuts open connections.
   */
  runner?: AppRunnerOptions;
  /**
   * Milliseconds a request may take, to its response's last byte, before it rejects with
   * `WEFT_ERR_TEST_TIMEOUT` naming it (default: no limit); a request's own `timeout` wins.
   */
  timeout?: number;
}

/** A request made by the {@link TestClient}. */
export interface TestRequestOptions {
  headers?: Record<string, string | string[]>;
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is (`text/plain; charset=utf-8` for a string unless a content type is given). */
  body?: string | Uint8Array;
  /** Sent urlencoded. */
  form?: Record<string, string | string[]>;
  /** Query parameters appended to the path. */
  query?: Record<string, string | number | Array<string | number>>;
  /** Milliseconds until the request rejects with `WEFT_ERR_TEST_TIMEOUT` (default: the client's `timeout`). */
  timeout?: number;
}

/** A response as the {@link TestClient} gives it: fully read. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /**
   * The body parsed as JSON; a body that is not JSON throws a `SyntaxError` showing the
   * status, the content type and the start of the body.
   */
  json<T = unknown>(): T;
}

/**
 * Runs an application for tests: its whole lifecycle (startup on `start()`, shutdown and
 * cleanup on `close()`), and requests over a real loopback socket or injected in-process.
 *
 * @example
 * ```ts
 * const client = new TestClient(createApp({ controllers: [UsersController] }));
 * client.override(UsersService, { provide: UsersService, useValue: fakeUsers });
 * await client.start();
 * const res = await client.get('/users/42');
 * expect(res.status).toBe(200);
 * expect(res.json()).toEqual({ id: '42' });
 * await client.close();
 *
 * // served through an AppRunner, as runApp serves it: disconnects abort request.signal
 * const served = await new TestClient(app, { runner: { handlerCancellation: true } }).start();
 * ```
 */
export class TestClient {
  readonly #transport: 'socket' | 'inject';
  /** The AppRunner options with the client's defaults, or undefined to serve with `app.callback()`. */
  readonly #runnerOptions: AppRunnerOptions | undefined;
  readonly #timeout: number | undefined;
  #runner: AppRunner | undefined;
  #server: Server | undefined;
  #started = false;
  /** The first `start()`: later calls get it again, and `close()` waits for it. */
  #starting: Promise<this> | undefined;
  /** A `close()` in progress: a second call gets the same promise. */
  #closing: Promise<void> | undefined;
  /** Whether `close()` was called: the server is gone for good. */
  #closed = false;

  /** @throws WeftError `WEFT_ERR_INVALID_OPTION` for an unknown transport or option. */
  constructor(
    readonly app: Application,
    options: TestClientOptions = {},
  ) {
    if (!isOptionsObject(options)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `TestClient options must be an object, got ${shownValue(options)}`);
    checkKnownOptions(options, ['transport', 'runner', 'timeout'], 'new TestClient()');
    const { transport = 'socket', runner, timeout } = options;
    this.#timeout = checkTimeout(timeout);
    if (transport !== 'socket' && transport !== 'inject') throw new WeftError('WEFT_ERR_INVALID_OPTION', `transport must be 'socket' or 'inject', got ${String(transport)}`);
    this.#transport = transport;
    this.#runnerOptions = runner === undefined ? undefined : runnerOptions(runner);
    // the runner's options are checked now, where they were written
    if (this.#runnerOptions !== undefined) new AppRunner(app, this.#runnerOptions);
  }

  /**
   * Replaces a provider before `start()` (the app's container is built then): see
   * `app.override()`. Strings and symbols are refused: rebind them in their fallback container.
   *
   * @example
   * ```ts
   * client.override(NotesStore, { useValue: fakeStore });
   * ```
   */
  override(token: unknown, provider: OverrideProvider): this {
    this.app.override(token, provider);
    return this;
  }

  /**
   * Starts the app (compile and startup hooks) and, for the socket transport, the server.
   * A second call gets the first one's promise (as aiohttp's `start_server()`, it starts once).
   * @throws WeftError `WEFT_ERR_TEST_CLIENT_CLOSED` (a rejection) after `close()`: its app's resources are gone.
   */
  start(): Promise<this> {
    if (this.#closed) {
      return Promise.reject(new WeftError('WEFT_ERR_TEST_CLIENT_CLOSED', 'TestClient.start() after close(): a closed client does not start again; make a new TestClient (with a new app)'));
    }
    // a second start() used to start the app again: it failed, and a close() then waited for
    // that failure, not for the first start, whose server went on listening
    this.#starting ??= this.#runnerOptions === undefined ? this.#startPlain() : this.#startRunner(this.#runnerOptions);
    return this.#starting;
  }

  async #startPlain(): Promise<this> {
    await this.app.startup();
    this.#started = true;
    // the app's listener with a count of its websocket requests, so close() can let their
    // handlers finish (and their request scopes be disposed) before the app's cleanup
    this.#server = createHttpServer(
      createRequestListener(this.app.compiled!, {
        onRequest: (request) => {
          if (isUpgrade(request.raw)) this.#websocketRequests.add(request);
        },
        onHandled: (request) => {
          if (this.#websocketRequests.delete(request) && this.#websocketRequests.size === 0) this.#websocketsDone?.();
        },
      }),
    );
    if (this.#transport === 'socket') {
      await new Promise<void>((resolve, reject) => {
        this.#server!.once('error', reject);
        this.#server!.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return this;
  }

  async #startRunner(options: AppRunnerOptions): Promise<this> {
    const runner = new AppRunner(this.app, options);
    await runner.setup();
    this.#runner = runner;
    this.#started = true;
    try {
      const site = await runner.addSite(this.#transport === 'socket' ? new TCPSite(runner, { host: '127.0.0.1', port: 0 }) : new InjectSite(runner));
      this.#server = site.server as Server;
    } catch (err) {
      await this.#closeRunner(runner).catch(() => {});
      throw err;
    }
    return this;
  }

  /**
   * The app's server (listening on loopback with the socket transport), e.g. for supertest:
   * `request(client.server)`. It exists from `start()` to `close()`.
   *
   * @throws WeftError `WEFT_ERR_NOT_STARTED` before `start()` resolved, `WEFT_ERR_TEST_CLIENT_CLOSED` once `close()` was called.
   * @example
   * ```ts
   * const client = await new TestClient(app).start();
   * await request(client.server).get('/health').expect(200);
   * ```
   */
  get server(): Server {
    if (this.#server !== undefined) return this.#server;
    if (this.#closed) {
      throw new WeftError('WEFT_ERR_TEST_CLIENT_CLOSED', 'TestClient.server is gone: close() stopped it; a closed client does not start again, make a new TestClient (with a new app) for more requests');
    }
    throw new WeftError('WEFT_ERR_NOT_STARTED', 'TestClient.server exists once `await client.start()` resolved');
  }

  /** `http://127.0.0.1:<port>` of the socket transport. */
  get baseUrl(): string {
    if (this.#transport === 'inject') throw new WeftError('WEFT_ERR_INVALID_OPTION', "TestClient.baseUrl exists for the socket transport only: transport: 'inject' has no port");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('GET', path, options);
  }

  head(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('HEAD', path, options);
  }

  post(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('POST', path, options);
  }

  put(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PUT', path, options);
  }

  patch(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('PATCH', path, options);
  }

  delete(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request('DELETE', path, options);
  }

  /**
   * Any method; `path` is sent exactly as given (no normalisation; non-ASCII characters
   * percent-encoded as UTF-8), plus `query`.
   * @throws WeftError (a rejection) `WEFT_ERR_NOT_STARTED` before `start()` resolved, `WEFT_ERR_TEST_CLIENT_CLOSED` after `close()`,
   *   `WEFT_ERR_INVALID_OPTION` for a bad option, `WEFT_ERR_TEST_TIMEOUT` past the timeout.
   */
  async request(method: string, path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    if (!this.#started) throw this.#notServing(`${method} ${path}`, 'making requests');
    checkRequestOptions(options);
    const { headers, payload } = encodeBody(options);
    const sent = encodeNonAscii(path);
    this.#addCookies(headers, sent);
    const target = options.query === undefined ? sent : `${sent}${sent.includes('?') ? '&' : '?'}${encodeQuery(options.query)}`;
    const server = this.server;
    const connection = this.#transport === 'socket' ? { host: '127.0.0.1', port: (server.address() as AddressInfo).port } : { createConnection: this.#inject };
    const timeout = options.timeout === undefined ? this.#timeout : checkTimeout(options.timeout);
    return new Promise<TestResponse>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = <A extends unknown[]>(settle: (...args: A) => void) => (...args: A): void => {
        clearTimeout(timer);
        settle(...args);
      };
      const req = httpRequest({ ...connection, method, path: target, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on(
          'end',
          done(() => {
            this.cookies.store(res.headers['set-cookie'], sent);
            resolve(testResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)));
          }),
        );
        res.on('error', done(reject));
      });
      req.on('error', done(reject));
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          reject(new WeftError('WEFT_ERR_TEST_TIMEOUT', `${method} ${target}: no complete response within ${timeout} ms`));
          req.destroy();
        }, timeout);
      }
      req.end(payload);
    });
  }

  /**
   * Opens a websocket to `path` and waits for the handshake, over either transport.
   * An HTTP answer instead of the 101 rejects with {@link WebSocketRefused} (status, body).
   *
   * @example
   * ```ts
   * const ws = await client.ws('/echo', { protocols: ['chat.v1'] });
   * await ws.sendJson({ hello: 1 });
   * expect(await ws.receiveJson()).toEqual({ hello: 1 });
   * ```
   */
  ws(path: string, options: TestWebSocketOptions = {}): Promise<TestWebSocket> {
    if (!this.#started) return Promise.reject(this.#notServing(`websocket ${path}`, 'opening websockets'));
    try {
      checkKnownOptions(options, ['protocols', 'headers', 'autoPong', 'compress', 'timeout'], 'client.ws()');
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const headers: Record<string, string> = { ...options.headers };
    // the ws client encodes a path's non-ASCII characters itself: its cookies match that path
    this.#addCookies(headers, encodeNonAscii(path));
    options = { ...options, headers };
    if (this.#transport === 'inject') return connectTestWebSocket(`ws://localhost${path}`, options, { createConnection: this.#inject });
    return connectTestWebSocket(`ws://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`, options);
  }

  /** Why `what` cannot go out: the client is not started yet, or was closed. */
  #notServing(what: string, doing: string): WeftError {
    if (this.#closed) return new WeftError('WEFT_ERR_TEST_CLIENT_CLOSED', `${what} after close(): a closed client does not start again; make a new TestClient (with a new app)`);
    return new WeftError('WEFT_ERR_NOT_STARTED', `${what}: call await client.start() before ${doing}`);
  }

  /**
   * The cookies responses set, sent with later requests whose path they match (aiohttp's
   * test client keeps them too); a request giving its own `Cookie` header sends only that.
   *
   * @example
   * ```ts
   * await client.post('/login', { json: credentials }); // Set-Cookie: sid=...
   * expect(client.cookies.get('sid')).toBeDefined();
   * await client.get('/account');                        // sent with Cookie: sid=...
   * client.cookies.clear();
   * ```
   */
  readonly cookies = new CookieJar();

  #addCookies(headers: Record<string, string> | Record<string, string | string[]>, path: string): void {
    if (Object.keys(headers).some((name) => name.toLowerCase() === 'cookie')) return;
    const cookie = this.cookies.header(path);
    if (cookie !== undefined) headers.cookie = cookie;
  }

  /** The inject transport's connection: one end of an in-memory pair, the other handed to the server. */
  readonly #inject = (): Socket => {
    const [client, serverSide] = duplexPair();
    // kept until closed, so close() can end them as closeAllConnections() ends sockets
    this.#injected.add(serverSide);
    serverSide.once('close', () => this.#injected.delete(serverSide));
    this.server.emit('connection', serverSide);
    return client as Socket;
  };

  /** The server ends of the inject transport's open connections. */
  readonly #injected = new Set<import('node:stream').Duplex>();
  /** Websocket requests whose handler has not finished (without a runner; a runner tracks its own). */
  readonly #websocketRequests = new Set<Request>();
  #websocketsDone: (() => void) | undefined;

  /**
   * Stops the server (open connections are closed), runs the app's shutdown, closes the
   * websockets still open with 1001 (as a runner's graceful shutdown does), then cleanup.
   */
  close(): Promise<void> {
    // a second call while the first runs gets the same promise; after it, a no-op
    if (this.#closing === undefined) {
      const closing = this.#close();
      this.#closing = closing;
      const forget = (): void => {
        if (this.#closing === closing) this.#closing = undefined;
      };
      closing.then(forget, forget);
    }
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    // a close() during start() (a test's afterAll after its beforeAll timed out) stops what it started
    if (this.#starting !== undefined) await this.#starting.catch(() => undefined);
    if (this.#runner !== undefined) return this.#closeRunner(this.#runner);
    const server = this.#server;
    this.#server = undefined;
    let stopped = Promise.resolve();
    if (server?.listening === true) {
      stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    }
    // the inject transport's connections: a request still waiting rejects, as over a socket;
    // websockets stay until they are closed with 1001 below, as upgraded sockets do
    const websockets = new Set([...this.#websocketRequests].map((request) => request.raw.socket as unknown));
    for (const connection of this.#injected) if (!websockets.has(connection)) connection.destroy();
    if (!this.#started) return stopped;
    this.#started = false;
    // every step runs even when one fails (as a runner's shutdown): the first error is thrown
    const errors: unknown[] = [];
    await this.app.shutdown().catch((err: unknown) => void errors.push(err));
    await closeWebSockets(this.app).catch((err: unknown) => void errors.push(err));
    await this.#websocketHandlersDone(WEBSOCKET_HANDLERS_WAIT_MS);
    for (const connection of this.#injected) connection.destroy();
    this.#injected.clear();
    await stopped;
    await this.app.cleanup().catch((err: unknown) => void errors.push(err));
    if (errors.length > 0) throw errors[0];
  }

  /** Resolves once every websocket request was handled (its handler returned, its scope disposed), or after `ms`. */
  #websocketHandlersDone(ms: number): Promise<void> {
    if (this.#websocketRequests.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#websocketsDone = done;
    }).finally(() => (this.#websocketsDone = undefined));
  }

  /** close() of a runner-backed client: the runner's graceful stop, then what is left of the inject connections. */
  async #closeRunner(runner: AppRunner): Promise<void> {
    this.#runner = undefined;
    this.#started = false;
    try {
      await runner.cleanup();
    } finally {
      this.#server = undefined;
      for (const connection of this.#injected) connection.destroy();
      this.#injected.clear();
    }
  }
}

/**
 * The runner options of a TestClient: the user's, over the client's defaults (shutdownTimeout
 * 5 s; no access log unless `accessLog` or `accessLogFormat` is given). An option given as
 * `undefined` leaves the default in place.
 */
function runnerOptions(given: unknown): AppRunnerOptions {
  if (!isOptionsObject(given)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `runner must be an object of AppRunner options, got ${shownValue(given)}`);
  const options = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as AppRunnerOptions;
  const defaults: AppRunnerOptions = { shutdownTimeout: 5_000 };
  if (options.accessLogFormat === undefined) defaults.accessLog = null;
  return { ...defaults, ...options };
}

const REQUEST_OPTIONS = ['headers', 'json', 'body', 'form', 'query', 'timeout'];
/** The request options that give a body: one at most. */
const BODY_OPTIONS = ['json', 'form', 'body'];

function checkRequestOptions(options: unknown): void {
  if (!isOptionsObject(options)) throw new WeftError('WEFT_ERR_INVALID_OPTION', `request options must be an object, got ${shownValue(options)}`);
  checkKnownOptions(options, REQUEST_OPTIONS, 'a TestClient request');
  const bodies = BODY_OPTIONS.filter((key) => (options as Record<string, unknown>)[key] !== undefined);
  if (bodies.length > 1) throw new WeftError('WEFT_ERR_INVALID_OPTION', `a request has one body: give one of ${bodies.join(', ')}`);
}

/** How long close() waits for websocket handlers to return once their websockets were closed. */
const WEBSOCKET_HANDLERS_WAIT_MS = 5_000;

/** A request timeout in ms: a positive number, or undefined for none. */
function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined) return undefined;
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2_147_483_647)) {
    throw new WeftError('WEFT_ERR_INVALID_OPTION', `timeout must be a number of ms from 1 to 2147483647, got ${String(timeout)}`);
  }
  return timeout;
}

function encodeBody(options: TestRequestOptions): { headers: Record<string, string | string[]>; payload: Buffer | undefined } {
  const headers: Record<string, string | string[]> = { ...options.headers };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  let payload: Buffer | undefined;
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json));
    if (!has('content-type')) headers['content-type'] = 'application/json';
  } else if (options.form !== undefined) {
    payload = Buffer.from(encodeQuery(options.form));
    if (!has('content-type')) headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    payload = Buffer.from(options.body);
    if (!has('content-type') && typeof options.body === 'string') headers['content-type'] = 'text/plain; charset=utf-8';
  }
  if (payload !== undefined && !has('content-length') && !has('transfer-encoding')) headers['content-length'] = String(payload.length);
  return { headers, payload };
}

/**
 * The path with its non-ASCII characters percent-encoded as UTF-8, as browsers, aiohttp's
 * client and supertest send them; the rest stays as written (`%2e`, `//`, bad escapes).
 * node sent U+0080-U+00FF as single Latin-1 bytes (a 400) and threw for the others.
 */
function encodeNonAscii(path: string): string {
  return path.replace(/[\u0080-\uffff]+/g, encodeURIComponent);
}

function encodeQuery(query: Record<string, string | number | Array<string | number>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  return params.toString();
}

function testResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): TestResponse {
  const text = body.toString('utf8');
  return { status, headers, body, text, json: <T>() => parseJsonBody(text, status, headers) as T };
}

/** JSON.parse, with a message that shows what came instead of JSON (an error page, say). */
function parseJsonBody(text: string, status: number, headers: IncomingHttpHeaders): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text;
    const type = headers['content-type'] ?? 'none';
    throw new SyntaxError(`the response body is not JSON (${(err as Error).message}); status ${status}, content-type ${type}, body ${JSON.stringify(shown)}`, { cause: err });
  }
}
