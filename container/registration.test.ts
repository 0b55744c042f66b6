import { DiError } from './errors.js';
import { recordInjectable } from './injection-metadata.js';
import { Key } from './key.js';
import {
  assertProviderToken,
  classRegistration,
  declaredRegistration,
  looksLikeProvider,
  providerRegistration,
  registerArguments,
} from './registration.js';
import { thrownBy } from './thrown-by.test-support.js';

const errorOf = (fn: () => unknown): DiError => thrownBy(fn, DiError);

const Db = new Key<string>('db');
class Service {}
class PerRequest {}
recordInjectable(PerRequest, { scope: 'request' });

describe('classRegistration', () => {
  test('scope: given, else @Injectable, else singleton', () => {
    expect(classRegistration(Service, undefined).recipe).toEqual({ kind: 'class', useClass: Service, scope: 'singleton' });
    expect(classRegistration(PerRequest, undefined).recipe).toMatchObject({ scope: 'request' });
    expect(classRegistration(PerRequest, 'transient').recipe).toMatchObject({ scope: 'transient' });
    expect(classRegistration(Service, undefined).name).toBe('Service');
  });

  test('an unknown scope is WEFT_DI_INVALID_PROVIDER', () => {
    expect(errorOf(() => classRegistration(Service, 'forever')).message).toBe(
      `WEFT_DI_INVALID_PROVIDER: invalid provider for Service: scope "forever" is not one of 'singleton', 'request', 'transient'`,
    );
  });
});

class TwoParams {
  constructor(
    readonly a: unknown,
    readonly b: unknown,
  ) {}
}

describe('providerRegistration', () => {
  test('each kind becomes its recipe', () => {
    const factory = (db: string) => db;
    expect(providerRegistration(Db, { useValue: 'x' }).recipe).toEqual({ kind: 'value', value: 'x' });
    expect(providerRegistration(Db, { useExisting: 'legacy-db' }).recipe).toEqual({ kind: 'existing', target: 'legacy-db' });
    expect(providerRegistration(Service, { useClass: PerRequest }).recipe).toEqual({
      kind: 'class',
      useClass: PerRequest,
      scope: 'request',
      deps: undefined,
    });
    expect(providerRegistration(Db, { useFactory: factory, deps: [Db] }).recipe).toEqual({
      kind: 'factory',
      factory,
      scope: 'singleton',
      deps: [Db],
    });
  });

  test('a value provider may hold undefined', () => {
    expect(providerRegistration(Db, { useValue: undefined }).recipe).toEqual({ kind: 'value', value: undefined });
  });

  test.each<[unknown, string]>([
    [{}, 'a provider needs exactly one of useClass, useValue, useFactory, useExisting (found none)'],
    [{ useValue: 1, useClass: Service }, 'a provider needs exactly one of useClass, useValue, useFactory, useExisting (found useClass and useValue)'],
    [{ useClass: 'Service' }, 'useClass must be a class, got "Service"'],
    [{ useFactory: 42 }, 'useFactory must be a function'],
    [{ useExisting: 42 }, 'useExisting must be a token, got <not a token: number 42>'],
    [{ useExisting: Db }, 'useExisting points to the token itself'],
    [{ useFactory: () => 1, deps: Db }, 'deps must be an array of tokens'],
    [{ useFactory: () => 1, scope: 'app' }, `scope "app" is not one of 'singleton', 'request', 'transient'`],
    [null, 'a provider needs exactly one of useClass, useValue, useFactory, useExisting (found none)'],
    [
      { useValue: 'a', scope: 'request' },
      'a useValue provider takes useValue; "scope" would be ignored (a value is one instance: give useFactory a scope for one per request)',
    ],
    [{ useExisting: Service, deps: [] }, 'a useExisting provider takes useExisting; "deps" would be ignored'],
    [{ useFactory: () => 1, scoped: 'request' }, 'a useFactory provider takes useFactory, scope, deps; "scoped" would be ignored'],
    [{ useClass: TwoParams, deps: [Service] }, 'deps lists 1 of the 2 constructor parameters of TwoParams: the rest would be undefined'],
  ])('%j is WEFT_DI_INVALID_PROVIDER', (provider, detail) => {
    const error = errorOf(() => providerRegistration(Db, provider));
    expect(error.code).toBe('WEFT_DI_INVALID_PROVIDER');
    expect(error.message).toBe(`WEFT_DI_INVALID_PROVIDER: invalid provider for Key(db): ${detail}`);
    expect(error.path).toEqual(['Key(db)']);
  });

  test('a dependency that is not a token (undefined: a circular import) is WEFT_DI_INVALID_TOKEN', () => {
    expect(errorOf(() => providerRegistration(Db, { useFactory: () => 1, deps: [Service, undefined as never] })).message).toBe(
      'WEFT_DI_INVALID_TOKEN: dependency #2 of Key(db) is <not a token: undefined undefined>, not a token (undefined often means a circular import)',
    );
  });
});

describe('declaredRegistration', () => {
  test("needs { scope: 'request' }", () => {
    expect(declaredRegistration(Db, { scope: 'request' }).recipe).toEqual({ kind: 'declared' });
    expect(errorOf(() => declaredRegistration(Db, undefined)).code).toBe('WEFT_DI_INVALID_PROVIDER');
  });
});

describe('assertProviderToken and looksLikeProvider', () => {
  test('classes and keys are provider tokens; strings, symbols and others are not', () => {
    expect(() => assertProviderToken(Service, 'register')).not.toThrow();
    expect(() => assertProviderToken(Db, 'register')).not.toThrow();
    expect(errorOf(() => assertProviderToken(Symbol('s'), 'provide')).message).toBe(
      'WEFT_DI_INVALID_TOKEN: provide() got Symbol(s) as token: strings and symbols are only looked up in a fallback container (inversify, tsyringe); register a class or a Key',
    );
    expect(errorOf(() => assertProviderToken({}, 'register')).message).toBe(
      'WEFT_DI_INVALID_TOKEN: register() got <not a token: an object ([object Object])> as token: give a class or a Key',
    );
  });

  test('a provider has a use… member', () => {
    expect(looksLikeProvider({ useValue: undefined })).toBe(true);
    expect(looksLikeProvider({ scope: 'request' })).toBe(false);
    expect(looksLikeProvider(undefined)).toBe(false);
  });
});

describe('registerArguments', () => {
  const open = () => undefined;

  test('(Class, options), (token, provider, options) and ({ provide }, options)', () => {
    expect(registerArguments(Service, { scope: 'request', override: true }, undefined, open)).toMatchObject({
      registration: { token: Service, recipe: { kind: 'class', scope: 'request' } },
      override: true,
    });
    expect(registerArguments(Db, { useValue: 'x' }, { override: true }, open)).toMatchObject({
      registration: { token: Db, recipe: { kind: 'value', value: 'x' } },
      override: true,
    });
    expect(registerArguments({ provide: Db, useValue: 'y' }, undefined, undefined, open)).toMatchObject({
      registration: { token: Db, recipe: { kind: 'value', value: 'y' } },
      override: false,
    });
  });

  test("{ provide, scope: 'request' } with no use… member declares a per-request token", () => {
    expect(registerArguments({ provide: Db, scope: 'request' }, undefined, undefined, open).registration.recipe).toEqual({
      kind: 'declared',
    });
    expect(errorOf(() => registerArguments({ provide: Db, scope: 'singleton' }, undefined, undefined, open)).message).toBe(
      `WEFT_DI_INVALID_PROVIDER: invalid provider for Key(db): declare(Key(db), options) needs { scope: 'request' } (got "singleton"): only per-request values are declared`,
    );
  });

  test('asks assertOpen first, with the token', () => {
    const asked: unknown[] = [];
    registerArguments({ provide: Db, useValue: 1 }, undefined, undefined, (t) => asked.push(t));
    registerArguments(Service, undefined, undefined, (t) => asked.push(t));
    expect(asked).toEqual([Db, Service]);
  });

  test('options of the wrong shape are WEFT_DI_INVALID_PROVIDER', () => {
    expect(errorOf(() => registerArguments(Db, { useValue: 1 }, { scope: 'request' }, open)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Key(db): unknown option scope; a provider has one of useClass, useValue, useFactory, useExisting, options are override',
    );
    expect(errorOf(() => registerArguments(Service, 'request', undefined, open)).message).toBe(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for Service: options must be an object, got request',
    );
  });
});
