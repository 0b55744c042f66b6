/**
 * SIGINT and SIGTERM as a request to stop gracefully.
 */

/** The signals that ask a server to stop: Ctrl+C, and what process managers send. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Listens for SIGINT/SIGTERM: the first calls `onStop`, later ones `onRepeat` (the stop is
 * already under way; the process is not killed, so the shutdown stays graceful and
 * bounded; send SIGKILL to force it). While listening, node's default of exiting at once
 * is off. Returns the function that removes the listeners, after which it is back on.
 *
 * @example
 * ```ts
 * const stopListening = onStopSignals(
 *   (signal) => void runner.cleanup(),
 *   (signal) => logger.warn({ signal }, 'already stopping'),
 * );
 * ```
 */
export function onStopSignals(onStop: (signal: NodeJS.Signals) => void, onRepeat: (signal: NodeJS.Signals) => void): () => void {
  let received = false;
  const listener = (signal: NodeJS.Signals): void => {
    if (received) {
      onRepeat(signal);
      return;
    }
    received = true;
    onStop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, listener);
  };
}
