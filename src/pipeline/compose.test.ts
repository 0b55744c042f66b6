import { HTTPForbidden } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { Response } from '../http/response.js';
import { StreamResponse } from '../http/stream-response.js';
import { toResponse } from '../http/to-response.js';
import { compose } from './compose.js';
import { type Middleware } from './middleware.js';

const request = {} as Request;

describe('compose', () => {
  test('onion order, and every next() resolves to a response object', async () => {
    const order: string[] = [];
    const seen: unknown[] = [];
    const mw =
      (name: string): Middleware =>
      async (req, next) => {
        order.push(`${name} in`);
        const response = await next(req);
        seen.push(response);
        order.push(`${name} out`);
        return response;
      };
    const pipeline = compose([mw('a'), mw('b')], () => {
      order.push('handler');
      return { ok: true };
    });
    const response = await pipeline(request);
    expect(order).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
    expect(seen.every((r) => r instanceof StreamResponse)).toBe(true);
    expect((response as Response).text).toBe('{"ok":true}');
  });

  test('a handler returning a thenable that is not a native Promise is awaited, as `await` would (Bluebird, query builders)', async () => {
    const thenable = <T>(value: T, fail = false) => ({
      then(resolve: (v: T) => void, reject: (e: unknown) => void) {
        setTimeout(() => (fail ? reject(value) : resolve(value)), 1);
      },
    });
    const alone = compose([], () => thenable({ rows: 2 }));
    expect(alone(request)).toBeInstanceOf(Promise);
    expect(toResponse(await alone(request))).toMatchObject({ text: '{"rows":2}' });
    const wrapped = compose([(req, next) => next(req)], () => thenable('found'));
    expect(((await wrapped(request)) as Response).text).toBe('found');
    const boom = new Error('query failed');
    await expect(compose([], () => thenable(boom, true))(request)).rejects.toBe(boom);
  });

  test('next() resolves to a response whatever an inner middleware returns: data, a string, undefined, an HttpError', async () => {
    const seen: unknown[] = [];
    const outer: Middleware = async (req, next) => {
      const response = await next(req);
      seen.push(response);
      return response;
    };
    const inners: Middleware[] = [
      async (req, next) => {
        await next(req);
        return { replaced: true } as never;
      },
      (() => 'from middleware') as never,
      async () => new HTTPForbidden() as never,
      (async (req: Request, next: (r?: Request) => Promise<StreamResponse>) => {
        await next(req);
      }) as never,
    ];
    const statuses = [];
    for (const inner of inners) statuses.push((toResponse(await compose([outer, inner], () => 'handler')(request)) as Response).status);
    expect(seen.every((r) => r instanceof StreamResponse)).toBe(true);
    expect(statuses).toEqual([200, 200, 403, 204]);
    expect((seen[0] as Response).text).toBe('{"replaced":true}');
    expect((seen[1] as Response).text).toBe('from middleware');
  });

  test('a replacement request reaches the inner layers', async () => {
    const replacement = { replaced: true } as unknown as Request;
    const pipeline = compose([(_req, next) => next(replacement)], (req) => ({ replaced: (req as unknown as { replaced?: boolean }).replaced === true }));
    expect(((await pipeline(request)) as Response).text).toBe('{"replaced":true}');
  });

  test('with middlewares, sync throws become rejections, from handlers and middlewares', async () => {
    const boom = new Error('boom');
    const pass: Middleware = (req, next) => next(req);
    await expect(compose([pass], () => { throw boom; })(request)).rejects.toBe(boom);
    await expect(compose([() => { throw boom; }], () => 'x')(request)).rejects.toBe(boom);
  });

  test('without middlewares, a sync handler answers synchronously and its throw is thrown', async () => {
    const response = compose([], () => 'now')(request);
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).text).toBe('now');
    const boom = new Error('boom');
    expect(() => compose([], () => { throw boom; })(request)).toThrow(boom);
    expect(() => compose([], () => () => 'a function')(request)).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_BODY' }));
    const later = compose([], async () => 'later')(request);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe('later'); // converted by the request path (see Pipeline)
    await expect(compose([], async () => { throw boom; })(request)).rejects.toBe(boom);
  });

  test('a plain value returned by a (JavaScript) middleware becomes a response', async () => {
    const loose = (() => 'short-circuit') as unknown as Middleware;
    const response = await compose([loose], () => 'never')(request);
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).text).toBe('short-circuit');
  });
});
