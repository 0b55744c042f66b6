/**
 * The read side of a websocket: messages wait here until the one reader (`receive()` or
 * a `for await` loop) takes them. Kept lean, as every message passes through it: a
 * message goes straight to a waiting reader without queueing, waiting allocates the
 * promise and nothing else, and an unread backlog pauses the socket.
 */
import { WeftError } from '../errors.js';
import type { WebSocketMessage } from './websocket-message.js';

/**
 * Past this many unread messages, or past the inbox's byte limit, the socket is paused
 * (TCP pushes back on the peer); it resumes once both are down to a quarter.
 */
const QUEUE_PAUSE = 64;
const QUEUE_RESUME = 16;

/** What a finished `for await` gets; shared, as `for await` only reads it. */
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** How the inbox stops and restarts reading from the socket. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/**
 * The unread messages of one websocket and its single reader. After the close message,
 * nothing more is taken in and every read gets the close (or the end of the loop).
 * `pauseBytes` bounds the unread backlog by size as well as by count: 64 unread messages
 * of 4 MiB would otherwise be 256 MiB per connection (and with permessage-deflate a few
 * hundred KB on the wire). Frames ws has already read still arrive after a pause.
 *
 * @example
 * ```ts
 * const inbox = new MessageInbox({ pause: () => ws.pause(), resume: () => ws.resume() }, 1024 * 1024);
 * ws.on('message', (data) => inbox.push({ type: 'text', data: data.toString() }));
 * const msg = await inbox.receive('receive()');
 * ```
 */
export class MessageInbox {
  readonly #flow: FlowControl;
  #queue: WebSocketMessage[] = [];
  /** The size of the queued messages: bytes, or UTF-16 units for text. */
  #queuedBytes = 0;
  readonly #pauseBytes: number;
  #paused = false;
  #closeMessage: WebSocketMessage | null = null;
  // the one waiting reader: receive() wants a message, for await an iterator result
  #waitingMessage: ((message: WebSocketMessage) => void) | null = null;
  #waitingResult: ((result: IteratorResult<WebSocketMessage, undefined>) => void) | null = null;
  // made once, so waiting for a message allocates the promise and nothing else
  readonly #captureMessage = (resolve: (message: WebSocketMessage) => void): void => {
    this.#waitingMessage = resolve;
  };
  readonly #captureResult = (resolve: (result: IteratorResult<WebSocketMessage, undefined>) => void): void => {
    this.#waitingResult = resolve;
  };

  constructor(flow: FlowControl, pauseBytes = Infinity) {
    this.#flow = flow;
    this.#pauseBytes = pauseBytes;
  }

  /** Hands `message` to the waiting reader, or queues it; ignored after the close message. */
  // hot path
  push(message: WebSocketMessage): void {
    if (this.#closeMessage !== null) return;
    if (message.type === 'close') this.#closeMessage = message;
    const waitingResult = this.#waitingResult;
    if (waitingResult !== null) {
      this.#waitingResult = null;
      waitingResult(message.type === 'close' ? DONE : { value: message, done: false });
      return;
    }
    const waitingMessage = this.#waitingMessage;
    if (waitingMessage !== null) {
      this.#waitingMessage = null;
      waitingMessage(message);
      return;
    }
    this.#queue.push(message);
    this.#queuedBytes += sizeOf(message);
    if (!this.#paused && (this.#queue.length >= QUEUE_PAUSE || this.#queuedBytes > this.#pauseBytes)) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  /**
   * The next message; the close message again once the queue is empty after it.
   * `call` names the caller in the `WEFT_ERR_WS_CONCURRENT_RECEIVE` error.
   */
  receive(call: string, timeout?: number): Promise<WebSocketMessage> {
    const refused = this.#refuse(call);
    if (refused !== null) return Promise.reject(refused);
    const next = this.#shift() ?? this.#closeMessage;
    if (next !== null) return Promise.resolve(next);
    if (timeout === undefined) return new Promise(this.#captureMessage);
    return new Promise((resolve, reject) => {
      const deliver = (message: WebSocketMessage): void => {
        clearTimeout(timer);
        resolve(message);
      };
      const timer = setTimeout(() => {
        if (this.#waitingMessage !== deliver) return;
        // no reader waits any more: a later receive() may wait again
        this.#waitingMessage = null;
        reject(new WeftError('WEFT_ERR_WS_TIMEOUT', `${call}: no message within ${timeout} ms`));
      }, timeout);
      this.#waitingMessage = deliver;
    });
  }

  /** `receive()` as an iterator step: the close message ends the loop. */
  // hot path
  next(call: string): Promise<IteratorResult<WebSocketMessage, undefined>> {
    const refused = this.#refuse(call);
    if (refused !== null) return Promise.reject(refused);
    const next = this.#shift() ?? this.#closeMessage;
    if (next !== null) return Promise.resolve(next.type === 'close' ? DONE : { value: next, done: false });
    return new Promise(this.#captureResult);
  }

  /** A finished iterator's answer. */
  static done(): Promise<IteratorReturnResult<undefined>> {
    return Promise.resolve(DONE);
  }

  #refuse(call: string): WeftError | null {
    if (this.#waitingMessage === null && this.#waitingResult === null) return null;
    return new WeftError(
      'WEFT_ERR_WS_CONCURRENT_RECEIVE',
      `${call} was called while another receive() on this websocket is still waiting: read in one task and hand the messages to others (sending and closing from other tasks is fine)`,
    );
  }

  /** The oldest unread message, or null; resumes a paused socket once the queue is short. */
  #shift(): WebSocketMessage | null {
    if (this.#queue.length === 0) return null;
    const next = this.#queue.shift()!;
    this.#queuedBytes -= sizeOf(next);
    if (this.#paused && this.#queue.length <= QUEUE_RESUME && this.#queuedBytes <= this.#pauseBytes / 4) {
      this.#paused = false;
      this.#flow.resume();
    }
    return next;
  }
}

/** What a queued message holds in memory, near enough: its data's length. */
function sizeOf(message: WebSocketMessage): number {
  return message.type === 'text' || message.type === 'binary' ? message.data.length : 0;
}
