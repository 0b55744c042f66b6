import { type Request } from '../http/request.js';
import { Response } from '../http/response.js';
import { StreamResponse } from '../http/stream-response.js';
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

  test('a replacement request reaches the inner layers', async () => {
    const replacement = { replaced: true } as unknown as Request;
    const pipeline = compose([(_req, next) => next(replacement)], (req) => ({ replaced: (req as unknown as { replaced?: boolean }).replaced === true }));
    expect(((await pipeline(request)) as Response).text).toBe('{"replaced":true}');
  });

  test('sync throws become rejections, from handlers and middlewares', async () => {
    const boom = new Error('boom');
    await expect(compose([], () => { throw boom; })(request)).rejects.toBe(boom);
    await expect(compose([() => { throw boom; }], () => 'x')(request)).rejects.toBe(boom);
  });

  test('a plain value returned by a (JavaScript) middleware still becomes a response at the top', async () => {
    const loose = (() => 'short-circuit') as unknown as Middleware;
    const response = await compose([loose], () => 'never')(request);
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).text).toBe('short-circuit');
  });
});
