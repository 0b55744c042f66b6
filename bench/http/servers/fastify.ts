/**
 * The fastify 5 servers, set up the way fastify's own benchmarks and docs recommend:
 * logger off, synchronous handlers with `reply.send`, callback-style hooks, and response
 * schemas on fixed-shape JSON routes (fast-json-stringify). S5 echoes arbitrary JSON, so
 * it has no schema and fastify serialises with `JSON.stringify`, as weft and raw do.
 *
 * Usage: `node dist/bench/http/servers/fastify.js <S1..S5>` (see serve.ts for the protocol).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { OTHER_ROUTES, TARGET_ROUTE, toFastifyPath } from '../rest-routes.js';
import { MIDDLEWARE_VALUES, PriceList, QuoteService, responseSchema, type ScenarioId } from '../scenarios.js';
import { type StartedServer, serveScenario } from './serve.js';

type ContextName = keyof typeof MIDDLEWARE_VALUES;

declare module 'fastify' {
  interface FastifyRequest {
    tenant: string;
    user: string;
    locale: string;
    traceId: string;
    flags: string;
  }
}

/** fastify's route schema with `responseSchema(properties)` as the 200 response. */
function objectSchema(properties: Record<string, 'string' | 'number'>): object {
  return { response: { 200: responseSchema(properties) } };
}

const ROUTES: Record<ScenarioId, (app: FastifyInstance) => void> = {
  S1: (app) => {
    app.get('/', (_request, reply) => {
      reply.send('hello');
    });
  },
  S2: (app) => {
    for (const route of OTHER_ROUTES) {
      app.route({ method: route.method, url: toFastifyPath(route.path), handler: (_request, reply) => reply.send({ route: route.name }) });
    }
    app.get<{ Params: { id: string } }>(toFastifyPath(TARGET_ROUTE.path), { schema: objectSchema({ id: 'string' }) }, (request, reply) => {
      reply.send({ id: request.params.id });
    });
  },
  S3: (app) => {
    const names = Object.keys(MIDDLEWARE_VALUES) as ContextName[];
    for (const name of names) app.decorateRequest(name, '');
    // Five hooks, each writing one request decoration.
    app.addHook('onRequest', (request, _reply, done) => {
      request.tenant = MIDDLEWARE_VALUES.tenant;
      done();
    });
    app.addHook('onRequest', (request, _reply, done) => {
      request.user = MIDDLEWARE_VALUES.user;
      done();
    });
    app.addHook('onRequest', (request, _reply, done) => {
      request.locale = MIDDLEWARE_VALUES.locale;
      done();
    });
    app.addHook('onRequest', (request, _reply, done) => {
      request.traceId = MIDDLEWARE_VALUES.traceId;
      done();
    });
    app.addHook('onRequest', (request, _reply, done) => {
      request.flags = MIDDLEWARE_VALUES.flags;
      done();
    });
    const schema = objectSchema(Object.fromEntries(names.map((name) => [name, 'string' as const])));
    app.get('/context', { schema }, (request, reply) => {
      const { tenant, user, locale, traceId, flags } = request;
      reply.send({ tenant, user, locale, traceId, flags });
    });
  },
  S4: (app) => {
    const prices = new PriceList();
    const schema = objectSchema({ sku: 'string', price: 'number', currency: 'string' });
    app.get<{ Params: { sku: string } }>('/quotes/:sku', { schema }, (request, reply) => {
      // The hand-written equivalent of a request-scoped service: one instance per request.
      reply.send(new QuoteService(prices).quote(request.params.sku));
    });
  },
  S5: (app) => {
    app.post('/echo', (request, reply) => {
      reply.send(request.body);
    });
  },
};

/**
 * Starts the fastify server of a scenario on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts
 * const server = await startFastify('S2');
 * await server.close();
 * ```
 */
export async function startFastify(scenario: ScenarioId): Promise<StartedServer> {
  const app = Fastify({ logger: false });
  ROUTES[scenario](app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`fastify listens on ${String(address)}, not a TCP port`);
  return { port: address.port, close: () => app.close() };
}

if (require.main === module) serveScenario(startFastify);
