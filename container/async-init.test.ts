import { failedProviderOf, initialiseBindings } from './async-init.js';
import type { Binding } from './binding.js';

function fake(name: string, log: string[], dependencies: Binding[] = [], async = true): Binding {
  let done = false;
  return {
    token: name,
    name,
    kind: 'factory',
    scope: 'singleton',
    resolve: () => undefined,
    resolveOptional: () => undefined,
    needsScope: false,
    scopeChain: [],
    scopeOrigin: '',
    dependencies,
    declaredSlot: undefined,
    prepare: async
      ? () =>
          done
            ? undefined
            : new Promise<void>((resolve) =>
                setTimeout(() => {
                  done = true;
                  log.push(name);
                  resolve();
                }, 1),
              )
      : undefined,
  };
}

describe('initialiseBindings', () => {
  test('readies dependencies first, each binding once, in the given order otherwise', async () => {
    const log: string[] = [];
    const pool = fake('pool', log);
    const cache = fake('cache', log);
    const repo = fake('repo', log, [pool, cache]);
    const plain = fake('plain', log, [repo], false);
    await initialiseBindings([plain, cache, pool, repo]);
    expect(log).toEqual(['pool', 'cache', 'repo']);
  });

  test('rejects with the first failure', async () => {
    const failing: Binding = { ...fake('x', []), prepare: () => Promise.reject(new Error('cannot connect')) };
    await expect(initialiseBindings([failing])).rejects.toThrow('cannot connect');
  });
});

describe('failedProviderOf', () => {
  function failing(name: string, thrown: unknown, dependencies: Binding[] = []): Binding {
    return { ...fake(name, [], dependencies), prepare: () => Promise.reject(thrown) };
  }

  it('names the provider whose factory threw, not the one that depends on it', async () => {
    const refused = new Error('ECONNREFUSED');
    const pool = failing('Pool', refused);
    const repo = { ...fake('Repo', [], [pool]) };
    await expect(initialiseBindings([repo])).rejects.toBe(refused);
    expect(failedProviderOf(refused)).toBe('Pool');
  });

  it('names the provider that threw it last: an error object two factories share (a module-level one) is not pinned to the first', async () => {
    const notConfigured = new Error('not configured');
    await expect(initialiseBindings([failing('Pool', notConfigured)])).rejects.toBe(notConfigured);
    await expect(initialiseBindings([failing('Mailer', notConfigured)])).rejects.toBe(notConfigured);
    expect(failedProviderOf(notConfigured)).toBe('Mailer');
  });

  it('is undefined for a thrown value that is not an object, and for other errors', async () => {
    await expect(initialiseBindings([failing('Pool', 'down')])).rejects.toBe('down');
    expect(failedProviderOf('down')).toBeUndefined();
    expect(failedProviderOf(new Error('elsewhere'))).toBeUndefined();
  });
});
