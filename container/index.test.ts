import * as di from './index.js';

describe('container/index', () => {
  test('re-exports the public API', () => {
    for (const name of [
      'Key',
      'tokenName',
      'Container',
      'RequestScope',
      'DiError',
      'DisposeError',
      'DI_ERROR_CODES',
      'isClassProvider',
      'isValueProvider',
      'isFactoryProvider',
      'isExistingProvider',
      'isOptionalDependency',
      'optional',
      'isDisposable',
      'fromInversify',
      'fromTsyringe',
      'readConstructorParameters',
      'readMethodParameters',
      'readParameterInjections',
      'readInjectable',
    ]) {
      expect(di).toHaveProperty(name);
    }
  });

  test('does not leak internals', () => {
    for (const name of ['compileBindings', 'InstanceOwner', 'RegistrationTable', 'requestResolver', 'recordInjectable']) {
      expect(di).not.toHaveProperty(name);
    }
  });
});
