import { Container } from '../container/container.js';
import { DiError } from '../container/errors.js';
import { readMethodParameters, readParameterInjections } from '../container/injection-metadata.js';
import { Key } from '../container/key.js';
import { Inject, Optional } from './inject.js';
import { Injectable } from './injectable.js';

const Db = new Key<{ url: string }>('db');
const CurrentUser = new Key<string>('user');

describe('@Inject and @Optional', () => {
  test('@Inject gives a constructor parameter its token', () => {
    @Injectable()
    class Repo {
      constructor(@Inject(Db) readonly db: { url: string }) {}
    }
    expect(readParameterInjections(Repo).get(0)).toEqual({ token: Db, optional: false });
    const container = new Container().provide(Db, { url: 'pg://' }).register(Repo).freeze();
    expect(container.get(Repo).db.url).toBe('pg://');
  });

  test('@Optional makes a missing dependency undefined', () => {
    @Injectable({ scope: 'request' })
    class Greeting {
      constructor(@Optional() @Inject(CurrentUser) readonly user?: string) {}
      text(): string {
        return `Hello ${this.user ?? 'stranger'}`;
      }
    }
    const container = new Container().declare(CurrentUser).register(Greeting).freeze();
    expect(container.createScope().get(Greeting).text()).toBe('Hello stranger');
    expect(container.createScope().provide(CurrentUser, 'Ada').get(Greeting).text()).toBe('Hello Ada');
    const alone = new Container().register(Greeting).freeze();
    expect(alone.createScope().get(Greeting).user).toBeUndefined();
  });

  test('strings and symbols are accepted for interop lookups', () => {
    @Injectable()
    class Legacy {
      constructor(@Inject('Mailer') readonly mailer: unknown) {}
    }
    const mailer = {};
    const container = new Container({ fallback: { name: 'legacy', has: (t) => t === 'Mailer', get: () => mailer } })
      .register(Legacy)
      .freeze();
    expect(container.get(Legacy).mailer).toBe(mailer);
  });

  test('on a method parameter, it records for that method (handler injection)', () => {
    class UsersController {
      show(@Inject(CurrentUser) user: string, @Optional() @Inject(Db) db?: unknown): string {
        return `${user}${String(db)}`;
      }
    }
    expect(readMethodParameters(UsersController.prototype, 'show').map((p) => [p.token, p.optional])).toEqual([
      [CurrentUser, false],
      [Db, true],
    ]);
  });

  test('@Inject(undefined) fails at class definition with the class and position', () => {
    let error: unknown;
    try {
      @Injectable()
      class Broken {
        constructor(
          readonly a: unknown,
          @Inject(undefined as never) readonly b: unknown,
        ) {}
      }
      void Broken;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiError);
    expect((error as DiError).code).toBe('WEFT_DI_INVALID_TOKEN');
    expect((error as DiError).message).toContain('@Inject() on parameter #2 of Broken got <not a token: undefined undefined>');
  });
});
