/**
 * Errors thrown by a fallback container (inversify, tsyringe) while weft asks it for a
 * token become `WEFT_DI_FALLBACK` DiErrors: coded, with the dependency path that led
 * there, and the foreign error as `cause`. weft calls a fallback only through these
 * functions, so no foreign error reaches the user raw.
 */
import { DiError } from './errors.js';
import type { ExternalContainer } from './external-container.js';
import type { Token } from './token.js';
import { tokenName } from './token.js';

/** What weft was asking the fallback: whether it has the token, or for its instance (at startup, or later). */
export type FallbackQuestion = 'has' | 'get' | 'get-late' | 'async-each-time';

/**
 * A fallback container threw. `at(path)` gives the same error with the path of the
 * providers that needed the token, once the caller knows it.
 *
 * @example
 * ```ts
 * throw new FallbackError('inversify container', '"Dup"', 'get', cause).at(['Reports']);
 * ```
 */
export class FallbackError extends DiError {
  constructor(
    readonly fallbackName: string,
    readonly tokenName: string,
    readonly question: FallbackQuestion,
    cause: unknown,
    outer: readonly string[] = [],
  ) {
    const path = [...outer, tokenName];
    super('WEFT_DI_FALLBACK', describe(fallbackName, tokenName, question, cause, path), path, { cause });
  }

  /** The same failure, needed through `outer` (the names of the providers, outermost first). */
  at(outer: readonly string[]): FallbackError {
    return new FallbackError(this.fallbackName, this.tokenName, this.question, this.cause, outer);
  }
}

function describe(fallbackName: string, token: string, question: FallbackQuestion, cause: unknown, path: readonly string[]): string {
  const at = path.length > 1 ? `, needed at ${path.join(' -> ')}` : '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  switch (question) {
    case 'has':
      return (
        `${fallbackName} threw when asked whether it has ${token}${at}: ${reason}. ` +
        `Register ${token} in weft, or bind it in ${fallbackName} so that it can answer (an inversify container with autobind tries to build every class it is asked about)`
      );
    case 'get':
      return `${fallbackName} has ${token} but could not resolve it${at}: ${reason}. Fix its binding in ${fallbackName}`;
    case 'async-each-time':
      return (
        `${fallbackName} gives a new ${token} each time it is asked, and only asynchronously${at} (asked synchronously: ${reason}). ` +
        `weft asks again at every injection for a binding that is not a singleton there, and injection is synchronous: bind ${token} as a singleton in ${fallbackName} (inversify: inSingletonScope()), ` +
        `or provide it in weft with an async singleton factory`
      );
    case 'get-late':
      return (
        `${fallbackName} has ${token} but could not resolve it${at}: ${reason}. Fix its binding in ${fallbackName}; ` +
        `a token looked up only at run time (container.get, scope.get) is resolved synchronously, while one a provider, controller or handler injects is fetched by container.init(), asynchronously where the fallback can`
      );
  }
}

/**
 * `fallback.has(token)`, its error as a {@link FallbackError}.
 *
 * @example
 * ```ts
 * if (fallbackHas(fromInversify(inversify), 'Mailer')) ...
 * ```
 */
export function fallbackHas(fallback: ExternalContainer, token: Token): boolean {
  try {
    return fallback.has(token);
  } catch (error) {
    throw new FallbackError(fallback.name, tokenName(token), 'has', error);
  }
}

/**
 * `fallback.get(token)`, its error as a {@link FallbackError}.
 *
 * @example
 * ```ts
 * const mailer = fallbackGet(fromInversify(inversify), 'Mailer', 'get-late');
 * ```
 */
export function fallbackGet(fallback: ExternalContainer, token: Token, question: 'get' | 'get-late'): unknown {
  try {
    return fallback.get(token);
  } catch (error) {
    throw new FallbackError(fallback.name, tokenName(token), question, error);
  }
}

/**
 * The instance of `token`, through the fallback's async resolution when it has one
 * (inversify's `getAsync`: async bindings settle), else `get`; errors as {@link FallbackError}.
 *
 * @example
 * ```ts
 * const pool = await fallbackGetAsync(fromInversify(inversify), 'AsyncPool');
 * ```
 */
export async function fallbackGetAsync(fallback: ExternalContainer, token: Token): Promise<unknown> {
  try {
    return fallback.getAsync === undefined ? fallback.get(token) : await fallback.getAsync(token);
  } catch (error) {
    throw new FallbackError(fallback.name, tokenName(token), 'get', error);
  }
}
