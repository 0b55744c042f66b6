/**
 * The weft servers, written as a user of the public API would: controllers with
 * decorators, plain function routes, function middlewares that provide request-scoped
 * values, DI for the request-scoped service, and on the fixed-shape JSON routes a
 * `serializer` compiled by fast-json-stringify from the same schema fastify's routes get
 * (S5 echoes arbitrary JSON: `JSON.stringify`, as raw and fastify). Logging is silenced so
 * the comparison measures request handling, not log output.
 *
 * Usage: `node dist/bench/http/servers/weft.js <S1..S5>` (see serve.ts for the protocol).
 */
import 'reflect-metadata';
import fastJson from 'fast-json-stringify';
import {
  type Application,
  Body,
  Controller,
  Get,
  Inject,
  Key,
  type Next,
  Param,
  Post,
  type ProviderLike,
  type Request,
  createApp,
  createHttpServer,
  createLogger,
} from 'weft';
import { OTHER_ROUTES } from '../rest-routes.js';
import { MIDDLEWARE_VALUES, PriceList, QuoteService, responseSchema, type ScenarioId } from '../scenarios.js';
import { type StartedServer, listenLocal, serveScenario } from './serve.js';

const logger = createLogger({ level: 'silent' });

// S2: the measured route is a controller method; the other 25 routes share its table.
// Fixed-shape answers get a serializer compiled from the same schema fastify's routes get.
const userJson = fastJson(responseSchema({ id: 'string' }));
const contextJson = fastJson(responseSchema({ tenant: 'string', user: 'string', locale: 'string', traceId: 'string', flags: 'string' }));
const quoteJson = fastJson(responseSchema({ sku: 'string', price: 'number', currency: 'string' }));

@Controller('/users')
class UsersController {
  @Get('/{id}', { serializer: userJson })
  show(@Param('id') id: string) {
    return { id };
  }
}

// S3: five middlewares, each providing one request-scoped value the handler injects.
// The keys are declared as request-scoped providers, as the sample app does. A middleware
// with nothing to await is a plain function returning `next()` (Koa's idiom; fastify's hooks
// here are its callback form for the same reason): an `async` one costs about 1,000
// instructions more per request each (one more promise and two microtask turns).
const Tenant = new Key<string>('tenant');
const User = new Key<string>('user');
const Locale = new Key<string>('locale');
const TraceId = new Key<string>('traceId');
const Flags = new Key<string>('flags');

const contextMiddlewares = [
  (request: Request, next: Next) => {
    request.scope.provide(Tenant, MIDDLEWARE_VALUES.tenant);
    return next();
  },
  (request: Request, next: Next) => {
    request.scope.provide(User, MIDDLEWARE_VALUES.user);
    return next();
  },
  (request: Request, next: Next) => {
    request.scope.provide(Locale, MIDDLEWARE_VALUES.locale);
    return next();
  },
  (request: Request, next: Next) => {
    request.scope.provide(TraceId, MIDDLEWARE_VALUES.traceId);
    return next();
  },
  (request: Request, next: Next) => {
    request.scope.provide(Flags, MIDDLEWARE_VALUES.flags);
    return next();
  },
];

@Controller()
class ContextController {
  @Get('/context', { serializer: contextJson })
  show(
    @Inject(Tenant) tenant: string,
    @Inject(User) user: string,
    @Inject(Locale) locale: string,
    @Inject(TraceId) traceId: string,
    @Inject(Flags) flags: string,
  ) {
    return { tenant, user, locale, traceId, flags };
  }
}

// S4: a controller built per request, because it needs a request-scoped service that
// depends on a singleton. The shared classes (scenarios.ts, built by the raw and fastify
// servers too) are registered as providers with their dependencies, as a NestJS module
// registers classes it does not own: subclasses adding the decorators would make weft
// construct derived classes where the others construct the base ones.
const quoteProviders: ProviderLike[] = [
  { provide: PriceList, useClass: PriceList },
  { provide: QuoteService, useClass: QuoteService, deps: [PriceList], scope: 'request' },
];

@Controller('/quotes')
class QuotesController {
  constructor(private readonly quotes: QuoteService) {}

  @Get('/{sku}', { serializer: quoteJson })
  show(@Param('sku') sku: string) {
    return this.quotes.quote(sku);
  }
}

// S5: the parsed JSON body, returned as JSON.
@Controller()
class EchoController {
  @Post('/echo')
  echo(@Body() body: unknown) {
    return body;
  }
}

const APPS: Record<ScenarioId, () => Application> = {
  S1: () => {
    const app = createApp({ logger });
    app.router.add('GET', '/', () => 'hello');
    return app;
  },
  S2: () => {
    const app = createApp({ controllers: [UsersController], logger });
    for (const route of OTHER_ROUTES) app.router.add(route.method, route.path, () => ({ route: route.name }));
    return app;
  },
  S3: () =>
    createApp({
      controllers: [ContextController],
      // Declared per request: the middlewares provide them, the container checks the handler's needs at startup.
      providers: [Tenant, User, Locale, TraceId, Flags].map((key) => ({ provide: key, scope: 'request' })),
      middlewares: contextMiddlewares,
      logger,
    }),
  S4: () => createApp({ controllers: [QuotesController], providers: quoteProviders, logger }),
  S5: () => createApp({ controllers: [EchoController], logger }),
};

/**
 * Starts the weft server of a scenario on 127.0.0.1 with a free port; closing it also
 * runs the app's cleanup.
 *
 * @example
 * ```ts
 * const server = await startWeft('S3');
 * await server.close();
 * ```
 */
export async function startWeft(scenario: ScenarioId): Promise<StartedServer> {
  const app = APPS[scenario]();
  await app.startup();
  return listenLocal(createHttpServer(app.callback()), () => app.cleanup());
}

if (require.main === module) serveScenario(startWeft);
