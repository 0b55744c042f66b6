/**
 * The five HTTP scenarios, shared by the three servers (weft, raw `node:http`, fastify)
 * and by the runner, which loads each one and checks the answer before measuring.
 * Keeping request, payload and expected answer in one place is what makes the servers
 * comparable: they all have to produce the same bytes.
 */

/** The scenario ids, in run order. */
export const SCENARIO_IDS = ['S1', 'S2', 'S3', 'S4', 'S5'] as const;

/** One of {@link SCENARIO_IDS}. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What the load generator sends and what every server must answer. */
export interface Scenario {
  id: ScenarioId;
  /** One line for the report. */
  title: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The exact response body every server returns. */
  expectedBody: string;
  /** The response's media type, without parameters. */
  expectedType: 'text/plain' | 'application/json';
}

/** S3: the values the five middlewares write, in order, and the handler returns. */
export const MIDDLEWARE_VALUES = {
  tenant: 'acme',
  user: 'u-1001',
  locale: 'en-GB',
  traceId: 'trace-5f1c',
  flags: 'beta',
} as const;

/** S4: the article the request-scoped service prices, with the singleton's price list. */
export const QUOTE_SKU = 'sku-7';
/** S4: the singleton price list, in cents. */
export const PRICE_LIST: ReadonlyArray<readonly [string, number]> = Array.from({ length: 50 }, (_, i) => [`sku-${i}`, 250 * (i + 1)] as const);

/** S4: the answer the request-scoped service computes for {@link QUOTE_SKU}. */
export interface Quote {
  sku: string;
  price: number;
  currency: string;
}

/**
 * S4's request-scoped service, written once so every server does the same work. It throws
 * if one instance serves two requests, so a framework that shares it across requests
 * answers 500 and the run fails instead of measuring the wrong thing.
 *
 * @example
 * ```ts
 * const quote = new QuoteService(priceList).quote('sku-7'); // { sku, price: 2000, currency: 'EUR' }
 * ```
 */
export class QuoteService {
  #used = false;

  constructor(private readonly prices: PriceList) {}

  quote(sku: string): Quote {
    if (this.#used) throw new Error('QuoteService is request-scoped but served a second request');
    this.#used = true;
    return { sku, price: this.prices.priceOf(sku), currency: this.prices.currency };
  }
}

/**
 * S4's singleton dependency: a price list built once per server.
 *
 * @example
 * ```ts
 * new PriceList().priceOf('sku-0'); // 250
 * ```
 */
export class PriceList {
  readonly currency = 'EUR';
  readonly #prices = new Map<string, number>(PRICE_LIST);

  priceOf(sku: string): number {
    return this.#prices.get(sku) ?? 0;
  }
}

/**
 * S5's request body: a realistic order, padded to exactly 1024 bytes of JSON. The
 * servers echo it back, so the response body is the same string.
 *
 * @example
 * ```ts
 * Buffer.byteLength(echoPayload()); // 1024
 * ```
 */
export function echoPayload(): string {
  const order = {
    id: 'ord-20240611-0042',
    customer: { id: 'u-1001', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
    shipping: { street: '12 Analytical Row', city: 'London', postcode: 'N1 9GU', country: 'GB' },
    items: Array.from({ length: 6 }, (_, i) => ({ sku: `sku-${i}`, title: `Item number ${i}`, quantity: i + 1, price: 250 * (i + 1) })),
    tags: ['gift', 'express', 'fragile'],
    paid: true,
    note: '',
  };
  const unpadded = Buffer.byteLength(JSON.stringify(order));
  if (unpadded > 1024) throw new Error(`the S5 payload is ${unpadded} bytes before padding; shorten it`);
  order.note = 'x'.repeat(1024 - unpadded);
  return JSON.stringify(order);
}

const payload = echoPayload();

/** The scenarios by id. */
export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  S1: { id: 'S1', title: 'GET / -> text', method: 'GET', path: '/', headers: {}, expectedBody: 'hello', expectedType: 'text/plain' },
  S2: {
    id: 'S2',
    title: 'GET /users/{id} among 25 routes -> JSON',
    method: 'GET',
    path: '/users/42',
    headers: {},
    expectedBody: JSON.stringify({ id: '42' }),
    expectedType: 'application/json',
  },
  S3: {
    id: 'S3',
    title: 'five middlewares write request-scoped values -> JSON',
    method: 'GET',
    path: '/context',
    headers: {},
    expectedBody: JSON.stringify(MIDDLEWARE_VALUES),
    expectedType: 'application/json',
  },
  S4: {
    id: 'S4',
    title: 'request-scoped service on a singleton -> JSON',
    method: 'GET',
    path: `/quotes/${QUOTE_SKU}`,
    headers: {},
    expectedBody: JSON.stringify({ sku: QUOTE_SKU, price: 2000, currency: 'EUR' } satisfies Quote),
    expectedType: 'application/json',
  },
  S5: {
    id: 'S5',
    title: 'POST /echo 1 KB JSON -> same JSON',
    method: 'POST',
    path: '/echo',
    headers: { 'content-type': 'application/json' },
    body: payload,
    expectedBody: payload,
    expectedType: 'application/json',
  },
};

/**
 * Reads a scenario id given on a command line; a bad one is an error listing the choices.
 *
 * @example
 * ```ts
 * parseScenarioId('s2'); // 'S2'
 * ```
 */
export function parseScenarioId(value: string | undefined): ScenarioId {
  const id = value?.toUpperCase();
  if (id === undefined || !(SCENARIO_IDS as readonly string[]).includes(id)) {
    throw new Error(`unknown scenario ${JSON.stringify(value ?? '')}: expected one of ${SCENARIO_IDS.join(', ')}`);
  }
  return id as ScenarioId;
}

/**
 * The JSON schema of a fixed-shape response: an object of string (or number) properties, in
 * this order, all required. fastify's servers use it as their response schema; weft's compile
 * it with fast-json-stringify into the routes' `serializer`, so both serialise alike.
 *
 * @example
 * ```ts
 * responseSchema({ id: 'string' }); // { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }
 * ```
 */
export function responseSchema(properties: Record<string, 'string' | 'number'>): { type: 'object'; properties: Record<string, { type: string }>; required: string[] } {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).map(([name, type]) => [name, { type }])),
    required: Object.keys(properties),
  };
}
