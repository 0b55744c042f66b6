import { Key } from './key.js';
import {
  isClassProvider,
  isExistingProvider,
  isFactoryProvider,
  isOptionalDependency,
  isValueProvider,
  optional,
  type Provider,
  type ProviderDefinition,
} from './provider.js';

class Clock {}
const Db = new Key<string>('db');

describe('provider type guards', () => {
  test('tell the kinds apart by their use… member', () => {
    const providers: Provider<unknown>[] = [{ useClass: Clock }, { useValue: undefined }, { useFactory: () => 1 }, { useExisting: Db }];
    expect(providers.map(isClassProvider)).toEqual([true, false, false, false]);
    expect(providers.map(isValueProvider)).toEqual([false, true, false, false]);
    expect(providers.map(isFactoryProvider)).toEqual([false, false, true, false]);
    expect(providers.map(isExistingProvider)).toEqual([false, false, false, true]);
  });

  test('are false for non-objects', () => {
    for (const value of [undefined, null, 'useClass', Clock]) {
      expect(isClassProvider(value)).toBe(false);
      expect(isValueProvider(value)).toBe(false);
    }
  });
});

describe('optional dependencies', () => {
  test('optional() wraps a token', () => {
    expect(optional(Db)).toEqual({ token: Db, optional: true });
    expect(isOptionalDependency(optional(Db))).toBe(true);
    expect(isOptionalDependency(Db)).toBe(false);
    expect(isOptionalDependency({ token: Db })).toBe(false);
    expect(isOptionalDependency(null)).toBe(false);
  });
});

describe('factory provider typing', () => {
  test('a factory with typed parameters fits a provider list, where deps are not inferred (createApp, @Module)', () => {
    class Config {
      readonly url = 'postgres://db';
    }
    class Pool {
      constructor(readonly url: string) {}
    }
    // this is a type test as much as a runtime one: `npm run typecheck` refused it before
    const providers: ProviderDefinition<unknown>[] = [{ provide: Pool, useFactory: (config: Config) => new Pool(config.url), deps: [Config] }];
    expect(isFactoryProvider(providers[0])).toBe(true);
  });
});
