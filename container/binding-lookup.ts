import type { Binding } from './binding.js';
import { externalBinding } from './binding.js';
import type { ExternalContainer } from './external-container.js';
import { fallbackHas } from './fallback-error.js';
import { readInjectable } from './injection-metadata.js';
import { Key } from './key.js';
import type { Token } from './token.js';

/**
 * Where one container finds the binding of a token: its own compiled bindings, then its
 * parents' (nearest first), then the fallback containers of itself and its parents (nearest
 * first): weft providers anywhere up the chain win over every fallback. Positive answers
 * are cached, since nothing changes once frozen.
 *
 * @example
 * ```ts
 * const root = new BindingLookup(undefined);
 * const child = new BindingLookup(root);
 * root.bindings = compileBindings(...);
 * child.find(Config); // the root's binding
 * ```
 */
export class BindingLookup {
  /** This container's compiled bindings, set by `freeze()`. */
  bindings: Map<Token, Binding> | undefined = undefined;
  /** This container's fallbacks, in the order they were added. */
  readonly fallbacks: ExternalContainer[] = [];
  #cache = new Map<Token, Binding>();
  #external = new Map<Token, Binding>();

  /** @param parent the lookup of the parent container. */
  constructor(readonly parent: BindingLookup | undefined) {}

  /** The binding of `token` as seen from this container, or `undefined`. */
  find(token: Token): Binding | undefined {
    let binding = this.#cache.get(token);
    if (binding !== undefined) return binding;
    binding = this.bindings?.get(token) ?? this.outside(token);
    if (binding !== undefined) this.#cache.set(token, binding);
    return binding;
  }

  /** The fallbacks of this container, then its parents' (nearest first): the ones {@link BindingLookup.find} consults. */
  allFallbacks(): ExternalContainer[] {
    return [...this.fallbacks, ...(this.parent?.allFallbacks() ?? [])];
  }

  /** The binding of `token` from outside this container: parents, then fallbacks. */
  outside(token: Token): Binding | undefined {
    for (let lookup = this.parent; lookup !== undefined; lookup = lookup.parent) {
      const binding = lookup.bindings?.get(token);
      if (binding !== undefined) return binding;
    }
    return token instanceof Key || perRequestClass(token) ? undefined : this.#fromFallback(token);
  }

  /** A token from this container's fallbacks (the binding cached here), else its parent's. */
  #fromFallback(token: Token): Binding | undefined {
    const known = this.#external.get(token);
    if (known !== undefined) return known;
    const fallback = this.fallbacks.find((candidate) => fallbackHas(candidate, token));
    if (fallback === undefined) return this.parent === undefined ? undefined : this.parent.#fromFallback(token);
    const binding = externalBinding(token, fallback);
    this.#external.set(token, binding);
    return binding;
  }
}

/**
 * A class weft's `@Injectable` makes request-scoped or transient is never taken from a
 * fallback: the fallback would build it by its own rules (inversify's scopes, without this
 * request's provided values), not with the scope weft gives it (an inversify container with
 * `autobind` answers `isBound` for every class).
 * Unregistered in weft, it is `WEFT_DI_MISSING`.
 */
function perRequestClass(token: Token): boolean {
  if (typeof token !== 'function') return false;
  const scope = readInjectable(token as new (...args: never[]) => unknown)?.scope;
  return scope === 'request' || scope === 'transient';
}
