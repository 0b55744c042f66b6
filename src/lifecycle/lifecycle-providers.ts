import { type Container, isClassProvider, tokenName } from '../../container/index.js';
import { type ProviderLike } from '../app/app-registrations.js';
import { WeftError } from '../errors.js';
import { type LifecycleParts, type LifecycleSlot } from './lifecycle.js';

/** The methods weft looks for, with the interface each belongs to (for messages). */
const HOOKS = { lifespan: 'CleanupContext', onStartup: 'OnStartup', onCleanup: 'OnCleanup', onShutdown: 'OnShutdown' } as const;

/**
 * The lifecycle interfaces a class implements, found on its prototype (inherited methods
 * count): `['CleanupContext', 'OnStartup']`. Empty for anything else.
 *
 * @example
 * ```ts
 * class Pool { async *lifespan() { yield; } onShutdown() {} }
 * lifecycleInterfacesOf(Pool); // ['CleanupContext', 'OnShutdown']
 * ```
 */
export function lifecycleInterfacesOf(cls: unknown): string[] {
  if (typeof cls !== 'function') return [];
  const prototype = (cls as { prototype?: Record<string, unknown> }).prototype;
  if (prototype == null) return [];
  return Object.entries(HOOKS).flatMap(([method, name]) => (typeof prototype[method] === 'function' ? [name] : []));
}

/**
 * Finds the lifecycle providers among an app's providers (module providers in module
 * order, then the app's own) and gives each a slot, in that order. Only class providers
 * and `useClass` are looked at, because their type is known before anything is built:
 * values belong to whoever made them (weft neither starts nor disposes them), and a
 * factory's product is managed by the factory (async singleton + disposal).
 *
 * The container must be frozen: a provider's effective scope (overrides included) must be
 * `singleton`, else `WEFT_ERR_LIFECYCLE_SCOPE`. The instance is resolved when startup
 * reaches the slot; the parts run are those the resolved instance has, so a test override
 * without lifecycle methods simply has none.
 *
 * @example
 * ```ts
 * container.freeze();
 * const slots = lifecycleProviderSlots([DbPool, UsersService], container, 'main');
 * // [{ kind: 'provider', label: 'DbPool', resolve }]
 * ```
 */
export function lifecycleProviderSlots<App>(providers: readonly ProviderLike[], container: Container, appName: string): LifecycleSlot<App>[] {
  const slots: LifecycleSlot<App>[] = [];
  const seen = new Set<unknown>();
  for (const provider of providers) {
    const found = classOf(provider);
    if (found === undefined || seen.has(found.token)) continue;
    const interfaces = lifecycleInterfacesOf(found.cls);
    if (interfaces.length === 0) continue;
    seen.add(found.token);
    const label = found.token === found.cls ? tokenName(found.cls) : `${tokenName(found.token)} (useClass ${tokenName(found.cls)})`;
    const scope = container.lookup(found.token as never)?.scope;
    if (scope !== undefined && scope !== 'singleton') {
      throw new WeftError(
        'WEFT_ERR_LIFECYCLE_SCOPE',
        `${label} implements ${interfaces.join(', ')} but is ${scope}-scoped in app '${appName}': a lifecycle provider is resolved once, at startup, so it must be a singleton`,
      );
    }
    let instance: LifecycleParts<App> | undefined;
    slots.push({ kind: 'provider', label, resolve: () => (instance ??= container.get(found.token as never) as LifecycleParts<App>), resolved: () => instance });
  }
  return slots;
}

/** The token and class of a class provider or a `useClass` provider; nothing for the rest. */
function classOf(provider: ProviderLike): { token: unknown; cls: unknown } | undefined {
  if (typeof provider === 'function') return { token: provider, cls: provider };
  if (isClassProvider(provider) && 'provide' in provider) return { token: provider.provide, cls: provider.useClass };
  return undefined;
}
