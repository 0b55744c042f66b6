import 'reflect-metadata';
import { Controller } from '../../decorators/controller.js';
import { Module } from '../../decorators/module.js';
import { createApp } from '../app/application.js';
import { flattenModules } from './compile-container.js';

describe('flattenModules', () => {
  test('an undefined entry (a circular import between module files) is a coded error naming the module and the list, not a TypeError', () => {
    @Module({ imports: [undefined as never] })
    class UsersModule {}
    expect(() => flattenModules([UsersModule])).toThrow(
      'WEFT_ERR_INVALID_MODULE: @Module() on UsersModule: imports[0] is undefined, usually a circular import between files (the class was not defined yet when the list was read); import it from a file that does not import this one',
    );
    @Module({ controllers: [undefined as never] })
    class OrdersModule {}
    @Module({ imports: [OrdersModule] })
    class AppModule {}
    expect(() => flattenModules([AppModule])).toThrow('WEFT_ERR_INVALID_MODULE: @Module() on OrdersModule (imported by AppModule): controllers[0] is undefined, usually a circular import');
    @Module({ providers: [class Fine {}, null] })
    class BadProviders {}
    expect(() => flattenModules([BadProviders])).toThrow('WEFT_ERR_INVALID_MODULE: @Module() on BadProviders: providers[1] is null');
  });

  test('an entry that is no class is a coded error; a NestJS dynamic module is named as such', () => {
    @Module({})
    class Configured {}
    @Module({ imports: [{ module: Configured, providers: [] } as never] })
    class WithDynamic {}
    expect(() => flattenModules([WithDynamic])).toThrow(
      'WEFT_ERR_INVALID_MODULE: @Module() on WithDynamic: imports[0] must be a @Module() class, got an object (weft has no dynamic modules: import Configured and list its providers in providers)',
    );
    @Controller('/x')
    class X {}
    @Module({ controllers: X as never })
    class NotAList {}
    expect(() => flattenModules([NotAList])).toThrow('WEFT_ERR_INVALID_MODULE: @Module() on NotAList: controllers must be an array, got function');
  });

  test('an unknown key is a coded error; exports says that modules do not encapsulate', () => {
    @Module({ provider: [] } as never)
    class Misspelt {}
    expect(() => flattenModules([Misspelt])).toThrow(
      'WEFT_ERR_INVALID_MODULE: @Module() on Misspelt: unknown option "provider" (known: imports, controllers, providers, middlewares)',
    );
    class Db {}
    @Module({ providers: [Db], exports: [Db] } as never)
    class Nest {}
    expect(() => flattenModules([Nest])).toThrow(
      'WEFT_ERR_INVALID_MODULE: @Module() on Nest: weft has no exports: a module does not encapsulate, every provider it lists is visible to the whole app; remove exports',
    );
    @Module({ middlewares: (async () => undefined) as never })
    class OneMiddleware {}
    expect(() => flattenModules([OneMiddleware])).toThrow('WEFT_ERR_INVALID_MODULE: @Module() on OneMiddleware: middlewares must be an array, got function');
  });
});

describe('createApp lists', () => {
  test('undefined in modules, controllers or providers is WEFT_ERR_INVALID_OPTION at createApp(), not a TypeError at startup', () => {
    expect(() => createApp({ controllers: [undefined as never] })).toThrow(
      'WEFT_ERR_INVALID_OPTION: createApp(): controllers[0] is undefined, usually a circular import between files',
    );
    expect(() => createApp({ modules: [class A {}, undefined as never] })).toThrow('WEFT_ERR_INVALID_OPTION: createApp(): modules[1] is undefined');
    expect(() => createApp({ providers: [undefined as never] })).toThrow('WEFT_ERR_INVALID_OPTION: createApp(): providers[0] is undefined');
    expect(() => createApp({ controllers: ['UsersController' as never] })).toThrow('WEFT_ERR_INVALID_OPTION: createApp(): controllers[0] must be a @Controller() class, got "UsersController"');
  });
});
