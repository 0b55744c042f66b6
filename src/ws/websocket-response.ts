/**
 * `WebSocketResponse`: aiohttp's websocket response, on the `ws` package. The handshake
 * and framing are `ws`'s; weft adds the request path (middlewares, `onResponsePrepare`
 * before the 101), aiohttp's message model and single-reader rule, heartbeat, send
 * backpressure and shutdown tracking.
 */
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket as WsSocket } from 'ws';
import type { WebSocketRouteOptions } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { HTTPBadRequest } from '../http/http-errors.js';
import type { Request } from '../http/request.js';
import { StreamResponse } from '../http/stream-response.js';
import { logSafely } from '../logging/logger.js';
import { checkKnownOptions } from '../option-checks.js';
import { Heartbeat } from './heartbeat.js';
import { MessageInbox } from './message-inbox.js';
import { trackWebSocket } from './open-websockets.js';
import { upgradeOf } from './upgrade.js';
import { type WebSocketMessage } from './websocket-message.js';
import { checkTimerMs, checkWebSocketOptions, closeFailure, isSendableClose, type ResolvedWebSocketOptions } from './websocket-options.js';

const IDLE = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** ws's `WebSocket.OPEN` readyState. */
const OPEN_STATE = 1;

/** What a send under the high-water mark returns: already settled, so nothing is allocated. */
const SENT: Promise<void> = Promise.resolve();
const TEXT = Object.freeze({ binary: false });
const BINARY = Object.freeze({ binary: true });

/** The websocket of each upgraded request, for the request path's error handling. */
const byRequest = new WeakMap<object, WebSocketResponse>();

/**
 * A websocket, in aiohttp's form: create it in a handler, `await ws.prepare(request)` to
 * complete the handshake, read with `for await` or `receive()` (one reader at a time),
 * send from anywhere, and return it. Returning closes it (1000) if it is still open, then
 * the request scope is disposed: one scope lives for the whole connection.
 *
 * Sending waits while more than `highWaterMark` bytes (1 MiB) are buffered for a slow
 * peer, so a loop of `await ws.sendStr()` never holds more than that in memory.
 *
 * @example
 * ```ts
 * app.router.add('GET', '/echo', async (request) => {
 *   const ws = new WebSocketResponse({ heartbeat: 30_000 });
 *   await ws.prepare(request);
 *   for await (const msg of ws) {
 *     if (msg.type === 'text') await ws.sendStr(msg.data);
 *     else if (msg.type === 'binary') await ws.sendBytes(msg.data);
 *   }
 *   return ws;
 * });
 * ```
 */
export class WebSocketResponse extends StreamResponse implements AsyncIterable<WebSocketMessage> {
  readonly #options: ResolvedWebSocketOptions;
  #state = IDLE;
  #preparing: Promise<void> | null = null;
  #ws: WsSocket | null = null;
  #socket: Socket | null = null;
  #sealed = false;
  readonly #inbox: MessageInbox;
  #closeCode: number | null = null;
  #closing: Promise<void> | null = null;
  #onClosed: () => void = () => undefined;
  #heartbeat: Heartbeat | null = null;
  // The last text message received, and its bytes: sending that very string again (an echo,
  // a relay) reuses the bytes instead of encoding it once more. One-shot, so a connection
  // keeps at most one received frame's bytes alive.
  #lastText: string | null = null;
  #lastTextBytes: Buffer | null = null;

  /** @throws WeftError `WEFT_ERR_WS_OPTIONS` for an invalid option. */
  constructor(options: WebSocketRouteOptions = {}) {
    super({ status: 101 });
    this.#options = checkWebSocketOptions(options);
    this.#inbox = new MessageInbox(
      {
        // a backlog pauses reading while open; once read down, reading resumes, also while
        // closing (the peer's close frame must get through)
        // while paused the peer's pongs are not read either: the heartbeat waits for none
        pause: () => {
          if (this.#state !== OPEN) return;
          this.#ws!.pause();
          this.#heartbeat?.hold();
        },
        resume: () => {
          if (this.#state === CLOSED) return;
          this.#ws!.resume();
          this.#heartbeat?.release();
        },
      },
      // unread messages are held back by size as sends are: highWaterMark
      this.#options.highWaterMark,
    );
  }

  /** @internal the handshake's 101 is this response's status; final statuses as any response's. */
  protected override checkedStatus(status: number): number {
    return status === 101 ? status : super.checkedStatus(status);
  }

  /** Whether the handshake is done (the 101 went out). */
  override get prepared(): boolean {
    return this.#ws !== null;
  }

  /** Whether `close()` started or the connection is closed (aiohttp's `closed`). */
  get closed(): boolean {
    return this.#state >= CLOSING;
  }

  /** The close code: the peer's, or the one sent by `close()`; 1006 when the connection dropped; null while open. */
  get closeCode(): number | null {
    return this.#closeCode;
  }

  /** The subprotocol agreed with the client, or null. */
  get protocol(): string | null {
    return this.#ws === null || this.#ws.protocol === '' ? null : this.#ws.protocol;
  }

  /** Resolves once the connection is closed (whoever closed it). */
  waitClosed(): Promise<void> {
    return this.#closing ?? Promise.reject(notPrepared('waitClosed()'));
  }

  /**
   * Runs the app's `onResponsePrepare` handlers (they see status 101 and may add headers),
   * then completes the handshake. A request that is not a websocket upgrade raises
   * `HTTPBadRequest` (400); so does a handshake `ws` rejects (bad key or version).
   */
  override prepare(request: Request): Promise<void> {
    return (this.#preparing ??= this.#handshake(request));
  }

  async #handshake(request: Request): Promise<void> {
    const upgrade = upgradeOf(request);
    if (upgrade === undefined) {
      throw new HTTPBadRequest({ text: '400: Bad Request: this resource is a websocket; send a GET with Upgrade: websocket' });
    }
    if (request.prepareHook !== null) await request.prepareHook(request, this);
    this.#sealed = true;
    // a header set from here on would never be sent: refused where it is set
    this.headers.seal();
    await this.#accept(request, upgrade.socket, upgrade.head);
  }

  /**
   * Takes over the accepted websocket. Runs in ws's `handleUpgrade` callback, before any
   * bytes that came with the handshake are parsed (ws queues them on the socket at once):
   * attached any later, a frame sent with the handshake would be lost, and a malformed one
   * would be an 'error' with no listener, which ends the process.
   */
  #open(request: Request, ws: WsSocket, socket: Socket): void {
    this.#ws = ws;
    this.#socket = socket;
    this.#state = OPEN;
    byRequest.set(request.raw, this);
    const forget = trackWebSocket(request.app, this);
    const closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.#heartbeat?.alive();
      // binaryType is 'nodebuffer': data is one Buffer, fragments joined; toString() without
      // arguments is Buffer's UTF-8 fast path (ws has checked the bytes are valid UTF-8)
      if (isBinary) {
        this.#inbox.push({ type: 'binary', data: data as Buffer });
        return;
      }
      const text = (data as Buffer).toString();
      this.#lastText = text;
      this.#lastTextBytes = data as Buffer;
      this.#inbox.push({ type: 'text', data: text });
    });
    ws.on('pong', () => this.#heartbeat?.alive());
    ws.on('error', (err: Error & { code?: string }) => {
      // the code ws closes with for the peer's protocol error is the one we sent
      const code = protocolErrorCode(err.code);
      if (code !== undefined) this.#closeCode ??= code;
      this.#inbox.push({ type: 'error', data: err });
    });
    ws.once('close', (code: number, reason: Buffer) => {
      this.#heartbeat?.stop();
      forget();
      this.#state = CLOSED;
      this.#closeCode ??= code;
      this.#inbox.push({ type: 'close', data: this.#closeCode, extra: reason.toString('utf8') });
      this.#onClosed();
    });
    this.#closing = closed;
    if (this.#options.heartbeat > 0) this.#heartbeat = new Heartbeat(ws, this.#options.heartbeat, (ms) => this.#heartbeatMissed(ms));
  }

  #accept(request: Request, socket: Socket, head: Buffer): Promise<void> {
    const { protocols, maxMsgSize, compress, closeTimeout } = this.#options;
    const server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: maxMsgSize,
      perMessageDeflate: compress,
      // aiohttp agrees on no subprotocol unless the server lists it (ws would take the client's first)
      handleProtocols: (offered: Set<string>) => protocols.find((p) => offered.has(p)) ?? false,
      // after the peer's close frame, ws waits this long for the peer to close its connection
      // (30 s of its own otherwise, the handler's loop and request scope with it); not in @types/ws 8.18
      closeTimeout,
    } as ServerOptions);
    server.on('headers', (lines: string[]) => {
      const pairs = this.headers.rawPairs();
      for (let i = 0; i < pairs.length; i += 2) lines.push(`${pairs[i]}: ${pairs[i + 1]}`);
    });
    return new Promise((resolve, reject) => {
      // with a listener, ws leaves the refusal to us: it goes through the request path as a 400
      server.once('wsClientError', (err: Error) => {
        // RFC 6455 4.4: a refused version is answered with the versions the server speaks
        const headers = /Sec-WebSocket-Version/i.test(err.message) ? { 'Sec-WebSocket-Version': '13, 8' } : undefined;
        reject(new HTTPBadRequest({ text: `400: Bad Request: websocket handshake refused: ${err.message}`, headers }));
      });
      server.handleUpgrade(request.raw, socket, head, (ws) => {
        this.#open(request, ws, socket);
        resolve();
      });
    });
  }

  /**
   * The next message: `text`, `binary`, `error` (then the connection closes) or `close`
   * (repeated on every later call). Only one `receive()` may wait at a time: a second
   * concurrent one rejects with `WEFT_ERR_WS_CONCURRENT_RECEIVE` (aiohttp's rule). With
   * `timeout` (ms; aiohttp's `receive(timeout=...)`), rejects with `WEFT_ERR_WS_TIMEOUT`
   * when no message came in time; the websocket stays open and can be read again.
   */
  receive(timeout?: number): Promise<WebSocketMessage> {
    if (this.#ws === null) return Promise.reject(notPrepared('receive()'));
    if (timeout !== undefined) {
      try {
        checkTimerMs('receive() timeout', timeout);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return this.#inbox.receive('receive()', timeout);
  }

  /** The next message, which must be text (aiohttp's `receive_str`); else `WEFT_ERR_WS_MESSAGE_TYPE`. */
  async receiveStr(timeout?: number): Promise<string> {
    const message = await this.receive(timeout);
    if (message.type !== 'text') throw wrongType('text', message);
    return message.data;
  }

  /** The next message, which must be binary (aiohttp's `receive_bytes`). */
  async receiveBytes(timeout?: number): Promise<Buffer> {
    const message = await this.receive(timeout);
    if (message.type !== 'binary') throw wrongType('binary', message);
    return message.data;
  }

  /** The next message, text parsed with `loads` (JSON by default; a parse error is thrown as is). */
  async receiveJson<T = unknown>(loads: (text: string) => unknown = JSON.parse, timeout?: number): Promise<T> {
    return loads(await this.receiveStr(timeout)) as T;
  }

  /**
   * Text, binary and error messages until the connection closes (the close message ends
   * the loop). Leaving the loop early (`break`) ends that iterator only; the websocket
   * stays open and a later `receive()` or `for await` reads on.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<WebSocketMessage> {
    // written by hand: an async generator costs a second promise and two extra awaits per message
    let finished = false;
    const iterator: AsyncIterableIterator<WebSocketMessage> = {
      next: () => {
        if (finished) return MessageInbox.done();
        return this.#ws === null ? Promise.reject(notPrepared('for await')) : this.#inbox.next('for await');
      },
      return: () => {
        finished = true;
        return MessageInbox.done();
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Sends a text message; waits while the send buffer is over `highWaterMark`. */
  sendStr(data: string): Promise<void> {
    return this.#send(data, false);
  }

  /** Sends a binary message; waits while the send buffer is over `highWaterMark`. */
  sendBytes(data: Uint8Array): Promise<void> {
    return this.#send(data, true);
  }

  /** Sends `dumps(data)` (JSON by default) as a text message. */
  sendJson(data: unknown, dumps: (value: unknown) => string = JSON.stringify): Promise<void> {
    let text: unknown;
    try {
      text = dumps(data);
    } catch (err) {
      // a BigInt, a cycle: a rejection like any failed send, so `sendJson(x).catch(...)` catches it
      return Promise.reject(err);
    }
    if (typeof text !== 'string') {
      return Promise.reject(new WeftError('WEFT_ERR_INVALID_BODY', `sendJson: ${typeof data} cannot be sent as JSON (the serialiser gave ${typeof text})`));
    }
    return this.#send(text, false);
  }

  // hot path
  #send(data: string | Uint8Array, binary: boolean): Promise<void> {
    const ws = this.#ws;
    if (ws === null) return Promise.reject(notPrepared('send'));
    if (this.#state !== OPEN) return Promise.reject(new WeftError('WEFT_ERR_WS_CLOSED', `cannot send: the websocket is ${this.#state === CLOSING ? 'closing' : 'closed'}`));
    // the peer's close frame arrived (ws answered it) before its connection closed: ws would drop the data
    if (ws.readyState !== OPEN_STATE) return Promise.reject(new WeftError('WEFT_ERR_WS_CLOSED', 'cannot send: the peer closed the websocket'));
    // ws writes a string payload as is, which sends the whole frame down node's slow mixed-chunk
    // writev path; encoding it here (into Buffer's pool) keeps the write on the all-buffers path
    let payload: Uint8Array;
    if (typeof data !== 'string') payload = data;
    else if (data === this.#lastText) {
      payload = this.#lastTextBytes!;
      this.#lastText = this.#lastTextBytes = null;
    } else payload = Buffer.from(data);
    ws.send(payload, binary ? BINARY : TEXT);
    // no waiting (and no new promise) while the buffer is under the high-water mark
    if (ws.bufferedAmount <= this.#options.highWaterMark) return SENT;
    return this.#drain();
  }

  async #drain(): Promise<void> {
    const ws = this.#ws!;
    const socket = this.#socket!;
    while (this.#state === OPEN && ws.bufferedAmount > this.#options.highWaterMark) {
      // the frames wait either in the socket (drain tells) or in ws's deflate queue (next turn)
      if (socket.writableNeedDrain) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), this.#closing]);
      else await new Promise((resolve) => setImmediate(resolve));
    }
    // the connection dropped while the message waited: it cannot be known to have gone out
    // (a destroyed socket drops its buffer at once, before ws reports the close)
    if (this.#state === CLOSED || socket.destroyed) throw new WeftError('WEFT_ERR_WS_CLOSED', 'the websocket closed while the message waited to be sent');
  }

  /** Sends a ping (aiohttp's `ping`); the peer's pong also counts as alive for the heartbeat. */
  ping(data?: string | Uint8Array): void {
    if (this.#ws === null) throw notPrepared('ping()');
    if (this.#state !== OPEN) throw new WeftError('WEFT_ERR_WS_CLOSED', `cannot ping: the websocket is ${this.#state === CLOSING ? 'closing' : 'closed'}`);
    this.#ws.ping(data);
  }

  /** Sends an unsolicited pong. */
  pong(data?: string | Uint8Array): void {
    if (this.#ws === null) throw notPrepared('pong()');
    if (this.#state === OPEN) this.#ws.pong(data);
  }

  /**
   * Starts the closing handshake (1000 by default) and waits for it (at most `closeTimeout`,
   * or `timeout` ms when shorter, then the connection is dropped). Resolves false when the
   * websocket was already closing.
   * @throws WeftError `WEFT_ERR_WS_OPTIONS` for a code a server may not send, a message over 123 bytes or an unknown option.
   */
  async close(options: { code?: number; message?: string; timeout?: number } = {}): Promise<boolean> {
    checkKnownOptions(options, ['code', 'message', 'timeout'], 'ws.close()', 'WEFT_ERR_WS_OPTIONS');
    const { code = 1000, message = '', timeout = this.#options.closeTimeout } = options;
    if (this.#ws === null) throw notPrepared('close()');
    if (this.#state !== OPEN) {
      await this.#closing;
      return false;
    }
    if (!isSendableClose(code, message)) throw closeFailure(code, message);
    try {
      this.#ws.close(code, message);
    } catch (err) {
      throw closeFailure(code, message, err);
    }
    this.#state = CLOSING;
    this.#closeCode = code;
    // reading may be paused by a backlog no one reads any more: the peer's close frame must
    // get through, or the close waits out closeTimeout (messages still queued are dropped)
    this.#ws.resume();
    const timer = setTimeout(() => this.#ws!.terminate(), Math.min(timeout, this.#options.closeTimeout));
    await this.#closing;
    clearTimeout(timer);
    return true;
  }

  /** Called by weft when the handler returned: closes the websocket if it is still open. */
  override async end(): Promise<void> {
    if (this.#ws === null) return;
    await this.close();
  }

  /** A websocket has no HTTP body: use `sendStr`, `sendBytes` or `sendJson`. */
  override write(): Promise<void> {
    return Promise.reject(new WeftError('WEFT_ERR_RESPONSE_STATE', 'a websocket has no HTTP body: use sendStr(), sendBytes() or sendJson()'));
  }

  protected override checkUnsent(): void {
    if (this.#sealed) throw new WeftError('WEFT_ERR_HEADERS_SENT', 'the websocket handshake has started; change headers before prepare()');
    super.checkUnsent();
  }

  #heartbeatMissed(ms: number): void {
    if (this.#state === CLOSED) return;
    this.#closeCode = 1006;
    this.#inbox.push({ type: 'error', data: new WeftError('WEFT_ERR_WS_HEARTBEAT', `no pong within ${ms} ms of a heartbeat ping: the connection is dropped`) });
    this.#ws!.terminate();
  }

  /** @internal the request path's error handling: a handler failed after the handshake. */
  static afterError(request: Request, err: unknown): WebSocketResponse | undefined {
    const ws = byRequest.get(request.raw);
    if (ws === undefined) return undefined;
    logSafely(request.log, 'error', { err, requestId: request.id }, 'the websocket handler failed');
    // 1011: the server met an unexpected condition; end() then waits for the closing handshake
    if (ws.#state === OPEN) void ws.close({ code: 1011, message: 'Internal Server Error' }).catch(() => undefined);
    return ws;
  }
}

/**
 * The close code ws sends for a protocol error of the peer (RFC 6455 7.4.1): 1007 for
 * text that is not UTF-8 and for compressed data that does not inflate (a zlib error,
 * `Z_DATA_ERROR`...), 1009 for a message over maxMessageSize, 1008 for a message in too
 * many fragments, 1002 for the rest.
 */
function protocolErrorCode(code: string | undefined): number | undefined {
  if (code === undefined) return undefined;
  if (code.startsWith('Z_')) return 1007;
  if (!code.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') return 1009;
  if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return 1008;
  return 1002;
}

function wrongType(expected: string, message: WebSocketMessage): WeftError {
  const got = message.type === 'close' ? `close (${message.data})` : message.type;
  return new WeftError('WEFT_ERR_WS_MESSAGE_TYPE', `expected a ${expected} message, got ${got}`);
}

function notPrepared(call: string): WeftError {
  return new WeftError('WEFT_ERR_RESPONSE_STATE', `cannot call ${call} before prepare(request) has finished`);
}
