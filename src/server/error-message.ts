/**
 * The message of anything thrown. Node's own errors may come from another realm (a vm
 * context, as under jest), where `instanceof Error` is false: duck typing works everywhere.
 *
 * @example
 * ```ts
 * logger.error({ err }, `cannot start: ${messageOf(err)}`);
 * ```
 */
export function messageOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string' ? (err as Error).message : String(err);
}
