import { WeftError } from '../errors.js';
import { buildUrl, encodeQuery } from './build-url.js';
import { PathPattern } from './path-pattern.js';
import { thrownBy } from '../../container/thrown-by.test-support.js';

const errorOf = (fn: () => unknown): WeftError => thrownBy(fn, WeftError);

describe('buildUrl', () => {
  it('reverses the path and appends the query', () => {
    expect(buildUrl('/users/{id}', { params: { id: 'a/b' }, query: { tab: 'posts', tag: ['x', 'y z'] } })).toBe('/users/a%2Fb?tab=posts&tag=x&tag=y+z');
    expect(buildUrl(new PathPattern('/users/{id}'), { params: { id: 7 } })).toBe('/users/7');
    expect(buildUrl('/search', { query: new URLSearchParams({ q: 'été' }) })).toBe('/search?q=%C3%A9t%C3%A9');
    expect(buildUrl('/search', { query: { page: 2, all: true, q: 'a&b=c' } })).toBe('/search?page=2&all=true&q=a%26b%3Dc');
  });

  it('writes no ? for an empty query', () => {
    expect(buildUrl('/a')).toBe('/a');
    expect(buildUrl('/a', { query: {} })).toBe('/a');
    expect(buildUrl('/a', { query: new URLSearchParams() })).toBe('/a');
  });

  it('keeps the order and repetition of the query', () => {
    expect(encodeQuery({ b: '1', a: ['2', '3'], c: [] })).toBe('b=1&a=2&a=3');
  });

  it.each<[unknown, string]>([
    [{ page: Number.NaN }, 'the query value of "page" must be a string, a finite number or a boolean (or an array of them), not NaN'],
    [{ page: null }, 'not null'],
    [{ page: { nested: 1 } }, 'not object'],
    [{ tags: ['a', undefined] }, 'not undefined'],
    ['a=1', 'a query must be an object or URLSearchParams, not string'],
    [new Map([['a', '1']]), 'a query must be a plain object or URLSearchParams, not a Map (use Object.fromEntries(map))'],
    [{ q: 'bad \ud800 half' }, 'the query value of "q" is not well-formed unicode (a lone surrogate)'],
    [{ ['k\udc00']: 'v' }, 'is not well-formed unicode (a lone surrogate)'],
    [{ ['\ud800']: 1 }, 'the query key "\\ud800" is not well-formed unicode (a lone surrogate)'],
    [['a'], 'a query must be a plain object or URLSearchParams, not an array'],
  ])('rejects the query %j', (query, problem) => {
    const error = errorOf(() => buildUrl('/a', { query: query as Record<string, string> }));
    expect(error.code).toBe('WEFT_ERR_URL_PARAMS');
    expect(error.message).toContain(problem);
  });

  it('keeps a well-formed pair of surrogates (an emoji) in the query', () => {
    expect(buildUrl('/a', { query: { q: 'x 😀' } })).toBe('/a?q=x+%F0%9F%98%80');
  });

  it('fails on parameters that do not fit the pattern', () => {
    expect(errorOf(() => buildUrl('/users/{id}')).message).toContain("missing 'id'");
    expect(errorOf(() => buildUrl('/users/{id', { params: { id: 1 } })).code).toBe('WEFT_ERR_INVALID_PATH');
  });
});
