import { errorMessage } from './error-message.js';

/**
 * Several cleanup steps failed: every error is kept, in the order the cleanups ran.
 *
 * @example
 * ```ts
 * try {
 *   await runner.cleanup();
 * } catch (err) {
 *   if (err instanceof CleanupError) err.errors.forEach((e) => console.error(e));
 * }
 * ```
 */
export class CleanupError extends AggregateError {
  override name = 'CleanupError';

  constructor(errors: unknown[]) {
    super(errors, `${errors.length} cleanup step(s) failed: ${errors.map(errorMessage).join('; ')}`);
  }
}
