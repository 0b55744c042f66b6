import { Container as InversifyContainer, inject as inversifyInject, injectable as inversifyInjectable } from 'inversify';
import { container as tsyringeRoot, injectable as tsyringeInjectable } from 'tsyringe';
import { Container } from './container.js';
import { DiError } from './errors.js';
import { fromInversify, fromTsyringe, isExternalContainer, type ExternalContainer } from './external-container.js';
import { recordInjectable, recordParameterToken } from './injection-metadata.js';
import { Key } from './key.js';
import { thrownBy } from './thrown-by.test-support.js';

const MAILER = Symbol('Mailer');

class Transport {
  readonly kind = 'smtp';
}

// A weft service that injects things bound in the other container.
class Signup {
  constructor(
    readonly transport: Transport,
    readonly mailer: { send(to: string): string },
    readonly greeting: string,
  ) {}
}
recordInjectable(Signup, { scope: 'request' });
Reflect.defineMetadata('design:paramtypes', [Transport, Object, String], Signup);
recordParameterToken(Signup, undefined, 1, MAILER);
recordParameterToken(Signup, undefined, 2, 'greeting');

describe('fromInversify (inversify 8)', () => {
  @inversifyInjectable()
  class Mailer {
    constructor(@inversifyInject(Transport) readonly transport: Transport) {}
    send(to: string): string {
      return `${this.transport.kind} to ${to}`;
    }
  }

  function inversify(): InversifyContainer {
    const parent = new InversifyContainer();
    parent.bind(Transport).toSelf().inSingletonScope();
    const child = new InversifyContainer({ parent });
    child.bind(MAILER).to(Mailer).inSingletonScope();
    child.bind('greeting').toConstantValue('hello');
    return child;
  }

  test('has() is isBound() (parents included), for classes, symbols and strings; never for Keys', () => {
    const adapter = fromInversify(inversify());
    expect(adapter.name).toBe('inversify container');
    expect(adapter.has(Transport)).toBe(true);
    expect(adapter.has(MAILER)).toBe(true);
    expect(adapter.has('greeting')).toBe(true);
    expect(adapter.has('nope')).toBe(false);
    expect(adapter.has(new Key('greeting'))).toBe(false);
    expect((adapter.get(MAILER) as Mailer).send('ada')).toBe('smtp to ada');
  });

  test('services bound in inversify inject into weft providers, as singletons of inversify', async () => {
    const bound = inversify();
    const container = new Container({ fallback: fromInversify(bound, 'legacy') }).register(Signup).freeze();
    const one = container.createScope().get(Signup);
    const two = container.createScope().get(Signup);
    expect(one).not.toBe(two);
    expect(one.mailer.send('bob')).toBe('smtp to bob');
    expect(one.mailer).toBe(two.mailer);
    expect(one.transport).toBe(bound.get(Transport));
    expect(one.greeting).toBe('hello');
    await container.dispose();
  });

  test("a factory adapting an inversify singleton to a Key does not dispose it: it stays inversify's to deactivate", async () => {
    const log: string[] = [];
    @inversifyInjectable()
    class Pool {
      dispose(): void {
        log.push('Pool.dispose');
      }
    }
    const bound = new InversifyContainer();
    bound.bind(Pool).toSelf().inSingletonScope().onDeactivation(() => void log.push('inversify deactivation'));
    const Db = new Key<Pool>('db');
    const container = new Container({ fallback: fromInversify(bound) }).register(Db, { useFactory: (pool: Pool) => pool, deps: [Pool] }).freeze();
    expect(container.get(Db)).toBe(bound.get(Pool));
    await container.dispose();
    expect(log).toEqual([]);
    await bound.unbindAll();
    expect(log).toEqual(['inversify deactivation']);
  });

  test('a binding inversify makes anew each time (its default transient scope, or request scope) is asked for at every injection, never shared', async () => {
    for (const scope of ['transient', 'request'] as const) {
      const bound = new InversifyContainer();
      bound.bind(Transport).toSelf().inSingletonScope();
      bound.bind('greeting').toConstantValue('hello');
      if (scope === 'transient') bound.bind(MAILER).to(Mailer);
      else bound.bind(MAILER).to(Mailer).inRequestScope();
      const container = new Container({ fallback: fromInversify(bound) }).register(Signup).freeze();
      await container.init();
      const one = container.createScope().get(Signup);
      const two = container.createScope().get(Signup);
      expect(one.mailer).toBeInstanceOf(Mailer);
      expect(one.mailer).not.toBe(two.mailer);
      expect(one.transport).toBe(two.transport); // Transport is inversify's singleton
      const asHandlerParameter = container.resolverFor<Mailer>(MAILER);
      expect(asHandlerParameter()).not.toBe(asHandlerParameter());
      await container.dispose();
    }
  });

  test('an alias of a binding inversify makes anew each time (useExisting) is not kept as one instance either', async () => {
    const bound = new InversifyContainer();
    bound.bind(Transport).toSelf().inSingletonScope();
    bound.bind('greeting').toConstantValue('hello');
    bound.bind('RealMailer').to(Mailer);
    const MailerKey = new Key<Mailer>('mailer');
    const Holder = new Key<{ mailer: Mailer }>('holder');
    const container = new Container({ fallback: fromInversify(bound) })
      .register(MailerKey, { useExisting: 'RealMailer' })
      .register(Holder, { useFactory: (mailer: Mailer) => ({ mailer }), deps: [MailerKey], scope: 'request' })
      .freeze();
    await container.init();
    const one = container.createScope().get(Holder);
    const two = container.createScope().get(Holder);
    expect(one.mailer).toBeInstanceOf(Mailer);
    expect(one.mailer).not.toBe(two.mailer);
    await container.dispose();
  });

  test('an async binding inversify makes anew each time fails init() with WEFT_DI_FALLBACK: injection is synchronous', async () => {
    const bound = new InversifyContainer();
    bound.bind('greeting').toDynamicValue(async () => new String('hello'));
    bound.bind(Transport).toSelf().inSingletonScope();
    bound.bind(MAILER).toConstantValue({ send: (to: string) => to });
    const container = new Container({ fallback: fromInversify(bound) }).register(Signup).freeze();
    const error = (await container.init().catch((e: unknown) => e)) as DiError;
    expect(error).toBeInstanceOf(DiError);
    expect(error.code).toBe('WEFT_DI_FALLBACK');
    expect(error.path).toEqual(['Signup', '"greeting"']);
    expect(error.message).toBe(
      'WEFT_DI_FALLBACK: inversify container gives a new "greeting" each time it is asked, and only asynchronously, needed at Signup -> "greeting" ' +
        '(asked synchronously: Unexpected asynchronous service when resolving service "greeting"). ' +
        'weft asks again at every injection for a binding that is not a singleton there, and injection is synchronous: bind "greeting" as a singleton in inversify container (inversify: inSingletonScope()), ' +
        'or provide it in weft with an async singleton factory',
    );
  });

  test('without the binding, validation fails naming the path', () => {
    const container = new Container({ fallback: fromInversify(new InversifyContainer()) }).register(Signup);
    expect(() => container.freeze()).toThrow('WEFT_DI_MISSING: no provider for Transport, needed by parameter #1 of Signup');
  });

  test("with autobind, every class counts as bound; a weft request-scoped or transient class is still never taken from it (inversify would build it by its own rules, not with weft's scope)", () => {
    class Audit {}
    recordInjectable(Audit, { scope: 'request' });
    class Stamp {}
    recordInjectable(Stamp, { scope: 'transient' });
    class Reports {
      constructor(
        readonly transport: Transport,
        readonly audit: Audit,
      ) {}
    }
    recordInjectable(Reports);
    Reflect.defineMetadata('design:paramtypes', [Transport, Audit], Reports);
    const autobound = new InversifyContainer({ autobind: true });
    expect(fromInversify(autobound).has(Audit)).toBe(true); // inversify's answer
    const container = new Container({ fallback: fromInversify(autobound) }).register(Reports);
    expect(() => container.freeze()).toThrow(
      'WEFT_DI_MISSING: no provider for Audit, needed by parameter #2 of Reports, in container "root" or its parents: Reports -> Audit. ' +
        'inversify container has Audit, but weft takes no request-scoped class from a fallback container (it would build Audit by its own rules, ' +
        'not with the scope @Injectable gives it): register Audit in weft (container.register, or the app\'s providers), or mark the dependency optional',
    );
    const stamping = new Container({ fallback: fromInversify(autobound) });
    stamping.register({ provide: new Key<Stamp>('stamped'), useFactory: (stamp: Stamp) => stamp, deps: [Stamp] });
    expect(() => stamping.freeze()).toThrow(/WEFT_DI_MISSING: no provider for Stamp/);
    // a plain class (no weft scope) is inversify's to build
    expect(new Container({ fallback: fromInversify(autobound) }).freeze().get(Transport)).toBeInstanceOf(Transport);
  });
});

describe('fallback failures and async bindings (inversify 8)', () => {
  const Reports = new Key<unknown>('reports');
  const needing = (inversify: InversifyContainer, token: string) =>
    new Container({ fallback: fromInversify(inversify) }).register(Reports, { useFactory: (value: unknown) => value, deps: [token] }).freeze();

  test('an error inversify throws while asked whether it has a token (autobind) is WEFT_DI_FALLBACK at freeze, with the path and the cause', () => {
    class Dep {}
    class Service {
      constructor(readonly dep: Dep) {}
    }
    recordInjectable(Service, {});
    Reflect.defineMetadata('design:paramtypes', [Dep], Service);
    class Controller {
      constructor(readonly service: Service) {}
    }
    recordInjectable(Controller, {});
    Reflect.defineMetadata('design:paramtypes', [Service], Controller);
    const container = new Container({ fallback: fromInversify(new InversifyContainer({ autobind: true })) }).register(Controller);
    const error = thrownBy(() => container.freeze(), DiError);
    expect(error.code).toBe('WEFT_DI_FALLBACK');
    expect(error.path).toEqual(['Controller', 'Service']);
    expect(error.message).toMatch(/^WEFT_DI_FALLBACK: inversify container threw when asked whether it has Service, needed at Controller -> Service: .*Service.*\. Register Service in weft/s);
    expect((error.cause as Error).constructor.name).toBe('InversifyCoreError');
  });

  test.each([
    ['ambiguous bindings', (inversify: InversifyContainer) => (inversify.bind('Dup').toConstantValue(1), inversify.bind('Dup').toConstantValue(2)), 'Dup', /Ambiguous bindings/],
    ['a cycle inside inversify', (inversify: InversifyContainer) => (inversify.bind('P').toDynamicValue((c) => c.get('Q')), inversify.bind('Q').toDynamicValue((c) => c.get('P'))), 'P', /Circular dependency/],
  ])('a binding inversify cannot resolve fails init() with WEFT_DI_FALLBACK and the path (%s), not a request', async (_case, bind, token, cause) => {
    const inversify = new InversifyContainer();
    bind(inversify);
    const container = needing(inversify, token);
    const error = (await container.init().catch((e: unknown) => e)) as DiError;
    expect(error).toBeInstanceOf(DiError);
    expect(error.code).toBe('WEFT_DI_FALLBACK');
    expect(error.path).toEqual(['Key(reports)', `"${token}"`]);
    expect(error.message).toContain(`WEFT_DI_FALLBACK: inversify container has "${token}" but could not resolve it, needed at Key(reports) -> "${token}": `);
    expect((error.cause as Error).message).toMatch(cause);
  });

  test('an async singleton binding is awaited by init(): the first resolution already has the value', async () => {
    const inversify = new InversifyContainer();
    inversify.bind('AsyncPool').toDynamicValue(async () => ({ pool: 1 })).inSingletonScope();
    inversify.bind('Handler').toDynamicValue(async () => 'handler param').inSingletonScope();
    const container = needing(inversify, 'AsyncPool');
    const forHandler = container.resolverFor<string>('Handler'); // as a handler parameter is compiled, before init()
    await container.init();
    expect(container.get(Reports)).toEqual({ pool: 1 });
    expect(forHandler()).toBe('handler param');
  });

  test('a token looked up only at run time is resolved then, its failure coded', () => {
    const inversify = new InversifyContainer();
    inversify.bind('Late').toDynamicValue(async () => 1);
    const container = new Container({ fallback: fromInversify(inversify) }).freeze();
    const error = thrownBy(() => container.get('Late'), DiError);
    expect(error.code).toBe('WEFT_DI_FALLBACK');
    expect(error.path).toEqual(['"Late"']);
    expect(error.message).toContain('a token looked up only at run time (container.get, scope.get) is resolved synchronously');
  });
});

describe('fromTsyringe (tsyringe 4)', () => {
  @tsyringeInjectable()
  class Mailer {
    constructor(readonly transport: Transport) {}
    send(to: string): string {
      return `${this.transport.kind} to ${to}`;
    }
  }

  function tsyringe() {
    const parent = tsyringeRoot.createChildContainer();
    parent.registerSingleton(Transport);
    const child = parent.createChildContainer();
    child.registerSingleton(MAILER, Mailer);
    child.registerInstance('greeting', 'hi');
    return child;
  }

  test('has() is isRegistered(token, true), parents included; never for Keys', () => {
    const adapter = fromTsyringe(tsyringe(), 'tsy');
    expect(adapter.name).toBe('tsy');
    expect(adapter.has(Transport)).toBe(true);
    expect(adapter.has(MAILER)).toBe(true);
    expect(adapter.has('greeting')).toBe(true);
    expect(adapter.has(Mailer)).toBe(false);
    expect(adapter.has(new Key('greeting'))).toBe(false);
  });

  test('services registered in tsyringe inject into weft providers', () => {
    const registered = tsyringe();
    const container = new Container().useFallback(fromTsyringe(registered)).register(Signup).freeze();
    const signup = container.createScope().get(Signup);
    expect(signup.mailer.send('eve')).toBe('smtp to eve');
    expect(signup.transport).toBe(registered.resolve(Transport));
    expect(signup.greeting).toBe('hi');
  });
});

describe('fromTsyringe: scopes', () => {
  test('a token tsyringe resolves anew each time (register, its default transient) is asked for at every injection; a singleton is shared', () => {
    const registered = tsyringeRoot.createChildContainer();
    registered.registerSingleton(Transport);
    registered.register(MAILER, { useFactory: () => ({ send: (to: string) => to }) });
    registered.register('greeting', { useValue: 'hi' });
    const container = new Container().useFallback(fromTsyringe(registered)).register(Signup).freeze();
    const one = container.createScope().get(Signup);
    const two = container.createScope().get(Signup);
    expect(one.mailer).not.toBe(two.mailer);
    expect(one.transport).toBe(two.transport);
    expect(one.greeting).toBe('hi');
  });
});

describe('isExternalContainer', () => {
  test('an object with has() and get()', () => {
    const adapter: ExternalContainer = { name: 'x', has: () => false, get: () => undefined };
    expect(isExternalContainer(adapter)).toBe(true);
    expect(isExternalContainer(new InversifyContainer())).toBe(false);
    expect(isExternalContainer(tsyringeRoot)).toBe(false);
    expect(isExternalContainer(undefined)).toBe(false);
  });
});
