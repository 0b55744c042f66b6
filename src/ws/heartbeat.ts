/**
 * aiohttp's websocket heartbeat: a ping every `interval` ms; when no pong (nor any other
 * frame) arrives within half of it, the peer is considered gone.
 */
import type { WebSocket as WsSocket } from 'ws';

/**
 * The heartbeat of one connection. Its timers never keep the process alive. While reading
 * is paused (`hold()`, an unread backlog), no pong could be read: it neither pings nor
 * waits for one until `release()`.
 *
 * @example
 * ```ts
 * const heartbeat = new Heartbeat(ws, 30_000, (ms) => ws.terminate());
 * ws.on('pong', () => heartbeat.alive());
 * ws.once('close', () => heartbeat.stop());
 * ```
 */
export class Heartbeat {
  #interval: NodeJS.Timeout | null;
  #pongTimer: NodeJS.Timeout | null = null;
  #held = false;

  /** Starts pinging at once; `onMissed(ms)` runs when a pong is `ms` late. */
  constructor(ws: WsSocket, interval: number, onMissed: (ms: number) => void) {
    const wait = interval / 2;
    this.#interval = setInterval(() => {
      if (this.#held || this.#pongTimer !== null || ws.readyState !== ws.OPEN) return;
      ws.ping();
      this.#pongTimer = setTimeout(() => {
        this.#pongTimer = null;
        onMissed(wait);
      }, wait);
      this.#pongTimer.unref();
    }, interval);
    this.#interval.unref();
  }

  /** The peer showed a sign of life: the pending ping is answered. */
  alive(): void {
    if (this.#pongTimer === null) return;
    clearTimeout(this.#pongTimer);
    this.#pongTimer = null;
  }

  /** Stops the timers (the connection closed). */
  /** Reading is paused: a pong would sit unread, so none is waited for until {@link release}. */
  hold(): void {
    this.#held = true;
    this.alive();
  }

  /** Reading resumed: pings go on at the next interval. */
  release(): void {
    this.#held = false;
  }

  stop(): void {
    if (this.#interval !== null) clearInterval(this.#interval);
    if (this.#pongTimer !== null) clearTimeout(this.#pongTimer);
    this.#interval = this.#pongTimer = null;
  }
}
