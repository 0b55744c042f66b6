/**
 * The client side of `TestClient.ws(path)`: a `ws` client with aiohttp's test-client
 * reading model (`receive()`, `receiveStr()`, `receiveJson()`), so a test reads messages in
 * order without wiring events.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { WebSocket as WsClient, type ClientOptions, type RawData } from 'ws';
import type { WebSocketMessage } from '../ws/websocket-message.js';
import { WeftError } from '../errors.js';

/** Options of `TestClient.ws()`. */
export interface TestWebSocketOptions {
  /** Subprotocols to offer, preferred first. */
  protocols?: string[];
  /** Extra request headers (e.g. `Authorization`, `Cookie`). */
  headers?: Record<string, string>;
  /** Answer pings automatically (true, as browsers); false to test heartbeat timeouts. */
  autoPong?: boolean;
  /** Offer permessage-deflate (false by default). */
  compress?: boolean;
  /** ms to wait for the handshake (default 5 000). */
  timeout?: number;
}

/**
 * The error of `TestClient.ws()` when the server answered the upgrade with an HTTP
 * response instead of 101 (a middleware refused it, 404, 400): status, headers and body.
 *
 * @example
 * ```ts
 * await expect(client.ws('/private')).rejects.toMatchObject({ status: 401, body: 'who are you?' });
 * ```
 */
export class WebSocketRefused extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super(`the server refused the websocket upgrade with ${status}: ${body}`);
    this.name = 'WebSocketRefused';
  }
}

/**
 * A connected test websocket. Messages are queued from the moment the handshake ends,
 * so none are lost between `await client.ws()` and the first `receive()`.
 *
 * @example
 * ```ts
 * const ws = await client.ws('/echo');
 * await ws.sendStr('hi');
 * expect(await ws.receiveStr()).toBe('hi');
 * await ws.close();
 * ```
 */
export class TestWebSocket {
  readonly #queue: WebSocketMessage[] = [];
  readonly #waiters: Array<(message: WebSocketMessage) => void> = [];
  #closeMessage: WebSocketMessage | null = null;
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    /** The underlying `ws` client, for what this class does not cover. */
    readonly raw: WsClient,
    /** The response headers of the 101. */
    readonly headers: IncomingHttpHeaders,
  ) {
    raw.on('message', (data: RawData, isBinary: boolean) =>
      this.#push(isBinary ? { type: 'binary', data: data as Buffer } : { type: 'text', data: (data as Buffer).toString('utf8') }),
    );
    raw.on('error', (err: Error) => this.#push({ type: 'error', data: err }));
    this.closed = new Promise((resolve) =>
      raw.once('close', (code: number, reason: Buffer) => {
        this.#push({ type: 'close', data: code, extra: reason.toString('utf8') });
        resolve({ code, reason: reason.toString('utf8') });
      }),
    );
  }

  /** The subprotocol the server chose, or null. */
  get protocol(): string | null {
    return this.raw.protocol === '' ? null : this.raw.protocol;
  }

  #push(message: WebSocketMessage): void {
    if (this.#closeMessage !== null) return;
    if (message.type === 'close') this.#closeMessage = message;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter(message);
    else this.#queue.push(message);
  }

  /**
   * The next message (a `close` message once closed, repeatedly); rejects with
   * `WEFT_ERR_WS_TIMEOUT` after `timeout` ms (default 5 000), as the server side's does.
   */
  receive(timeout = 5_000): Promise<WebSocketMessage> {
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#closeMessage !== null) return Promise.resolve(this.#closeMessage);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(deliver), 1);
        reject(new WeftError('WEFT_ERR_WS_TIMEOUT', `no websocket message within ${timeout} ms`));
      }, timeout);
      const deliver = (message: WebSocketMessage): void => {
        clearTimeout(timer);
        resolve(message);
      };
      this.#waiters.push(deliver);
    });
  }

  /** The next message, which must be text. */
  async receiveStr(timeout?: number): Promise<string> {
    const message = await this.receive(timeout);
    if (message.type !== 'text') throw new WeftError('WEFT_ERR_WS_MESSAGE_TYPE', `expected a text message, got ${describe(message)}`);
    return message.data;
  }

  /** The next message, which must be binary. */
  async receiveBytes(timeout?: number): Promise<Buffer> {
    const message = await this.receive(timeout);
    if (message.type !== 'binary') throw new WeftError('WEFT_ERR_WS_MESSAGE_TYPE', `expected a binary message, got ${describe(message)}`);
    return message.data;
  }

  /** The next message, a text message parsed as JSON. */
  async receiveJson<T = unknown>(timeout?: number): Promise<T> {
    return JSON.parse(await this.receiveStr(timeout)) as T;
  }

  /** Sends a text message. */
  sendStr(data: string): Promise<void> {
    return this.#send(data, false);
  }

  /** Sends a binary message. */
  sendBytes(data: Uint8Array): Promise<void> {
    return this.#send(data, true);
  }

  /** Sends JSON as a text message. */
  sendJson(data: unknown): Promise<void> {
    return this.#send(JSON.stringify(data), false);
  }

  #send(data: string | Uint8Array, binary: boolean): Promise<void> {
    return new Promise((resolve, reject) => this.raw.send(data, { binary }, (err) => (err ? reject(err) : resolve())));
  }

  /** Closes (1000 by default) and waits for the server's reply; gives the close code and reason. */
  close(code = 1000, reason = ''): Promise<{ code: number; reason: string }> {
    if (this.raw.readyState === WsClient.OPEN) this.raw.close(code, reason);
    return this.closed;
  }
}

function describe(message: WebSocketMessage): string {
  if (message.type === 'close') return `close ${message.data} ${JSON.stringify(message.extra)}`;
  if (message.type === 'error') return `error ${message.data.message}`;
  return message.type;
}

/**
 * Opens a `ws` client to any server (a child process, another site) and waits for the
 * handshake; an HTTP answer instead of the 101 rejects with {@link WebSocketRefused}.
 * `connection` is passed to the `ws` client (e.g. `createConnection`).
 *
 * @example
 * ```ts
 * const ws = await connectTestWebSocket('ws://127.0.0.1:8080/echo', { protocols: ['chat.v1'] });
 * ```
 */
export function connectTestWebSocket(url: string, options: TestWebSocketOptions = {}, connection: ClientOptions = {}): Promise<TestWebSocket> {
  const raw = new WsClient(url, options.protocols ?? [], {
    ...connection,
    headers: options.headers,
    autoPong: options.autoPong ?? true,
    perMessageDeflate: options.compress === true,
    handshakeTimeout: options.timeout ?? 5_000,
  });
  return new Promise((resolve, reject) => {
    let ws: TestWebSocket | undefined;
    // listening from the 101 on, so no message is missed; usable once ws accepted the handshake
    raw.once('upgrade', (res: IncomingMessage) => (ws = new TestWebSocket(raw, res.headers)));
    raw.once('open', () => resolve(ws!));
    raw.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        reject(new WebSocketRefused(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')));
        raw.terminate();
      });
    });
    raw.once('error', (err: Error) => reject(handshakeFailed(url, options, err)));
  });
}

/**
 * A failed handshake as a coded error. The `ws` client refuses a 101 that picks none of the
 * subprotocols it asked for (RFC 6455 allows either; browsers and aiohttp's client connect
 * with no protocol): say so, since the server's handler already runs.
 */
function handshakeFailed(url: string, options: TestWebSocketOptions, err: Error): WeftError {
  const hint =
    err.message === 'Server sent no subprotocol'
      ? `: the server chose none of ${JSON.stringify(options.protocols)} and the ws client refuses that (ask for none, or offer them in the server's WebSocketResponse({ protocols }))`
      : `: ${err.message}`;
  return new WeftError('WEFT_ERR_WS_HANDSHAKE', `the websocket handshake with ${url} failed${hint}`, { cause: err });
}
