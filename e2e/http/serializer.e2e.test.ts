/**
 * The `serializer` route option: a route's plain data becomes JSON through the route's own
 * function (e.g. compiled from a schema by fast-json-stringify) instead of JSON.stringify;
 * everything that is not plain data passes through untouched; a bad serializer is a clear
 * startup error, a failing one a 500 that loses nothing else.
 */
import fastJson from 'fast-json-stringify';
import { Controller, Get, HTTPNotFound, Param, Post, Body, createApp, createLogger, text } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

interface Quote {
  sku: string;
  price: number;
}

// A schema-compiled serialiser: fields outside the schema are left out, which shows it ran.
const quoteJson = fastJson({ type: 'object', properties: { sku: { type: 'string' }, price: { type: 'number' } } });

@Controller('/quotes')
class QuotesController {
  @Get('/{sku}', { serializer: quoteJson })
  show(@Param('sku') sku: string): Quote & { secret: string } {
    if (sku === 'none') throw new HTTPNotFound({ text: 'no such sku' });
    return { sku, price: 250, secret: 'not in the schema' };
  }

  @Get('/{sku}/later', { serializer: quoteJson })
  async later(@Param('sku') sku: string): Promise<Quote & { secret: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    return { sku, price: 300, secret: 'not in the schema' };
  }

  @Get('/{sku}/query', { serializer: quoteJson })
  query(@Param('sku') sku: string): PromiseLike<Quote & { secret: string }> {
    // a query builder's thenable, not a native promise
    const thenable = { then: (resolve: (value: Quote & { secret: string }) => void) => void setImmediate(() => resolve({ sku, price: 350, secret: 'not in the schema' })) };
    return thenable as unknown as PromiseLike<Quote & { secret: string }>;
  }

  @Get('/{sku}/label', { serializer: quoteJson })
  label(@Param('sku') sku: string): string {
    return `label of ${sku}`;
  }

  @Post('', { serializer: quoteJson })
  create(@Body() body: Quote & { secret: string }): Quote {
    return body;
  }
}

async function client(): Promise<TestClient> {
  return new TestClient(createApp({ controllers: [QuotesController], logger })).start();
}

test('plain data goes through the serializer, sent as application/json', async () => {
  const c = await client();
  try {
    const res = await c.get('/quotes/sku-7');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe('{"sku":"sku-7","price":250}');
  } finally {
    await c.close();
  }
});

test('an async handler and a body route use it too', async () => {
  const c = await client();
  try {
    expect((await c.get('/quotes/sku-8/later')).text).toBe('{"sku":"sku-8","price":300}');
    expect((await c.get('/quotes/sku-9/query')).text).toBe('{"sku":"sku-9","price":350}');
    const res = await c.post('/quotes', { json: { sku: 'sku-9', price: 1, secret: 'x' } });
    expect(res.text).toBe('{"sku":"sku-9","price":1}');
  } finally {
    await c.close();
  }
});

test('strings, HTTP errors and responses pass through untouched', async () => {
  const c = await client();
  try {
    const label = await c.get('/quotes/sku-7/label');
    expect(label.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(label.text).toBe('label of sku-7');
    const missing = await c.get('/quotes/none');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('no such sku');
  } finally {
    await c.close();
  }
});

test('plain routes take the option as well', async () => {
  const app = createApp({ logger });
  app.router.add('GET', '/ok', () => ({ ok: true, extra: 1 }), { serializer: (data: { ok: boolean }) => `{"ok":${data.ok}}` });
  app.router.add('GET', '/text', () => text('as is'), { serializer: () => 'never used' });
  const c = await new TestClient(app).start();
  try {
    expect((await c.get('/ok')).text).toBe('{"ok":true}');
    expect((await c.get('/text')).text).toBe('as is');
  } finally {
    await c.close();
  }
});

test('a serializer that is not a function is refused at startup, naming the route', async () => {
  const app = createApp({ logger });
  app.router.add('GET', '/bad', () => ({}), { serializer: 'fast' as never });
  await expect(app.startup()).rejects.toThrow(/WEFT_ERR_INVALID_OPTION: GET \/bad .*the serializer option must be a function turning data into JSON text, got string/);
});

test('a serializer that throws or returns no string answers 500, and the next request is served', async () => {
  const app = createApp({ logger });
  app.router.add('GET', '/throws', () => ({}), {
    serializer: () => {
      throw new Error('boom');
    },
  });
  app.router.add('GET', '/number', () => ({}), { serializer: (() => 42) as never });
  app.router.add('GET', '/fine', () => ({ fine: true }), { serializer: () => '{"fine":true}' });
  const c = await new TestClient(app).start();
  try {
    expect((await c.get('/throws')).status).toBe(500);
    expect((await c.get('/number')).status).toBe(500);
    expect((await c.get('/fine')).text).toBe('{"fine":true}');
  } finally {
    await c.close();
  }
});
