import { WeftError } from '../errors.js';
import { errorMessage } from './error-message.js';

/**
 * A startup step failed: the message names the hook, cleanup context or lifecycle
 * provider and its app, `cause` is the original error, untouched. By the time it is
 * thrown, every cleanup owed has run (their own failures are logged, never hiding this one).
 *
 * @example
 * ```ts
 * try {
 *   await app.startup();
 * } catch (err) {
 *   if (err instanceof StartupError) console.error(err.hook, err.appName, err.cause);
 *   // startup failed in CleanupContext DbPool (app 'main'): connect ECONNREFUSED 127.0.0.1:5432
 * }
 * ```
 */
export class StartupError extends WeftError {
  override name = 'StartupError';

  /**
   * @param hook the failing step as weft labels it (`CleanupContext DbPool`, `onStartup seed`).
   * @param appName the app whose slot it is.
   * @param cause the original error.
   */
  constructor(
    readonly hook: string,
    readonly appName: string,
    override readonly cause: unknown,
  ) {
    super('WEFT_ERR_STARTUP', `startup failed in ${hook} (app '${appName}'): ${errorMessage(cause)}`, { cause });
  }
}
