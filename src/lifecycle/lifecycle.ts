import { CleanupError } from './cleanup-error.js';

/** One registration in an application's lifecycle, in registration order. */
export type LifecycleSlot<App> =
  | { kind: 'startup'; label: string; run: (app: App) => unknown }
  | { kind: 'cleanup'; label: string; run: (app: App) => unknown }
  | { kind: 'shutdown'; label: string; run: (app: App) => unknown }
  | { kind: 'context'; label: string; open: (app: App) => AsyncGenerator<unknown, unknown, unknown> | AsyncIterator<unknown> }
  | { kind: 'app'; label: string; app: App };

/** What the startup walk leaves behind to undo, newest last. */
export type CleanupStack = Array<{ label: string; run: () => Promise<unknown> | unknown }>;

/** Gives the slots of an application (its own registrations, sub-apps included as `app` slots). */
export type SlotsOf<App> = (app: App) => readonly LifecycleSlot<App>[];

/**
 * Walks the slots of `app` in registration order, recursing into sub-applications in
 * their mount slot. Every completed startup part pushes its cleanup onto `stack`; a bare
 * `onCleanup` handler is pushed when its slot is reached. The first failure stops the
 * walk and is rethrown: the caller cleans up what the stack holds.
 */
export async function runStartup<App>(app: App, slotsOf: SlotsOf<App>, stack: CleanupStack): Promise<void> {
  for (const slot of slotsOf(app)) {
    switch (slot.kind) {
      case 'startup':
        await slot.run(app);
        break;
      case 'cleanup':
        stack.push({ label: slot.label, run: () => slot.run(app) });
        break;
      case 'context':
        stack.push(await openContext(app, slot));
        break;
      case 'app':
        await runStartup(slot.app, slotsOf, stack);
        break;
      case 'shutdown':
        break;
    }
  }
}

async function openContext<App>(app: App, slot: Extract<LifecycleSlot<App>, { kind: 'context' }>) {
  const generator = slot.open(app);
  const first = await generator.next();
  if (first.done) throw new Error(`cleanup context ${slot.label} returned without yielding: it must yield exactly once`);
  return {
    label: slot.label,
    run: async () => {
      const second = await generator.next();
      if (!second.done) {
        await generator.return?.(undefined);
        throw new Error(`cleanup context ${slot.label} yielded more than once: it must yield exactly once`);
      }
    },
  };
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
