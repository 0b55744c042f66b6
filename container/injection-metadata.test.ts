import { DiError } from './errors.js';
import {
  readConstructorParameters,
  readInjectable,
  readMethodParameters,
  readParameterInjections,
  recordInjectable,
  recordParameterOptional,
  recordParameterToken,
  unresolvableTypeReason,
} from './injection-metadata.js';
import { Key } from './key.js';
import type { Token } from './token.js';

const mark = (): ClassDecorator => () => undefined; // any decorator makes TypeScript emit design:paramtypes
const inject = (token: Token): ParameterDecorator => (target, key, index) => recordParameterToken(target, key, index, token);
const opt = (): ParameterDecorator => (target, key, index) => recordParameterOptional(target, key, index);

const Db = new Key<string>('db');
class Logger {}

describe('@Injectable records', () => {
  test('recordInjectable / readInjectable, inherited by subclasses', () => {
    class Base {}
    class Derived extends Base {}
    recordInjectable(Base, { scope: 'request' });
    expect(readInjectable(Base)).toEqual({ scope: 'request' });
    expect(readInjectable(Derived)).toEqual({ scope: 'request' });
    recordInjectable(Derived, {});
    expect(readInjectable(Derived)).toEqual({});
    expect(readInjectable(Logger)).toBeUndefined();
  });

  test('an unknown scope is WEFT_DI_INVALID_PROVIDER at decoration time', () => {
    class Bad {}
    expect(() => recordInjectable(Bad, { scope: 'app' as never })).toThrow(
      `WEFT_DI_INVALID_PROVIDER: @Injectable() on Bad has scope "app"; use 'singleton', 'request' or 'transient'`,
    );
  });
});

describe('parameter records', () => {
  test('constructor parameters: @Inject token, else the design type; @Optional', () => {
    @mark()
    class Service {
      constructor(
        @inject(Db) readonly db: string,
        readonly logger: Logger,
        @opt() readonly cache?: Logger,
      ) {}
    }
    expect(readConstructorParameters(Service)).toEqual([
      { index: 0, token: Db, optional: false, designType: String },
      { index: 1, token: Logger, optional: false, designType: Logger },
      { index: 2, token: Logger, optional: true, designType: Logger },
    ]);
    expect(readParameterInjections(Service).get(0)).toEqual({ token: Db, optional: false });
  });

  test('unresolvable design types give no token', () => {
    interface Port {
      n: number;
    }
    @mark()
    class Service {
      constructor(
        readonly name: string,
        readonly port: Port,
      ) {}
    }
    expect(readConstructorParameters(Service)!.map((p) => p.token)).toEqual([undefined, undefined]);
  });

  test('a subclass without metadata of its own uses its base class; one with metadata uses its own', () => {
    @mark()
    class Base {
      constructor(readonly logger: Logger) {}
    }
    class Inherits extends Base {}
    @mark()
    class Own extends Base {
      constructor(@inject(Db) readonly db: string) {
        super(new Logger());
      }
    }
    class Undecorated extends Base {
      constructor(readonly extra: number) {
        super(new Logger());
      }
    }
    expect(readConstructorParameters(Inherits)!.map((p) => p.token)).toEqual([Logger]);
    expect(readConstructorParameters(Undecorated)).toBeUndefined();
    expect(readConstructorParameters(Own)!.map((p) => p.token)).toEqual([Db]);
  });

  test('no metadata at all gives undefined', () => {
    class Plain {
      constructor(readonly a: number) {}
    }
    expect(readConstructorParameters(Plain)).toBeUndefined();
  });

  test('@Inject beyond the emitted types still counts (explicit tokens only)', () => {
    class Manual {}
    recordParameterToken(Manual, undefined, 1, Db);
    expect(readConstructorParameters(Manual)).toEqual([
      { index: 0, token: undefined, optional: false, designType: undefined },
      { index: 1, token: Db, optional: false, designType: undefined },
    ]);
  });

  test('method parameters (handlers) are recorded per method', () => {
    class Controller {
      show(@inject(Db) db: string, logger: Logger): string {
        return `${db}${String(logger)}`;
      }
    }
    // a parameter decorator makes TypeScript emit design:paramtypes for the method
    expect(readParameterInjections(Controller.prototype, 'show').get(0)).toEqual({ token: Db, optional: false });
    expect(readMethodParameters(Controller.prototype, 'show')).toEqual([
      { index: 0, token: Db, optional: false, designType: String },
      { index: 1, token: Logger, optional: false, designType: Logger },
    ]);
    expect(readParameterInjections(Controller.prototype, 'other').size).toBe(0);
  });

  test('@Inject(undefined) (a circular import) is WEFT_DI_INVALID_TOKEN naming class and position', () => {
    class Service {}
    let error: unknown;
    try {
      recordParameterToken(Service, undefined, 1, undefined as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiError);
    expect((error as DiError).message).toBe(
      'WEFT_DI_INVALID_TOKEN: @Inject() on parameter #2 of Service got <not a token: undefined undefined>; the token is undefined when the decorator runs, usually because of a circular import: move the token (a Key) to a module of its own',
    );
    class Controller {}
    expect(() => recordParameterToken(Controller.prototype, 'show', 0, 42 as never)).toThrow(
      'WEFT_DI_INVALID_TOKEN: @Inject() on parameter #1 of Controller.show() got <not a token: number 42>; give a class, a Key, a string or a symbol',
    );
  });
});

describe('unresolvableTypeReason', () => {
  test.each([
    [Object, 'its type is Object: an interface, union or any leaves no runtime token'],
    [String, 'its type is the built-in String, which weft cannot build'],
    [Number, 'its type is the built-in Number, which weft cannot build'],
    [Array, 'its type is the built-in Array, which weft cannot build'],
    [Function, 'its type is the built-in Function, which weft cannot build'],
    [undefined, 'its type was undefined when the class was decorated (a circular import, or a type weft cannot see)'],
    [42, 'its type is 42, not a class'],
    [Logger, undefined],
  ])('%p', (designType, reason) => {
    expect(unresolvableTypeReason(designType)).toBe(reason);
  });
});
