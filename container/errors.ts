/**
 * Dependency-injection errors. Every one carries a stable code and the path that led to it
 * (`['UsersController', 'UsersService', 'Key(db)']`), so a startup failure says which
 * provider is wrong and how it was reached. They are thrown by `freeze()` (validation), by
 * registration after freezing, and by resolution that cannot succeed.
 */

/**
 * Every code a {@link DiError} can carry, with what it means.
 *
 * @example
 * ```ts
 * try {
 *   await app.startup();
 * } catch (err) {
 *   if (err instanceof DiError) console.error(err.code, DI_ERROR_CODES[err.code], err.path.join(' -> '));
 * }
 * ```
 */
export const DI_ERROR_CODES = {
  WEFT_DI_MISSING: 'no provider is registered for a token that is needed',
  WEFT_DI_CYCLE: 'providers depend on each other in a cycle',
  WEFT_DI_SCOPE: 'a longer-lived provider depends on a shorter-lived one',
  WEFT_DI_NO_SCOPE: 'something request-scoped was resolved without a request scope',
  WEFT_DI_NOT_PROVIDED: 'a token declared per request was not provided in this request scope',
  WEFT_DI_PROVIDE_CONFLICT: 'scope.provide() was given a token that has a provider of its own',
  WEFT_DI_DUPLICATE: 'a token was registered twice in one container',
  WEFT_DI_FROZEN: 'the container is frozen; register before freeze()',
  WEFT_DI_NOT_FROZEN: 'the container must be frozen first',
  WEFT_DI_NOT_READY: 'an async singleton is not ready; await container.init() after freeze()',
  WEFT_DI_DISPOSED: 'the container or request scope was already disposed',
  WEFT_DI_UNRESOLVABLE_PARAM: 'a constructor parameter has no token weft can inject',
  WEFT_DI_INVALID_TOKEN: 'a value used as a token is not a class, a Key, a string or a symbol',
  WEFT_DI_INVALID_PROVIDER: 'a provider is malformed',
  WEFT_DI_INVALID_ARGUMENT: 'a container method was given an argument it cannot use',
  WEFT_DI_DISPOSE: 'disposing instances failed',
  WEFT_DI_FALLBACK: 'a fallback container (inversify, tsyringe) threw while asked for a token; the cause is its error',
} as const;

/** A code of {@link DI_ERROR_CODES}. */
export type DiErrorCode = keyof typeof DI_ERROR_CODES;

/**
 * An error from the DI container: a stable `code`, a message that says what to do, and the
 * `path` of tokens (by name) from the one being resolved to the one that failed.
 *
 * @example
 * ```ts
 * try {
 *   container.freeze();
 * } catch (err) {
 *   if (err instanceof DiError && err.code === 'WEFT_DI_MISSING') console.error(err.path.join(' -> '));
 * }
 * ```
 */
export class DiError extends Error {
  override name = 'DiError';

  /**
   * @param code the stable code.
   * @param detail what happened in this instance; the message is `code: detail`.
   * @param path the names of the tokens from the outermost to the one that failed.
   */
  constructor(
    readonly code: DiErrorCode,
    detail?: string,
    readonly path: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(`${code}: ${detail ?? DI_ERROR_CODES[code]}`, options);
  }
}

/**
 * Every error thrown while disposing the instances of one scope or container, none dropped.
 * The disposal went on past each failure: all other instances were still disposed.
 *
 * @example
 * ```ts
 * try {
 *   await container.dispose();
 * } catch (err) {
 *   if (err instanceof DisposeError) for (const e of err.errors) console.error(e);
 * }
 * ```
 */
export class DisposeError extends AggregateError {
  override name = 'DisposeError';
  readonly code = 'WEFT_DI_DISPOSE' as const;

  /** @param errors what each failing dispose threw, in the order they were disposed. */
  constructor(errors: readonly unknown[], where: string) {
    const plural = errors.length === 1 ? 'instance' : 'instances';
    super(
      errors,
      `WEFT_DI_DISPOSE: disposing ${where} failed for ${errors.length} ${plural}: ${errors
        .map(describeError)
        .join('; ')}`,
    );
  }
}

/** One line per error, whatever was thrown. */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
