import { checkOptions } from './container-options.js';

describe('checkOptions', () => {
  test('accepts undefined and objects with allowed keys', () => {
    expect(checkOptions(undefined, ['override'], 'X')).toBeUndefined();
    expect(checkOptions({ override: true }, ['override'], 'X')).toEqual({ override: true });
  });

  test('rejects non-objects and unknown keys with WEFT_DI_INVALID_PROVIDER', () => {
    expect(() => checkOptions(null, ['override'], 'X')).toThrow('WEFT_DI_INVALID_PROVIDER: invalid provider for X: options must be an object, got null');
    expect(() => checkOptions({ overide: true, scop: 1 }, ['override', 'scope'], 'X')).toThrow(
      'WEFT_DI_INVALID_PROVIDER: invalid provider for X: unknown option overide, scop; a provider has one of useClass, useValue, useFactory, useExisting, options are override, scope',
    );
  });
});
