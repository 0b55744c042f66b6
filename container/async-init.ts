/**
 * `container.init()`: creates the singletons made by factories, awaiting those that return
 * promises, each after everything it depends on (through classes, aliases and parents too),
 * and fetches the tokens they need from fallback containers.
 */
import type { Binding } from './binding.js';
import { FallbackError } from './fallback-error.js';

/** A factory's error → the name of the provider whose async factory threw it. */
const failedProviders = new WeakMap<object, string>();

/**
 * The provider whose async factory threw `err` during `init()`, so that a caller can name
 * the step that failed (`init()` itself rejects with the factory's own error); undefined
 * for another error, or a thrown value that is not an object.
 *
 * @example
 * ```ts
 * await container.init().catch((err) => { throw new Error(`${failedProviderOf(err) ?? 'init'} failed`, { cause: err }); });
 * ```
 */
export function failedProviderOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? failedProviders.get(err) : undefined;
}

/**
 * Readies every binding given, in order, each after its dependencies. Sequential on
 * purpose: the order is the registration order, so a startup log reads predictably.
 *
 * @example
 * ```ts
 * await initialiseBindings(compiled.values());
 * ```
 */
export async function initialiseBindings(bindings: Iterable<Binding>): Promise<void> {
  const seen = new Set<Binding>();
  for (const binding of bindings) await ensureReady(binding, seen, []);
}

/**
 * Readies a binding's dependencies, then the binding itself (async singleton factories, and
 * tokens from a fallback container: their failure gets the path of names that needed them).
 */
async function ensureReady(binding: Binding, seen: Set<Binding>, path: readonly string[]): Promise<void> {
  if (seen.has(binding)) return;
  seen.add(binding);
  const inner = [...path, binding.name];
  for (const dependency of binding.dependencies) await ensureReady(dependency, seen, inner);
  try {
    const pending = binding.prepare?.();
    if (pending !== undefined) await pending;
  } catch (error) {
    if (error instanceof FallbackError) throw error.at(path);
    // only the failing factory's own catch sees the error (its dependents' recursion is outside the
    // try); the latest failure wins, so an error object several factories throw names the last one
    if (typeof error === 'object' && error !== null) failedProviders.set(error, binding.name);
    throw error;
  }
}
