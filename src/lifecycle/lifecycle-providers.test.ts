import { Container, Key } from '../../container/index.js';
import { Injectable } from '../../decorators/injectable.js';
import { type ProviderLike } from '../app/app-registrations.js';
import { WeftError } from '../errors.js';
import { type LifecycleParts, type LifecycleSlot } from './lifecycle.js';
import { lifecycleInterfacesOf, lifecycleProviderSlots } from './lifecycle-providers.js';

class Pool {
  async *lifespan() {
    yield;
  }
  onShutdown() {}
}
class Seeder {
  onStartup() {}
  onCleanup() {}
}
class PlainService {}
class DerivedPool extends Pool {}

const Db = new Key<Pool>('db');

function build(providers: ProviderLike[], configure?: (container: Container) => void) {
  const container = new Container({ name: 'main' });
  for (const provider of providers) container.register(provider as never);
  configure?.(container);
  container.freeze();
  return { container, slots: lifecycleProviderSlots<unknown>(providers, container, 'main') };
}

function resolved(slot: LifecycleSlot<unknown>): LifecycleParts<unknown> {
  if (slot.kind !== 'provider') throw new Error(`not a provider slot: ${slot.kind}`);
  return slot.resolve();
}

describe('lifecycleInterfacesOf', () => {
  test('finds the interfaces by prototype methods, inherited ones too', () => {
    expect(lifecycleInterfacesOf(Pool)).toEqual(['CleanupContext', 'OnShutdown']);
    expect(lifecycleInterfacesOf(Seeder)).toEqual(['OnStartup', 'OnCleanup']);
    expect(lifecycleInterfacesOf(DerivedPool)).toEqual(['CleanupContext', 'OnShutdown']);
    expect(lifecycleInterfacesOf(PlainService)).toEqual([]);
    expect(lifecycleInterfacesOf(undefined)).toEqual([]);
    expect(lifecycleInterfacesOf(() => undefined)).toEqual([]);
  });

  test('a method named like a hook but not a function does not count', () => {
    class Odd {}
    (Odd.prototype as unknown as Record<string, unknown>).onStartup = 'not a function';
    expect(lifecycleInterfacesOf(Odd)).toEqual([]);
  });
});

describe('lifecycleProviderSlots', () => {
  test('one slot per class or useClass provider with hooks, in registration order', () => {
    const { container, slots } = build([
      PlainService,
      Seeder,
      { provide: Db, useClass: DerivedPool },
      { provide: new Key('value'), useValue: new Seeder() },
      { provide: new Key('factory'), useFactory: () => new Seeder() },
      { provide: new Key('alias'), useExisting: Seeder },
    ]);
    expect(slots.map((slot) => [slot.kind, slot.label])).toEqual([
      ['provider', 'Seeder'],
      ['provider', 'Key(db) (useClass DerivedPool)'],
    ]);
    expect(resolved(slots[0])).toBe(container.get(Seeder));
    expect(resolved(slots[1])).toBe(container.get(Db));
    expect(resolved(slots[1])).toBeInstanceOf(DerivedPool);
  });

  test('the instance is resolved once, when startup reaches the slot', () => {
    let made = 0;
    class Counted {
      constructor() {
        made++;
      }
      onStartup() {}
    }
    const { slots } = build([Counted]);
    expect(made).toBe(0);
    expect(resolved(slots[0])).toBe(resolved(slots[0]));
    expect(made).toBe(1);
  });

  test('a test override decides the instance: a fake without hooks runs none', () => {
    const fake = { fake: true };
    const { slots } = build([Seeder], (container) => container.override(Seeder, { useValue: fake as never }));
    expect(resolved(slots[0])).toBe(fake);
  });

  test('a request-scoped lifecycle provider is WEFT_ERR_LIFECYCLE_SCOPE', () => {
    @Injectable({ scope: 'request' })
    class PerRequest {
      onStartup() {}
    }
    const error = (() => {
      try {
        build([PerRequest]);
      } catch (err) {
        return err;
      }
    })() as WeftError;
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('WEFT_ERR_LIFECYCLE_SCOPE');
    expect(error.message).toBe(
      "WEFT_ERR_LIFECYCLE_SCOPE: PerRequest implements OnStartup but is request-scoped in app 'main': a lifecycle provider is resolved once, at startup, so it must be a singleton",
    );
  });

  test('a transient one too, and an override that makes it request-scoped', () => {
    expect(() => build([{ provide: Db, useClass: Pool, scope: 'transient' }])).toThrow(
      "WEFT_ERR_LIFECYCLE_SCOPE: Key(db) (useClass Pool) implements CleanupContext, OnShutdown but is transient-scoped in app 'main'",
    );
    expect(() => build([Seeder], (container) => container.override(Seeder, { useClass: Seeder, scope: 'request' }))).toThrow('is request-scoped');
  });
});
