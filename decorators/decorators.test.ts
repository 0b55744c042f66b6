import 'reflect-metadata';
import { Controller } from './controller.js';
import { readMetadata } from './metadata.js';
import { Middleware, Use } from './middleware.js';
import { Module } from './module.js';
import { Body, Headers, Param, Query, Req, Signal } from './params.js';
import { Delete, Get, Head, Options, Patch, Post, Put, Route } from './route.js';

const mw = async () => undefined;

describe('decorators record and return', () => {
  test('@Controller and route decorators', () => {
    @Controller('/users', { middlewares: [mw] })
    class Users {
      @Get('/{id}', { name: 'user' }) a() {}
      @Post() b() {}
      @Put('/p') c() {}
      @Patch('/p') d() {}
      @Delete('/p') e() {}
      @Head('/p') f() {}
      @Options('/p') g() {}
      @Route('get', '/r') h() {}
    }
    const meta = readMetadata(Users)!;
    expect(meta.controller).toEqual({ prefix: '/users', options: { middlewares: [mw] } });
    expect(meta.routes.map((r) => `${r.method} ${r.path} ${String(r.propertyKey)}`)).toEqual([
      'GET /{id} a',
      'POST  b',
      'PUT /p c',
      'PATCH /p d',
      'DELETE /p e',
      'HEAD /p f',
      'OPTIONS /p g',
      'GET /r h',
    ]);
    expect(meta.routes[0].options).toEqual({ name: 'user' });
  });

  test('parameter decorators record kind, name and index', () => {
    class C {
      m(@Param('id') _a: string, @Query() _b: unknown, @Body() _c: unknown, @Headers('X-A') _d: string, @Req() _e: unknown, @Signal() _f: unknown) {}
    }
    expect(readMetadata(C)!.params.get('m')!.sort((x, y) => x.index - y.index)).toEqual([
      { index: 0, kind: 'param', name: 'id' },
      { index: 1, kind: 'query', name: undefined },
      { index: 2, kind: 'body' },
      { index: 3, kind: 'headers', name: 'x-a' },
      { index: 4, kind: 'req' },
      { index: 5, kind: 'signal' },
    ]);
  });

  test('parameter decorators on a constructor are refused with a clear message', () => {
    expect(() => {
      class C {
        constructor(@Param('x') readonly x: string) {}
      }
      return C;
    }).toThrow('parameter decorators like @param go on route methods, not on constructors');
  });

  test('@Middleware, @Use on class and method, @Module', () => {
    @Middleware()
    class M {
      handle() {}
    }
    @Use(M)
    class C {
      @Use(mw)
      @Use(M)
      m() {}
    }
    @Module({ controllers: [C], providers: [M] })
    class Mod {}
    expect(readMetadata(M)!.middleware).toBe(true);
    expect(readMetadata(C)!.uses).toEqual([M]);
    expect(readMetadata(C)!.methodUses.get('m')).toEqual([M, mw]);
    expect(readMetadata(Mod)!.module).toEqual({ controllers: [C], providers: [M] });
  });

  test('nothing is recorded on classes without decorators', () => {
    class Plain {}
    expect(readMetadata(Plain)).toBeUndefined();
  });
});
