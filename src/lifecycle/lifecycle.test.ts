import { WeftError } from '../errors.js';
import { CleanupError } from './cleanup-error.js';
import { StartupError } from './startup-error.js';
import { type CleanupStack, type LifecycleParts, type LifecycleSlot, type LifecycleTree, runCleanup, runShutdown, runStartup } from './lifecycle.js';

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

const tree: LifecycleTree<FakeApp> = { slotsOf: (app) => app.slots, nameOf: (app) => app.name };

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
    await runStartup(main, tree, stack);
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

  test('a failed startup leaves exactly the owed cleanups on the stack; the error names the step and app', async () => {
    const { log, context } = recorder();
    const app: FakeApp = { name: 'app', slots: [context('first'), context('second', 'enter'), context('third')] };
    const stack: CleanupStack = [];
    const error = await runStartup(app, tree, stack).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).message).toBe("WEFT_ERR_STARTUP: startup failed in second (app 'app'): second failed to start");
    expect((error as StartupError).code).toBe('WEFT_ERR_STARTUP');
    expect((error as StartupError).hook).toBe('second');
    expect((error as StartupError).appName).toBe('app');
    expect(((error as StartupError).cause as Error).message).toBe('second failed to start');
    await runCleanup(stack);
    expect(log).toEqual(['app.first:enter', 'app.first:exit']);
  });

  test('a failure inside a sub-app names the sub-app, wrapped once', async () => {
    const failing: LifecycleSlot<FakeApp> = { kind: 'startup', label: 'onStartup boom', run: () => Promise.reject(new Error('boom')) };
    const admin: FakeApp = { name: 'admin', slots: [failing] };
    const error = (await runStartup({ name: 'main', slots: [{ kind: 'app', label: 'admin', app: admin }] }, tree, []).catch((e: unknown) => e)) as StartupError;
    expect(error.message).toBe("WEFT_ERR_STARTUP: startup failed in onStartup boom (app 'admin'): boom");
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toBeInstanceOf(StartupError);
  });

  test('one cleanup error is rethrown as is; several form a CleanupError, none lost', async () => {
    const { context } = recorder();
    const one: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('x', 'exit')] }, tree, one);
    await expect(runCleanup(one)).rejects.toThrow('x failed to stop');

    const two: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('x', 'exit'), context('y', 'exit')] }, tree, two);
    const error = await runCleanup(two).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors.map((e: Error) => e.message)).toEqual(['y failed to stop', 'x failed to stop']);
    expect(two).toHaveLength(0);
  });

  test('a cleanup context must yield exactly once (coded errors)', async () => {
    const { context } = recorder();
    const none = (await runStartup({ name: 'a', slots: [context('none', 'never')] }, tree, []).catch((e: unknown) => e)) as StartupError;
    expect((none.cause as WeftError).code).toBe('WEFT_ERR_LIFECYCLE');
    expect(none.message).toBe(
      "WEFT_ERR_STARTUP: startup failed in none (app 'a'): WEFT_ERR_LIFECYCLE: none returned without yielding: a cleanup context must yield exactly once",
    );
    const stack: CleanupStack = [];
    await runStartup({ name: 'a', slots: [context('twice', 'twice')] }, tree, stack);
    const twice = await runCleanup(stack).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(WeftError);
    expect((twice as WeftError).code).toBe('WEFT_ERR_LIFECYCLE');
    expect((twice as WeftError).message).toBe('WEFT_ERR_LIFECYCLE: twice yielded more than once: a cleanup context must yield exactly once');
  });

  test('a cleanup context that is not an async generator is a coded startup error', async () => {
    const notGenerator: LifecycleSlot<FakeApp> = { kind: 'context', label: 'ctx', open: (async () => undefined) as never };
    const error = (await runStartup({ name: 'a', slots: [notGenerator] }, tree, []).catch((e: unknown) => e)) as StartupError;
    expect((error.cause as WeftError).code).toBe('WEFT_ERR_LIFECYCLE');
    expect(error.message).toContain('ctx must be an async generator function (async function* () { ...; yield; ... }): it returned a promise (an async function, not an async generator)');
  });
});

describe('lifecycle provider slots', () => {
  function provider(name: string, log: string[], parts: { lifespan?: 'ok' | 'fail'; startup?: 'ok' | 'fail'; cleanup?: true; shutdown?: true }) {
    const instance: LifecycleParts<FakeApp> = {};
    if (parts.lifespan) {
      instance.lifespan = async function* (app) {
        if (parts.lifespan === 'fail') throw new Error(`${name} lifespan failed`);
        log.push(`${app.name}.${name}:enter`);
        yield;
        log.push(`${app.name}.${name}:exit`);
      };
    }
    if (parts.startup) {
      instance.onStartup = (app) => {
        if (parts.startup === 'fail') throw new Error(`${name} onStartup failed`);
        log.push(`${app.name}.${name}:startup`);
      };
    }
    if (parts.cleanup) instance.onCleanup = (app) => void log.push(`${app.name}.${name}:cleanup`);
    if (parts.shutdown) instance.onShutdown = (app) => void log.push(`${app.name}.${name}:shutdown`);
    let resolutions = 0;
    const slot: LifecycleSlot<FakeApp> = {
      kind: 'provider',
      label: name,
      resolve: () => {
        resolutions++;
        return instance;
      },
      resolved: () => (resolutions > 0 ? instance : undefined),
    };
    return { slot, resolutions: () => resolutions };
  }

  test("a provider's parts share one slot: lifespan then onStartup; back: onCleanup then the rest of lifespan", async () => {
    const log: string[] = [];
    const pool = provider('Pool', log, { lifespan: 'ok', startup: 'ok', cleanup: true, shutdown: true });
    const hook: LifecycleSlot<FakeApp> = { kind: 'startup', label: 'h', run: () => void log.push('main.h:startup') };
    const app: FakeApp = { name: 'main', slots: [pool.slot, hook] };
    const stack: CleanupStack = [];
    await runStartup(app, tree, stack);
    expect(await runShutdown(app, tree)).toEqual([]);
    await runCleanup(stack);
    expect(log).toEqual(['main.Pool:enter', 'main.Pool:startup', 'main.h:startup', 'main.Pool:shutdown', 'main.Pool:cleanup', 'main.Pool:exit']);
    expect(stack.map((s) => s.label)).toEqual([]);
  });

  test('onStartup failing: its onCleanup is not owed, its lifespan exit is; the error names OnStartup', async () => {
    const log: string[] = [];
    const pool = provider('Pool', log, { lifespan: 'ok', startup: 'fail', cleanup: true });
    const stack: CleanupStack = [];
    await expect(runStartup({ name: 'main', slots: [pool.slot] }, tree, stack)).rejects.toThrow(
      "WEFT_ERR_STARTUP: startup failed in OnStartup Pool (app 'main'): Pool onStartup failed",
    );
    expect(stack.map((s) => s.label)).toEqual(['CleanupContext Pool']);
    await runCleanup(stack);
    expect(log).toEqual(['main.Pool:enter', 'main.Pool:exit']);
  });

  test('lifespan failing names CleanupContext; resolution failing names the provider', async () => {
    const log: string[] = [];
    const pool = provider('Pool', log, { lifespan: 'fail', startup: 'ok', cleanup: true });
    const stack: CleanupStack = [];
    await expect(runStartup({ name: 'main', slots: [pool.slot] }, tree, stack)).rejects.toThrow("startup failed in CleanupContext Pool (app 'main'): Pool lifespan failed");
    expect(stack).toEqual([]);

    const broken: LifecycleSlot<FakeApp> = {
      kind: 'provider',
      label: 'Broken',
      resolve: () => {
        throw new Error('constructor threw');
      },
      resolved: () => undefined,
    };
    await expect(runStartup({ name: 'main', slots: [broken] }, tree, [])).rejects.toThrow("startup failed in provider Broken (app 'main'): constructor threw");
  });

  test('a provider with no lifecycle parts (e.g. a test override) takes its slot and does nothing', async () => {
    const log: string[] = [];
    const fake = provider('Fake', log, {});
    const stack: CleanupStack = [];
    await runStartup({ name: 'main', slots: [fake.slot] }, tree, stack);
    expect(await runShutdown({ name: 'main', slots: [fake.slot] }, tree)).toEqual([]);
    expect(stack).toEqual([]);
    expect(fake.resolutions()).toBe(1);
  });

  test('shutdown leaves alone a provider startup never reached: it is not resolved', async () => {
    const log: string[] = [];
    const failing: LifecycleSlot<FakeApp> = { kind: 'startup', label: 'seed', run: () => Promise.reject(new Error('seed failed')) };
    const late = provider('Late', log, { shutdown: true });
    const app: FakeApp = { name: 'main', slots: [failing, late.slot] };
    await expect(runStartup(app, tree, [])).rejects.toThrow('seed failed');
    expect(await runShutdown(app, tree)).toEqual([]);
    expect(late.resolutions()).toBe(0);
    expect(log).toEqual([]);
  });

  test('shutdown runs every handler in registration order, sub-apps in their slot, and gathers errors', async () => {
    const log: string[] = [];
    const fail: LifecycleSlot<FakeApp> = { kind: 'shutdown', label: 'fail', run: () => Promise.reject(new Error('shutdown failed')) };
    const note = (name: string): LifecycleSlot<FakeApp> => ({ kind: 'shutdown', label: name, run: (app) => void log.push(`${app.name}.${name}`) });
    const admin: FakeApp = { name: 'admin', slots: [note('a'), fail] };
    const main: FakeApp = { name: 'main', slots: [provider('P', log, { shutdown: true }).slot, note('m1'), { kind: 'app', label: 'admin', app: admin }, note('m2')] };
    await runStartup(main, tree, []);
    const errors = await runShutdown(main, tree);
    expect(log).toEqual(['main.P:shutdown', 'main.m1', 'admin.a', 'main.m2']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['shutdown failed']);
  });
});
