/**
 * aiohttp's websocket heartbeat: a ping every `interval` ms; when no pong (nor any other
 * frame) arrives within half of it, the peer is considered gone.
 */
import type { WebSocket as WsSocket } from 'ws';

/**
 * The heartbeat of one connection. Its timers never keep the process alive.
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

  /** Starts pinging at once; `onMissed(ms)` runs when a pong is `ms` late. */
  constructor(ws: WsSocket, interval: number, onMissed: (ms: number) => void) {
    const wait = interval / 2;
    this.#interval = setInterval(() => {
      if (this.#pongTimer !== null || ws.readyState !== ws.OPEN) return;
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
  stop(): void {
    if (this.#interval !== null) clearInterval(this.#interval);
    if (this.#pongTimer !== null) clearTimeout(this.#pongTimer);
    this.#interval = this.#pongTimer = null;
  }
}
