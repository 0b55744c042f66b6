import 'reflect-metadata';
import { Atomic } from '../../decorators/atomic.js';
import { Controller } from '../../decorators/controller.js';
import { Use } from '../../decorators/middleware.js';
import { Inject, Optional } from '../../decorators/inject.js';
import { Body, Param, Query } from '../../decorators/params.js';
import { Get, Post, Route } from '../../decorators/route.js';
import { WebSocket } from '../../decorators/websocket.js';
import { createApp } from '../app/application.js';
import { joinPath, readController } from './controller-routes.js';

const a = async () => undefined;
const b = async () => undefined;

describe('readController', () => {
  @Use(a)
  abstract class Base<T> {
    @Get('/{id}')
    show(@Param('id') id: string): T | string {
      return id;
    }

    @Post('')
    create(): void {}

    @Get('/base-only')
    @Use(b)
    baseOnly(): void {}
  }

  @Controller('/things')
  class Things extends Base<number> {
    override show(id: string) {
      return `child ${id}`;
    }

    @Get('/new-create')
    override create(): void {}
  }

  test('inherits routes under its own prefix; re-decorated methods replace the inherited route', () => {
    const def = readController(Things);
    expect(def.prefix).toBe('/things');
    expect(def.routes.map((r) => `${r.route.method} ${r.route.path} ${String(r.route.propertyKey)}`).sort()).toEqual([
      'GET /base-only baseOnly',
      'GET /new-create create',
      'GET /{id} show',
    ]);
    expect(def.routes.find((r) => r.route.propertyKey === 'show')!.params).toEqual([{ index: 0, kind: 'param', name: 'id' }]);
    expect(def.middlewares).toEqual([a]);
    expect(def.routes.find((r) => r.route.propertyKey === 'baseOnly')!.uses).toEqual([b]);
  });

  test('a class without @Controller in its lineage is a coded error', () => {
    class Nope {}
    expect(() => readController(Nope)).toThrow('WEFT_ERR_INVALID_CONTROLLER: Nope is used as a controller but neither it nor a parent class has @Controller()');
  });

  test("a route path without a leading '/' is a coded error, not glued to the prefix", () => {
    @Controller('/users')
    class Users {
      @Get('list')
      list(): string {
        return 'all';
      }
    }
    expect(() => readController(Users)).toThrow(
      `WEFT_ERR_INVALID_PATH: Users.list: the route path "list" must start with '/' (it is appended to the controller prefix "/users"), or be '' for the prefix itself`,
    );
    @Controller('/users')
    class Fine {
      @Get()
      all(): string {
        return 'all';
      }
    }
    expect(readController(Fine).routes.map(({ route }) => route.path)).toEqual(['']);
  });

  test('a prefix that is not a string (options written first) is a coded error', () => {
    const optionsFirst = (Controller as unknown as (options: object) => ClassDecorator)({ middlewares: [] });
    @optionsFirst
    class Misread {}
    expect(() => readController(Misread)).toThrow(
      "WEFT_ERR_INVALID_CONTROLLER: Misread: the @Controller() prefix must be a string, got object (options come second: @Controller('/users', { middlewares }))",
    );
  });

  test('unknown or mistyped @Controller() options are a coded error, not ignored', () => {
    @Controller('/a', { middleware: [a] } as never)
    class Misspelt {}
    expect(() => readController(Misspelt)).toThrow('WEFT_ERR_INVALID_OPTION: @Controller() on Misspelt: unknown option "middleware" (known: middlewares)');
    @Controller('/a', { middlewares: a } as never)
    class NotAList {}
    expect(() => readController(NotAList)).toThrow('WEFT_ERR_INVALID_OPTION: @Controller() on NotAList: middlewares must be an array, got function');
    @Controller('/a', [a] as never)
    class ListGiven {}
    expect(() => readController(ListGiven)).toThrow('WEFT_ERR_INVALID_OPTION: @Controller() on ListGiven: options must be an object (middlewares), got an array');
    @Controller('/base', { middlewares: [a] })
    class Base {}
    @Controller('/sub', { middlewares: [b] })
    class Sub extends Base {}
    expect(readController(Sub).middlewares).toEqual([a, b]);
  });

  test('a route decorator on a static method is a coded error, not silently unrouted', () => {
    @Controller('/st')
    class WithStatic {
      @Get('/s')
      static stats() {
        return 'never served';
      }
    }
    expect(() => readController(WithStatic)).toThrow(
      'WEFT_ERR_INVALID_HANDLER: WithStatic.stats is decorated as a route but is not an instance method (it is static; the controller is built by DI)',
    );
  });

  test('@WebSocket() on a static method is the same coded error, not recorded on Function and silently unrouted', () => {
    @Controller('/st')
    class StaticSocket {
      @WebSocket('/ws')
      static chat() {}
    }
    expect(() => readController(StaticSocket)).toThrow(
      'WEFT_ERR_INVALID_HANDLER: StaticSocket.chat is decorated as a route but is not an instance method (it is static; the controller is built by DI)',
    );
  });

  test("@Param(name) naming no parameter of the route's path is a coded error, not always undefined", () => {
    @Controller('/users')
    class Users {
      @Get('/{userId}')
      show(@Param('id') id: string) {
        return id;
      }

      @Get('/{userId}/posts/{postId}')
      post(@Param('userId') userId: string, @Param('postId') postId: string, @Param() all: object) {
        return [userId, postId, all];
      }
    }
    expect(() => readController(Users)).toThrow(
      "WEFT_ERR_INVALID_HANDLER: Users.show parameter #1: @Param('id') names no parameter of the path /users/{userId} (it has userId)",
    );
    @Controller('/static')
    class NoParams {
      @Get('')
      list(@Param('id') id: string) {
        return id;
      }
    }
    expect(() => readController(NoParams)).toThrow("NoParams.list parameter #1: @Param('id') names no parameter of the path /static (it has none)");
    @Controller('/e')
    class TwoPaths {
      @Get('/{id}')
      @Get('')
      show(@Param('id') id?: string) {
        return id ?? 'all';
      }
    }
    expect(readController(TwoPaths).routes).toHaveLength(2); // one of its paths has the parameter
  });

  test('two decorators on one parameter are a coded error, not one silently winning', () => {
    @Controller('/t')
    class Twice {
      @Get('/{id}')
      show(@Param('id') @Query('id') id: string) {
        return id;
      }
    }
    expect(() => readController(Twice)).toThrow('WEFT_ERR_INVALID_HANDLER: Twice.show parameter #1 has two decorators (@Query and @Param); give it one');
    class Service {}
    @Controller('/t')
    class WithInject {
      @Get('/{id}')
      show(@Param('id') id: string, @Body() @Inject(Service) service: Service) {
        return [id, service];
      }
    }
    expect(() => readController(WithInject)).toThrow('WEFT_ERR_INVALID_HANDLER: WithInject.show parameter #2 has two decorators (@Body and @Inject); give it one');
    @Controller('/t')
    class OptionalInject {
      @Get('')
      show(@Optional() @Inject(Service) service?: Service) {
        return service;
      }
    }
    expect(readController(OptionalInject).routes[0].params).toEqual([{ index: 0, kind: 'inject', token: Service, optional: true }]);
  });

  test("a prefix without a leading '/' is served under '/' as in NestJS (@Controller('users')), not refused as the route path 'users/{id}'", () => {
    @Controller('users')
    class Users {
      @Get('/{id}')
      show(@Param('id') id: string) {
        return id;
      }
    }
    expect(readController(Users).prefix).toBe('/users');
    @Controller('')
    class Root {}
    expect(readController(Root).prefix).toBe('');
  });

  test('parameter decorators, @Use or @Atomic on a method no route decorator routes are a coded error, not silently never served', () => {
    @Controller('/f')
    class Forgot {
      @Get('')
      list() {
        return [];
      }

      show(@Param('id') id: string) {
        return id;
      }
    }
    expect(() => readController(Forgot)).toThrow(
      'WEFT_ERR_INVALID_HANDLER: Forgot.show has parameter decorators but no route decorator (@Get, @Post, ..., @Route): it is never served',
    );
    @Controller('/f')
    class StaticParams {
      static find(@Query('q') q: string) {
        return q;
      }
    }
    expect(() => readController(StaticParams)).toThrow('WEFT_ERR_INVALID_HANDLER: StaticParams.find has parameter decorators but no route decorator');
    @Controller('/f')
    class UseOnly {
      @Use(a)
      audit() {}
    }
    expect(() => readController(UseOnly)).toThrow('WEFT_ERR_INVALID_HANDLER: UseOnly.audit has @Use but no route decorator');
    @Controller('/f')
    class AtomicOnly {
      @Atomic()
      save() {}
    }
    expect(() => readController(AtomicOnly)).toThrow('WEFT_ERR_INVALID_HANDLER: AtomicOnly.save has @Atomic but no route decorator');
    // a handler @Inject is a parameter decorator too, recorded by the DI decorators
    class Service {}
    abstract class InjectingBase {
      me(@Inject(Service) service: Service) {
        return service;
      }
    }
    @Controller('/f')
    class InjectOnly extends InjectingBase {
      @Get('')
      list() {
        return [];
      }
    }
    expect(() => readController(InjectOnly)).toThrow('WEFT_ERR_INVALID_HANDLER: InjectOnly.me has parameter decorators but no route decorator');
    @Controller('/f')
    class StaticInject {
      static find(@Optional() @Inject(Service) service?: Service) {
        return service;
      }
    }
    expect(() => readController(StaticInject)).toThrow('WEFT_ERR_INVALID_HANDLER: StaticInject.find has parameter decorators but no route decorator');
  });

  test('@Route() with a method that is no string (JavaScript) fails startup with a coded error naming the route, not a TypeError at class definition', async () => {
    const define = () => {
      @Controller('/r')
      class Untyped {
        @Route(undefined as never, '/x')
        x() {
          return 'x';
        }
      }
      return Untyped;
    };
    expect(define).not.toThrow();
    await expect(createApp({ controllers: [define()] }).startup()).rejects.toThrow('WEFT_ERR_INVALID_ROUTE: Untyped.x: the method undefined is not an HTTP method token');
  });

  test('joinPath', () => {
    expect(joinPath('/users', '/{id}')).toBe('/users/{id}');
    expect(joinPath('/users/', '/{id}')).toBe('/users/{id}');
    expect(joinPath('/users', '')).toBe('/users');
    expect(joinPath('', '')).toBe('/');
    expect(joinPath('', '/x')).toBe('/x');
  });
});
