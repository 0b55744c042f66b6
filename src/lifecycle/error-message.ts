/**
 * The message of a thrown value, for messages that quote it. Duck-typed rather than
 * `instanceof Error`: node's own errors (ENOENT, AbortError) come from another realm when
 * code runs in a vm context (jest does), and `instanceof` would miss them.
 *
 * @example
 * ```ts
 * errorMessage(new Error('boom')); // 'boom'
 * errorMessage('plain string');    // 'plain string'
 * ```
 */
export function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
