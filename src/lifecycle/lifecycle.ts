import { WeftError } from '../errors.js';
import { CleanupError } from './cleanup-error.js';
import { StartupError } from './startup-error.js';

/** A cleanup context as a slot opens it: a generator, or any async iterator. */
type ContextIterator = AsyncGenerator<unknown, unknown, unknown> | AsyncIterator<unknown>;

/**
 * What a lifecycle provider instance may implement (the `OnStartup`, `OnShutdown`,
 * `OnCleanup` and `CleanupContext` interfaces); the walk calls the parts it has.
 */
export interface LifecycleParts<App> {
  onStartup?(app: App): unknown;
  onShutdown?(app: App): unknown;
  onCleanup?(app: App): unknown;
  lifespan?(app: App): ContextIterator;
}

/** One registration in an application's lifecycle, in registration order. */
export type LifecycleSlot<App> =
  | { kind: 'startup'; label: string; run: (app: App) => unknown }
  | { kind: 'cleanup'; label: string; run: (app: App) => unknown }
  | { kind: 'shutdown'; label: string; run: (app: App) => unknown }
  | { kind: 'context'; label: string; open: (app: App) => ContextIterator }
  | { kind: 'app'; label: string; app: App }
  /**
   * A lifecycle provider: resolved once at startup; its parts run in this one slot.
   * `resolved` gives the instance once `resolve` made it, else undefined.
   */
  | { kind: 'provider'; label: string; resolve: () => LifecycleParts<App>; resolved: () => LifecycleParts<App> | undefined };

/** What the startup walk leaves behind to undo, newest last. */
export type CleanupStack = Array<{ label: string; run: () => Promise<unknown> | unknown }>;

/** How the walk sees an application tree: its slots (sub-apps as `app` slots) and its name. */
export interface LifecycleTree<App> {
  slotsOf(app: App): readonly LifecycleSlot<App>[];
  nameOf(app: App): string;
}

/**
 * Walks the slots of `app` in registration order, recursing into sub-applications in
 * their mount slot. Every completed startup part pushes its cleanup onto `stack`; a bare
 * `onCleanup` handler is pushed when its slot is reached. The first failure stops the
 * walk and is thrown as a {@link StartupError} naming the step and its app (the original
 * error is its `cause`): the caller cleans up what the stack holds.
 *
 * A provider's parts run in its slot: `lifespan` up to its yield, then `onStartup`; at
 * cleanup, in reverse, `onCleanup` (if `onStartup` completed) then the rest of `lifespan`.
 */
export async function runStartup<App>(app: App, tree: LifecycleTree<App>, stack: CleanupStack): Promise<void> {
  const step = async <R>(label: string, run: () => R | Promise<R>): Promise<R> => {
    try {
      return await run();
    } catch (err) {
      throw new StartupError(label, tree.nameOf(app), err);
    }
  };
  for (const slot of tree.slotsOf(app)) {
    switch (slot.kind) {
      case 'startup':
        await step(slot.label, () => slot.run(app));
        break;
      case 'cleanup':
        stack.push({ label: slot.label, run: () => slot.run(app) });
        break;
      case 'context':
        stack.push(await step(slot.label, () => openContext(slot.label, slot.open(app))));
        break;
      case 'app':
        await runStartup(slot.app, tree, stack);
        break;
      case 'provider': {
        const instance = await step(`provider ${slot.label}`, slot.resolve);
        if (typeof instance.lifespan === 'function') {
          const label = `CleanupContext ${slot.label}`;
          stack.push(await step(label, () => openContext(label, instance.lifespan!(app))));
        }
        if (typeof instance.onStartup === 'function') await step(`OnStartup ${slot.label}`, () => instance.onStartup!(app));
        if (typeof instance.onCleanup === 'function') stack.push({ label: `OnCleanup ${slot.label}`, run: () => instance.onCleanup!(app) });
        break;
      }
      case 'shutdown':
        break;
    }
  }
}

/**
 * Sends the shutdown notification: `onShutdown` handlers and providers in registration
 * order, a sub-app's in its mount slot. Every handler runs; the errors are returned. A
 * provider startup never reached (it failed before) has no instance and is left alone.
 */
export async function runShutdown<App>(app: App, tree: LifecycleTree<App>, errors: unknown[] = []): Promise<unknown[]> {
  for (const slot of tree.slotsOf(app)) {
    try {
      if (slot.kind === 'shutdown') await slot.run(app);
      if (slot.kind === 'provider') {
        const instance = slot.resolved();
        if (typeof instance?.onShutdown === 'function') await instance.onShutdown(app);
      }
    } catch (err) {
      errors.push(err);
    }
    if (slot.kind === 'app') await runShutdown(slot.app, tree, errors);
  }
  return errors;
}

/** Runs a cleanup context up to its one `yield`; the returned step runs the rest. */
async function openContext(label: string, iterator: ContextIterator): Promise<CleanupStack[number]> {
  if (iterator === null || typeof iterator !== 'object' || typeof iterator.next !== 'function') {
    throw new WeftError('WEFT_ERR_LIFECYCLE', `${label} must be an async generator function (async function* () { ...; yield; ... }): it returned ${describe(iterator)}`);
  }
  const first = await iterator.next();
  if (first.done === true) throw new WeftError('WEFT_ERR_LIFECYCLE', `${label} returned without yielding: a cleanup context must yield exactly once`);
  return {
    label,
    run: async () => {
      const second = await iterator.next();
      if (second.done !== true) {
        await iterator.return?.(undefined);
        throw new WeftError('WEFT_ERR_LIFECYCLE', `${label} yielded more than once: a cleanup context must yield exactly once`);
      }
    },
  };
}

function describe(value: unknown): string {
  if (value instanceof Promise) return 'a promise (an async function, not an async generator)';
  return value === null ? 'null' : typeof value;
}

/**
 * Runs the stack backwards (the exact reverse of startup), emptying it. Every error is
 * kept: one error is rethrown as is, several as a {@link CleanupError}.
 */
export async function runCleanup(stack: CleanupStack): Promise<void> {
  const errors: unknown[] = [];
  while (stack.length > 0) {
    const step = stack.pop()!;
    try {
      await step.run();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CleanupError(errors);
}
