/**
 * The raw `node:http` servers: the baseline weft must reach 0.9x of. Each scenario is
 * written the way a careful engineer writes it without a framework, doing the same work
 * as the framework servers (route matching, the five middleware writes, a service built
 * per request, body size and media type checks, JSON parse and serialise).
 *
 * Usage: `node dist/bench/http/servers/raw.js <S1..S5>` (see serve.ts for the protocol).
 */
import { type IncomingMessage, type RequestListener, type ServerResponse, createServer } from 'node:http';
import { RawRouter, type RawParams } from '../raw-router.js';
import { OTHER_ROUTES, TARGET_ROUTE } from '../rest-routes.js';
import { MIDDLEWARE_VALUES, PriceList, QuoteService, type ScenarioId } from '../scenarios.js';
import { type StartedServer, listenLocal, serveScenario } from './serve.js';

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
/** The same request body limit as weft's and fastify's default (1 MiB). */
const BODY_LIMIT = 1024 * 1024;

type RawHandler = (req: IncomingMessage, res: ServerResponse, params: RawParams) => void;

/** One listener per scenario; unknown paths are 404 in every one. */
const LISTENERS: Record<ScenarioId, () => RequestListener> = {
  S1: () => (req, res) => {
    if (req.method === 'GET' && pathOf(req.url) === '/') send(res, 200, TEXT, 'hello');
    else notFound(res);
  },
  S2: () => {
    const router = new RawRouter<RawHandler>();
    for (const route of OTHER_ROUTES) router.add(route.method, route.path, (_req, res) => sendJson(res, { route: route.name }));
    router.add(TARGET_ROUTE.method, TARGET_ROUTE.path, (_req, res, params) => sendJson(res, { id: params.id }));
    return routed(router);
  },
  S3: () => {
    type Context = { -readonly [K in keyof typeof MIDDLEWARE_VALUES]?: string };
    // Five functions in sequence, each writing one property, as five middlewares would.
    const middlewares: Array<(context: Context, req: IncomingMessage) => void> = [
      (context) => (context.tenant = MIDDLEWARE_VALUES.tenant),
      (context) => (context.user = MIDDLEWARE_VALUES.user),
      (context) => (context.locale = MIDDLEWARE_VALUES.locale),
      (context) => (context.traceId = MIDDLEWARE_VALUES.traceId),
      (context) => (context.flags = MIDDLEWARE_VALUES.flags),
    ];
    return (req, res) => {
      if (req.method !== 'GET' || pathOf(req.url) !== '/context') return notFound(res);
      const context: Context = {};
      for (const middleware of middlewares) middleware(context, req);
      const { tenant, user, locale, traceId, flags } = context;
      sendJson(res, { tenant, user, locale, traceId, flags });
    };
  },
  S4: () => {
    const prices = new PriceList();
    const router = new RawRouter<RawHandler>();
    router.add('GET', '/quotes/{sku}', (_req, res, params) => sendJson(res, new QuoteService(prices).quote(params.sku)));
    return routed(router);
  },
  S5: () => {
    const router = new RawRouter<RawHandler>();
    router.add('POST', '/echo', (req, res) => readJson(req, res, (body) => sendJson(res, body)));
    return routed(router);
  },
};

function routed(router: RawRouter<RawHandler>): RequestListener {
  return (req, res) => {
    let match;
    try {
      match = router.find(req.method ?? 'GET', pathOf(req.url));
    } catch {
      return send(res, 400, TEXT, '400: Bad Request');
    }
    if (match === undefined) return notFound(res);
    try {
      match.handler(req, res, match.params);
    } catch {
      send(res, 500, TEXT, '500: Internal Server Error');
    }
  };
}

/** Reads a JSON body with the checks a framework makes: media type, size limit, syntax. */
function readJson(req: IncomingMessage, res: ServerResponse, then: (body: unknown) => void): void {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) return send(res, 415, TEXT, '415: Unsupported Media Type');
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) return send(res, 413, TEXT, '413: Payload Too Large');
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    // Past the limit the rest is read and dropped, so the answer can still go out.
    if (size <= BODY_LIMIT) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > BODY_LIMIT) return send(res, 413, TEXT, '413: Payload Too Large');
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    } catch (err) {
      return send(res, 400, TEXT, `400: Bad Request (${(err as Error).message})`);
    }
    then(body);
  });
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function sendJson(res: ServerResponse, body: unknown): void {
  send(res, 200, JSON_TYPE, JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  send(res, 404, TEXT, '404: Not Found');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  // hot path
  // writeHead sends the head before end() sees the body: without content-length node
  // would fall back to chunked encoding.
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Starts the raw server of a scenario on 127.0.0.1 with a free port.
 *
 * @example
 * ```ts
 * const server = await startRaw('S1');
 * await server.close();
 * ```
 */
export function startRaw(scenario: ScenarioId): Promise<StartedServer> {
  return listenLocal(createServer(LISTENERS[scenario]()));
}

if (require.main === module) serveScenario(startRaw);
