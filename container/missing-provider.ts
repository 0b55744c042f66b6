/**
 * What a missing-provider error (`WEFT_DI_MISSING`) advises, for the kind of token that is
 * missing: a string or symbol can only come from a fallback container, so registering it
 * in weft is no advice; a class weft makes per request is refused from a fallback even when
 * the fallback has it; and the fallbacks that were consulted are named.
 */
import type { ExternalContainer } from './external-container.js';
import { readInjectable } from './injection-metadata.js';
import { Key } from './key.js';
import type { Token } from './token.js';
import { tokenName } from './token.js';

/**
 * The advice ending a `WEFT_DI_MISSING` message for `token`, seen from a container whose
 * fallbacks (its own and its parents', nearest first) are `fallbacks`; `optional` is how
 * to do without it (an optional dependency, or `getOptional()` for a lookup at run time).
 *
 * @example
 * ```ts
 * missingProviderAdvice('Mailer', [fromInversify(inversify)]);
 * // 'Strings and symbols are only looked up in fallback containers, and the fallback inversify container has no binding for "Mailer": bind it there, or mark the dependency optional'
 * ```
 */
export function missingProviderAdvice(token: Token, fallbacks: readonly ExternalContainer[], optional = 'mark the dependency optional'): string {
  const name = tokenName(token);
  const names = fallbacks.map((fallback) => fallback.name).join(', ');
  if (typeof token === 'string' || typeof token === 'symbol') {
    if (fallbacks.length === 0) {
      return (
        'Strings and symbols are only looked up in a fallback container, and this container has none: ' +
        `add one (new Container({ fallback: fromInversify(yours) })), inject a Key or a class weft provides instead, or ${optional}`
      );
    }
    return `Strings and symbols are only looked up in fallback containers, and ${fallbacksHave(names, fallbacks.length)} no binding for ${name}: bind it there, or ${optional}`;
  }
  const scope = typeof token === 'function' ? readInjectable(token as new (...args: never[]) => unknown)?.scope : undefined;
  const refusing = scope === 'request' || scope === 'transient' ? fallbacks.find((fallback) => answersHas(fallback, token)) : undefined;
  if (refusing !== undefined) {
    return (
      `${refusing.name} has ${name}, but weft takes no ${scope === 'request' ? 'request-scoped' : 'transient'} class from a fallback container (it would build ${name} by its own rules, ` +
      `not with the scope @Injectable gives it): register ${name} in weft (container.register, or the app's providers), or ${optional}`
    );
  }
  const advice = `Register it (container.register / container.provide), declare it per request (container.declare), or ${optional}`;
  if (token instanceof Key || fallbacks.length === 0) return advice;
  return `${advice} (${fallbacksHave(names, fallbacks.length)} no binding for it either)`;
}

function fallbacksHave(names: string, count: number): string {
  return count === 1 ? `the fallback ${names} has` : `the fallbacks ${names} have`;
}

/** `fallback.has(token)`, false when the fallback throws (its error is reported where it is asked for real). */
function answersHas(fallback: ExternalContainer, token: Token): boolean {
  try {
    return fallback.has(token);
  } catch {
    return false;
  }
}
