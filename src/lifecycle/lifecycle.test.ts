import { CleanupError } from './cleanup-error.js';
import { type CleanupStack, type LifecycleSlot, runCleanup, runStartup } from './lifecycle.js';

interface FakeApp {
  name: string;
  slots: LifecycleSlot<FakeApp>[];
}

function recorder() {
  const log: string[] = [];
  const startup = (name: string): LifecycleSlot<FakeApp> => ({ kind: 'startup', label: name, run: (app) => void log.push(`${app.name}.${name}:startup`) });
  const cleanup = (name: string): LifecycleSlot<FakeApp> => ({ kind: 'cleanup', label: name, run: (app) => void log.push(`${app.name}.${name}:cleanup`) });
  const context = (name: string, fail?: 'enter' | 'exit' | 'twice' | 'never'): LifecycleSlot<FakeApp> => ({
    kind: 'context',
    label: name,
    open: async function* (app) {
      if (fail === 'never') return;
      if (fail === 'enter') throw new Error(`${name} failed to start`);
      log.push(`${app.name}.${name}:enter`);
      yield;
      if (fail === 'twice') yield;
      if (fail === 'exit') throw new Error(`${name} failed to stop`);
      log.push(`${app.name}.${name}:exit`);
    },
  });
  return { log, startup, cleanup, context };
}

const slotsOf = (app: FakeApp) => app.slots;

describe('lifecycle', () => {
  test('startup in registration order, sub-app in its slot; cleanup the exact reverse', async () => {
    const { log, startup, cleanup, context } = recorder();
    const deep: FakeApp = { name: 'deep', slots: [context('ctx'), startup('h'), cleanup('h')] };
    const admin: FakeApp = { name: 'admin', slots: [context('ctx'), startup('h'), { kind: 'app', label: 'deep', app: deep }, cleanup('h')] };
    const main: FakeApp = {
      name: 'main',
      slots: [context('ctx1'), startup('h1'), cleanup('h1'), { kind: 'app', label: 'admin', app: admin }, context('ctx2'), startup('h2'), cleanup('h2')],
    };
    const stack: CleanupStack = [];
    await runStartup(main, slotsOf, stack);
    await runCleanup(stack);
    expect(log).toEqual([
      'main.ctx1:enter',
      'main.h1:startup',
      'admin.ctx:enter',
      'admin.h:startup',
      'deep.ctx:enter',
      'deep.h:startup',
      'main.ctx2:enter',
      'main.h2:startup',
      'main.h2:cleanup',
      'main.ctx2:exit',
      'admin.h:cleanup',
      'deep.h:cleanup',
      'deep.ctx:exit',
      'admin.ctx:exit',
      'main.h1:cleanup',
      'main.ctx1:exit',
    ]);
  });

  test('a failed startup leaves exactly the owed cleanups on the stack', async () => {
    const { log, context } = recorder();
    const app: FakeApp = { name: 'app', slots: [context('first'), context('second', 'enter'), context('third')] };
    const stack: CleanupStack = [];
    await expect(runStartup(app, slotsOf, stack)).rejects.toThrow('second failed to start');
    await runCleanup(stack);
    expect(log).toEqual(['app.first:enter', 'app.first:exit']);
  });

  test('one cleanup error is rethrown as is; several form a CleanupError, none lost', async () => {
    const { context } = recorder();
    const one: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('x', 'exit')] }, slotsOf, one);
    await expect(runCleanup(one)).rejects.toThrow('x failed to stop');

    const two: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('x', 'exit'), context('y', 'exit')] }, slotsOf, two);
    const error = await runCleanup(two).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors.map((e: Error) => e.message)).toEqual(['y failed to stop', 'x failed to stop']);
    expect(two).toHaveLength(0);
  });

  test('a cleanup context must yield exactly once', async () => {
    const { context } = recorder();
    await expect(runStartup({ name: 'a', slots: [context('none', 'never')] }, slotsOf, [])).rejects.toThrow(
      'cleanup context none returned without yielding: it must yield exactly once',
    );
    const stack: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('twice', 'twice')] }, slotsOf, stack);
    await expect(runCleanup(stack)).rejects.toThrow('cleanup context twice yielded more than once: it must yield exactly once');
  });
});
