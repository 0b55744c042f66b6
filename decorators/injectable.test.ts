import { Container } from '../container/container.js';
import { DiError } from '../container/errors.js';
import { readConstructorParameters, readInjectable } from '../container/injection-metadata.js';
import { Injectable } from './injectable.js';

class Db {}

describe('@Injectable', () => {
  test('records the default scope and returns the class unchanged', () => {
    @Injectable({ scope: 'request' })
    class Cart {
      constructor(readonly db: Db) {}
    }
    @Injectable()
    class Plain {}
    expect(readInjectable(Cart)).toEqual({ scope: 'request' });
    expect(readInjectable(Plain)).toEqual({});
    expect(new Cart(new Db()).db).toBeInstanceOf(Db);
  });

  test('makes TypeScript emit the constructor types the container injects', () => {
    @Injectable()
    class Repo {
      constructor(readonly db: Db) {}
    }
    expect(readConstructorParameters(Repo)?.map((p) => p.token)).toEqual([Db]);
    const container = new Container().register(Db).register(Repo).freeze();
    expect(container.get(Repo).db).toBe(container.get(Db));
  });

  test('register(Class) takes its scope from @Injectable', () => {
    @Injectable({ scope: 'transient' })
    class Stamp {}
    const container = new Container().register(Stamp).freeze();
    expect(container.get(Stamp)).not.toBe(container.get(Stamp));
  });

  test('an unknown scope fails at class definition', () => {
    expect(() => {
      @Injectable({ scope: 'forever' as never })
      class Bad {}
      return Bad;
    }).toThrow(DiError);
  });

  test('a parameter typed as an interface is a startup error naming the class and position', () => {
    interface Mailer {
      send(): void;
    }
    @Injectable()
    class Signup {
      constructor(
        readonly db: Db,
        readonly mailer: Mailer,
      ) {}
    }
    const container = new Container().register(Db).register(Signup);
    expect(() => container.freeze()).toThrow(
      'WEFT_DI_UNRESOLVABLE_PARAM: cannot inject parameter #2 of Signup: its type is Object: an interface, union or any leaves no runtime token. Add @Inject(token) to that parameter, or give deps in a class provider (at Signup)',
    );
  });
});
