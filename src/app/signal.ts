import { WeftError } from '../errors.js';

/**
 * A list of async handlers run in the order they were added: aiohttp's signals
 * (`on_startup`, `on_response_prepare`, …). Frozen at startup, after which `push` throws.
 *
 * @example
 * ```ts
 * app.onResponsePrepare.push((request, response) => {
 *   response.headers.set('x-served-by', 'weft');
 * });
 * ```
 */
export class Signal<Args extends unknown[]> {
  #handlers: Array<(...args: Args) => unknown> = [];
  #frozen = false;

  /**
   * @param name shown in errors.
   * @param onPush called for each handler added: the application uses it to give
   *   lifecycle handlers their slot in registration order. A handler it throws for is not added.
   */
  constructor(
    readonly name: string,
    private readonly onPush?: (handler: (...args: Args) => unknown) => void,
  ) {}

  /** Adds handlers; throws `WEFT_ERR_APP_FROZEN` after startup. */
  push(...handlers: Array<(...args: Args) => unknown>): void {
    if (this.#frozen) throw new WeftError('WEFT_ERR_APP_FROZEN', `cannot add to ${this.name} after startup`);
    for (const handler of handlers) {
      if (typeof handler !== 'function') throw new TypeError(`${this.name} takes functions, got ${typeof handler}`);
      this.onPush?.(handler); // may refuse it
      this.#handlers.push(handler);
    }
  }

  /** How many handlers there are. */
  get length(): number {
    return this.#handlers.length;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  freeze(): void {
    this.#frozen = true;
  }

  /** Runs every handler in order, awaiting each; the first error stops the rest. */
  async send(...args: Args): Promise<void> {
    for (const handler of this.#handlers) await handler(...args);
  }

  [Symbol.iterator](): Iterator<(...args: Args) => unknown> {
    return this.#handlers[Symbol.iterator]();
  }
}
