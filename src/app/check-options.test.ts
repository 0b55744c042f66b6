import 'reflect-metadata';
import { Controller } from '../../decorators/controller.js';
import { Post } from '../../decorators/route.js';
import { createApp, type AppOptions } from './application.js';
import { checkAppOptions, checkRouteOptions } from './check-options.js';
import { type RouteOptions } from '../../decorators/metadata.js';
import { createLogger } from '../logging/logger.js';
import { Container } from '../../container/index.js';

const logger = createLogger({ level: 'silent' });

describe('checkAppOptions', () => {
  it('accepts every known option and nothing', () => {
    expect(() => checkAppOptions({})).not.toThrow();
    expect(() =>
      checkAppOptions({ modules: [], controllers: [], providers: [], middlewares: [], clientMaxSize: 0, autoDecompress: false, debug: true, name: 'x', logger, jobs: {} }),
    ).not.toThrow();
    expect(() => checkAppOptions({ clientMaxSize: Infinity })).not.toThrow();
    expect(() => checkAppOptions({ container: new Container({ name: 'mine' }) })).not.toThrow();
  });

  it.each<[unknown, string]>([
    [{ clientMaxsize: 10 }, 'createApp(): unknown option "clientMaxsize" (known: modules, controllers, providers, middlewares, clientMaxSize, autoDecompress, debug, name, logger, container, jobs)'],
    [{ a: 1, b: 2 }, 'createApp(): unknown options "a", "b"'],
    [{ clientMaxSize: '10mb' }, 'createApp(): clientMaxSize must be a non-negative integer number of bytes (or Infinity), got "10mb"'],
    [{ clientMaxSize: -1 }, 'got -1'],
    [{ clientMaxSize: 1.5 }, 'got 1.5'],
    [{ clientMaxSize: NaN }, 'got NaN'],
    [{ debug: 'yes' }, 'createApp(): debug must be a boolean, got string'],
    [{ autoDecompress: 0 }, 'autoDecompress must be a boolean, got number'],
    [{ controllers: class Users {} }, 'controllers must be an array, got function'],
    [{ middlewares: null }, 'middlewares must be an array, got null'],
    [{ name: 5 }, 'name must be a string, got number'],
    [{ logger: 'pino' }, 'logger must be an object, got string'],
    [null, 'createApp(): options must be an object, got null'],
    [[], 'createApp(): options must be an object, got an array'],
    [{ logger: {} }, 'createApp(): logger must have error, warn, info and debug methods (missing: error, warn, info, debug)'],
    [{ logger: { error() {}, warn() {}, info() {} } }, '(missing: debug)'],
    [{ container: 5 }, 'createApp(): container must be a weft Container (new Container(), or new Container({ fallback: fromInversify(yours) }) to build on yours), got 5'],
    [{ container: { has: () => false, get: () => undefined } }, 'got an object'],
    [
      { container: new Container({ name: 'legacy' }).freeze() },
      'createApp(): container "legacy" is already frozen: the app registers its providers, controllers and scheduler in it and freezes it at startup; pass it to createApp() unfrozen',
    ],
    [{ clientMaxSize: BigInt(10) }, 'clientMaxSize must be a non-negative integer number of bytes (or Infinity), got the bigint 10n'],
    [{ clientMaxSize: Object(5) as number }, 'got an object'],
  ])('refuses %p', (options, message) => {
    expect(() => checkAppOptions(options as AppOptions)).toThrow(message);
    expect(() => createApp(options as AppOptions)).toThrow(/^WEFT_ERR_INVALID_OPTION: /);
  });
});

describe('checkRouteOptions', () => {
  it('accepts every known option', () => {
    const options: RouteOptions = {
      name: 'n',
      middlewares: [],
      accept: ['text/html'],
      predicates: [],
      expectHandler: () => undefined,
      clientMaxSize: 10,
      atomic: true,
      serializer: () => '',
    };
    expect(() => checkRouteOptions(options, 'GET /')).not.toThrow();
  });

  it.each<[unknown, string]>([
    [{ clientMaxsize: 10 }, 'POST /up: unknown option "clientMaxsize"'],
    [{ clientMaxSize: '1mb' }, 'POST /up: clientMaxSize must be'],
    [{ accept: 'text/html' }, 'accept must be an array, got string'],
    [{ name: 3 }, 'name must be a string, got number'],
    [{ expectHandler: true }, 'expectHandler must be a function, got boolean'],
    [{ atomic: 'yes' }, 'atomic must be a boolean, got string'],
    ['fast', 'POST /up: route options must be an object, got "fast"'],
  ])('refuses %p', (options, message) => {
    expect(() => checkRouteOptions(options as RouteOptions, 'POST /up')).toThrow(message);
  });

  it('router.add refuses at the call; a decorated route at startup, naming the method', async () => {
    const app = createApp({ logger });
    expect(() => app.router.add('POST', '/up', () => 'ok', { clientMaxSize: '1mb' } as unknown as RouteOptions)).toThrow(
      'WEFT_ERR_INVALID_OPTION: POST /up: clientMaxSize must be a non-negative integer number of bytes (or Infinity), got "1mb"',
    );
    @Controller('/files')
    class Files {
      @Post('/', { clientMaxsize: 10 } as RouteOptions)
      upload(): string {
        return 'ok';
      }
    }
    await expect(createApp({ logger, controllers: [Files] }).startup()).rejects.toThrow('WEFT_ERR_INVALID_OPTION: Files.upload: unknown option "clientMaxsize"');
  });
});
