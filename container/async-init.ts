/**
 * `container.init()`: creates the singletons made by factories, awaiting those that return
 * promises, each after everything it depends on (through classes, aliases and parents too),
 * and fetches the tokens they need from fallback containers.
 */
import type { Binding } from './binding.js';
import { FallbackError } from './fallback-error.js';

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
    throw error instanceof FallbackError ? error.at(path) : error;
  }
}
