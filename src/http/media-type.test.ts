import { formatMediaType, isTokenString, negotiate, parseAccept, parseMediaType } from './media-type.js';

describe('parseMediaType', () => {
  it('parses type, subtype and essence, lowercased', () => {
    const mt = parseMediaType('Application/JSON');
    expect(mt).toMatchObject({ type: 'application', subtype: 'json', essence: 'application/json' });
    expect({ ...mt!.params }).toEqual({});
  });

  it('parses parameters: names lowercased, values kept, quoted strings unescaped', () => {
    const mt = parseMediaType('text/html; Charset=UTF-8; title="a \\"b\\"; c"');
    expect(mt!.essence).toBe('text/html');
    expect({ ...mt!.params }).toEqual({ charset: 'UTF-8', title: 'a "b"; c' });
  });

  it('accepts whitespace around the value and around semicolons', () => {
    const mt = parseMediaType('  multipart/form-data ;  boundary=----x  ;charset=utf-8 ');
    expect(mt!.essence).toBe('multipart/form-data');
    expect({ ...mt!.params }).toEqual({ boundary: '----x', charset: 'utf-8' });
  });

  it('keeps the first occurrence of a parameter', () => {
    expect(parseMediaType('text/plain; charset=a; charset=b')!.params.charset).toBe('a');
  });

  it('skips malformed parameters but keeps the valid ones', () => {
    const mt = parseMediaType('text/plain; foo; =bar; baz=a b; ok=1; ;');
    expect({ ...mt!.params }).toEqual({ ok: '1' });
  });

  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['NUL', '\0'],
    ['another control character', '\x1b'],
    ['DEL', '\x7f'],
    ['a character beyond Latin-1', '\u0100'],
  ])('skips a quoted parameter holding %s, raw or escaped, and keeps the others', (_name, char) => {
    for (const value of [`"a${char}b"`, `"a\\${char}b"`]) {
      const mt = parseMediaType(`multipart/form-data; boundary=${value}; charset=utf-8`);
      expect(mt!.essence).toBe('multipart/form-data');
      expect({ ...mt!.params }).toEqual({ charset: 'utf-8' });
    }
  });

  it('keeps HTAB, spaces and Latin-1 letters inside a quoted parameter', () => {
    expect(parseMediaType('text/plain; title="a\tb c é"')!.params.title).toBe('a\tb c é');
  });

  it('treats a parameter named __proto__ as a plain key', () => {
    const mt = parseMediaType('text/plain; __proto__=x');
    expect(mt!.params.__proto__).toBe('x');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it.each(['', 'text', 'text/', '/html', 'text /html', 'text/ html', 'te(x)t/html', 'text/html foo', 'text/html, text/plain'])(
    'returns null for %j',
    (value) => {
      expect(parseMediaType(value)).toBeNull();
    },
  );

  it('accepts the +json and vendor forms', () => {
    expect(parseMediaType('application/vnd.api+json')!.subtype).toBe('vnd.api+json');
  });
});

describe('formatMediaType', () => {
  it('adds parameters and quotes values that are not tokens', () => {
    expect(formatMediaType('text/plain', { charset: 'utf-8' })).toBe('text/plain; charset=utf-8');
    expect(formatMediaType('a/b', { x: 'with space', y: 'q"uote' })).toBe('a/b; x="with space"; y="q\\"uote"');
  });

  it('round-trips through parseMediaType', () => {
    const params = { name: 'a "b" \\ c', plain: 'v' };
    const parsed = parseMediaType(formatMediaType('x/y', params))!;
    expect({ ...parsed.params }).toEqual(params);
  });
});

describe('isTokenString', () => {
  it('accepts tokens and rejects separators, spaces and non-ASCII', () => {
    expect(isTokenString("abc-DEF_1.2!#$%&'*+^`|~")).toBe(true);
    for (const bad of ['', 'a b', 'a;b', 'a=b', 'a"b', 'é', 'a/b']) expect(isTokenString(bad)).toBe(false);
  });
});

describe('parseAccept', () => {
  it('sorts by weight, then specificity, then header order', () => {
    const ranges = parseAccept('text/*;q=0.5, */*;q=0.1, text/html, text/html;level=1, application/json');
    expect(ranges.map((r) => `${r.type}/${r.subtype}${Object.keys(r.params).length ? ';p' : ''}:${r.q}`)).toEqual([
      'text/html;p:1',
      'text/html:1',
      'application/json:1',
      'text/*:0.5',
      '*/*:0.1',
    ]);
  });

  it('keeps parameters before q and drops accept-ext parameters after it', () => {
    const [range] = parseAccept('text/html;level=1;q=0.7;ext=2');
    expect({ ...range.params }).toEqual({ level: '1' });
    expect(range.q).toBe(0.7);
  });

  it('skips malformed elements, */subtype and invalid weights', () => {
    const ranges = parseAccept('garbage, */html, text/plain;q=2, text/csv;q=x, , application/json;q=0');
    expect(ranges).toEqual([{ type: 'application', subtype: 'json', params: {}, q: 0 }]);
  });

  it('handles commas inside quoted parameters', () => {
    const ranges = parseAccept('text/html;x="a,b", text/plain');
    expect(ranges).toHaveLength(2);
    expect(ranges[0].params.x).toBe('a,b');
  });
});

describe('negotiate', () => {
  const available = ['application/json', 'text/html'];

  it('returns the first available type when the header is missing or blank', () => {
    expect(negotiate(undefined, available)).toBe('application/json');
    expect(negotiate('  ', available)).toBe('application/json');
    expect(negotiate(undefined, [])).toBeNull();
  });

  it('prefers the highest weight', () => {
    expect(negotiate('application/json;q=0.5, text/html', available)).toBe('text/html');
    expect(negotiate('application/json, text/html;q=0.9', available)).toBe('application/json');
  });

  it('uses the weight of the most specific matching range', () => {
    // text/html is excluded by its own range even though text/* and */* accept it
    expect(negotiate('*/*, text/*;q=0.9, text/html;q=0', ['text/html', 'text/plain'])).toBe('text/plain');
    expect(negotiate('text/html;q=0.2, text/*;q=0.8', ['text/html', 'text/plain'])).toBe('text/plain');
  });

  it('excludes q=0 and returns null when nothing is acceptable', () => {
    expect(negotiate('image/png', available)).toBeNull();
    expect(negotiate('application/json;q=0', ['application/json'])).toBeNull();
    expect(negotiate('garbage', available)).toBeNull();
  });

  it('breaks ties by specificity, then by header order, then by available order', () => {
    expect(negotiate('text/*, application/json', ['text/html', 'application/json'])).toBe('application/json');
    expect(negotiate('text/html, application/json', ['application/json', 'text/html'])).toBe('text/html');
    expect(negotiate('*/*', ['text/html', 'application/json'])).toBe('text/html');
  });

  it('is case-insensitive and returns the available string as given', () => {
    expect(negotiate('TEXT/HTML', ['Text/Html'])).toBe('Text/Html');
  });

  it('matches range parameters against the available parameters', () => {
    const offers = ['text/html;level=2', 'text/html;level=1'];
    expect(negotiate('text/html;level=1', offers)).toBe('text/html;level=1');
    expect(negotiate('text/html;level=3', offers)).toBeNull();
    expect(negotiate('text/html;level=1', ['text/html'])).toBeNull();
  });

  it('ignores available entries that are not media types', () => {
    expect(negotiate('*/*', ['not a type', 'text/plain'])).toBe('text/plain');
  });

  it('gives the same answer when the same header is seen again (cache)', () => {
    expect(negotiate('text/html', available)).toBe('text/html');
    expect(negotiate('text/html', ['application/json'])).toBeNull();
    expect(negotiate('text/html', available)).toBe('text/html');
  });
});
