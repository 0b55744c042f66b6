import { matchPath } from './path-matcher.js';
import { parsePath } from './path-parser.js';
import { PathPattern } from './path-pattern.js';

/** The regex the router compiled for every pattern with a segment like `{name}.{ext}` before. */
const regexOf = (pattern: string): RegExp => {
  const source = parsePath(pattern)
    .map((token) => (token.kind === 'literal' ? token.text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : '([^{}/]+)'))
    .join('');
  return new RegExp(`^${source}$`);
};

/** Runs `fn` with every regex execution throwing, so a matcher using one fails at once. */
const withoutRegex = <T>(fn: () => T): T => {
  const exec = jest.spyOn(RegExp.prototype, 'exec').mockImplementation(() => {
    throw new Error('a regex ran');
  });
  try {
    return fn();
  } finally {
    exec.mockRestore();
  }
};

/** Raw values or null, as the matcher gives them. */
const rawMatch = (pattern: PathPattern, path: string): string[] | null => {
  const values = new Array<string>(pattern.matcher.size);
  return matchPath(pattern.matcher, path, values) ? values : null;
};

describe('path matcher', () => {
  describe('segments of plain parameters and literal text', () => {
    it.each<[string, string, Record<string, string> | null]>([
      ['/{name}.{ext}', '/a.b.c', { name: 'a.b', ext: 'c' }],
      ['/{name}.{ext}', '/.b', null],
      ['/{name}.{ext}', '/a.', null],
      ['/{name}.{ext}', '/a..', { name: 'a', ext: '.' }],
      ['/{name}.{ext}', '/..', null],
      ['/{name}.{ext}', '/...', { name: '.', ext: '.' }],
      // a leading literal is anchored at the segment's start, not searched for
      ['/v{a}', '/vvx', { a: 'vx' }],
      ['/v{a}', '/v', null],
      ['/v{a}', '/xv', null],
      ['/v{major}.{minor}', '/v1.2.3', { major: '1.2', minor: '3' }],
      ['/ab{x}', '/abab', { x: 'ab' }],
      ['/a{x}a', '/aa', null],
      ['/a{x}a', '/aaa', { x: 'a' }],
      ['/a{x}a', '/aaaa', { x: 'aa' }],
      // adjacent parameters: the later one gets one character
      ['/{a}{b}', '/xyz', { a: 'xy', b: 'z' }],
      ['/{a}{b}', '/xy', { a: 'x', b: 'y' }],
      ['/{a}{b}', '/x', null],
      ['/{a}{b}{c}', '/xy', null],
      ['/{a}{b}.{c}', '/x.y.z', { a: 'x.', b: 'y', c: 'z' }],
      // overlapping and repeated literals
      ['/{a}--{b}', '/x---y', { a: 'x-', b: 'y' }],
      ['/{a}--{b}', '/----', { a: '-', b: '-' }],
      ['/{a}--{b}', '/---', null],
      ['/{a}-{b}', '/-x', null],
      ['/{a}-{b}', '/--x', { a: '-', b: 'x' }],
      ['/{a}-{b}-{c}', '/a-b-c-d', { a: 'a-b', b: 'c', c: 'd' }],
      ['/{a}-{b}-{c}', '/--', null],
      ['/{a}-{b}-{c}', '/-----', { a: '-', b: '-', c: '-' }],
      ['/{a}.', '/.', null],
      ['/{a}.', '/x.', { a: 'x' }],
      // braces never belong to a value, escaped ones do; so does %2F
      ['/{a}.{b}', '/x{.y', null],
      ['/{a}.{b}', '/x.}', null],
      ['/{a}.{b}', '/x.%7B', { a: 'x', b: '{' }],
      ['/{a}.{b}', '/a%2F.b', { a: 'a/', b: 'b' }],
      // each segment on its own, literal and whole-parameter segments around them
      ['/files/{name}.{ext}/raw', '/files/a.b/raw', { name: 'a', ext: 'b' }],
      ['/files/{name}.{ext}/raw', '/files/a.b/raw/', null],
      ['/files/{name}.{ext}/raw', '/files/a/.b/raw', null],
      ['/{a}-{b}/{c}/x{d}', '/1-2/3/x4', { a: '1', b: '2', c: '3', d: '4' }],
      ['/{a}-{b}/{c}/x{d}', '/1-2/3/x', null],
      ['/{a}-{b}/{c}/x{d}', '/1-2//x4', null],
      ['/{a}-{b}/{c}/x{d}', '/1-/2/3/x4', null],
    ])('%s on %s', (pattern, path, expected) => {
      const compiled = new PathPattern(pattern);
      expect(withoutRegex(() => compiled.match(path))).toEqual(expected);
      expect(regexOf(pattern).exec(path) !== null).toBe(expected !== null);
    });

    it('keeps the regex for patterns with a custom regex, plain parameters beside it included', () => {
      expect(new PathPattern('/a/{x}.{y:\\d+}').match('/a/b.c.42')).toEqual({ x: 'b.c', y: '42' });
      expect(() => withoutRegex(() => new PathPattern('/a/{x}.{y:\\d+}').match('/a/b.42'))).toThrow('a regex ran');
      expect(() => withoutRegex(() => new PathPattern('/{a}{b:\\d}').match('/x1'))).toThrow('a regex ran');
    });

    it('matches as the regex did: generated patterns and paths', () => {
      // A seeded generator (mulberry32): the same cases on every run. An LCG's low bits,
      // taken modulo small numbers, repeat too soon for this.
      let seed = 7;
      const random = (n: number): number => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) % n;
      };
      const pick = <T>(items: readonly T[]): T => items[random(items.length)];
      const literals = ['a', '-', '.', 'ab', '--'];
      const segmentLiterals = ['a', '-', '..b', 'ab', '--'];
      const chars = ['-', '.', 'a', 'b', '{', '}', '%2F'];
      const text = (min: number, max: number): string => Array.from({ length: min + random(max - min + 1) }, () => pick(chars)).join('');

      type Piece = string | null; // null: a parameter
      const cases: Array<{ pattern: PathPattern; path: string; expected: string[] | null }> = [];
      for (let p = 0; p < 500; p++) {
        const segments: Piece[][] = Array.from({ length: 1 + random(3) }, () => {
          const kind = random(5);
          // a whole segment of '.' is refused (clients remove dot segments)
          if (kind === 0) return [pick(segmentLiterals)];
          if (kind === 1) return [null];
          const pieces: Piece[] = [];
          if (random(2) === 0) pieces.push(pick(literals));
          const params = 1 + random(4);
          for (let i = 0; i < params; i++) {
            if (i > 0 && random(3) !== 0) pieces.push(pick(literals)); // else adjacent parameters
            pieces.push(null);
          }
          if (random(2) === 0 || pieces.length === 1) pieces.push(pick(literals));
          return pieces;
        });
        let names = 0;
        const source = segments.map((pieces) => '/' + pieces.map((piece) => piece ?? `{p${names++}}`).join('')).join('');
        const pattern = new PathPattern(source);
        const regex = regexOf(source);
        const built = (): string[][] => segments.map((pieces) => pieces.map((piece) => piece ?? (random(8) === 0 ? text(1, 3) : text(1, 3).replace(/[{}]/g, 'a'))));
        for (let i = 0; i < 10; i++) {
          let path: string;
          const shape = random(4);
          if (shape === 0) {
            // random segments, sometimes one too many or too few
            const count = Math.max(1, segments.length + random(3) - 1);
            path = Array.from({ length: count }, () => '/' + text(0, 8)).join('');
          } else {
            path = built()
              .map((pieces) => '/' + pieces.join(''))
              .join('');
            if (shape === 1) {
              // one edit: a character replaced, inserted or removed
              const at = random(path.length + 1);
              const edit = random(3);
              path = path.slice(0, at) + (edit === 2 ? '' : pick(chars)) + path.slice(edit === 1 ? at : at + 1);
            }
          }
          const match = regex.exec(path);
          cases.push({ pattern, path, expected: match === null ? null : match.slice(1) });
        }
      }
      const actual = withoutRegex(() => cases.map(({ pattern, path }) => rawMatch(pattern, path)));
      const mismatches = cases
        .map(({ pattern, path, expected }, i) => ({ pattern: pattern.pattern, path, expected, actual: actual[i] }))
        .filter(({ expected, actual }) => JSON.stringify(actual) !== JSON.stringify(expected));
      expect(mismatches).toEqual([]);
      expect(cases.length).toBe(5000);
      // the generator reaches both outcomes often
      expect(cases.filter((c) => c.expected !== null).length).toBeGreaterThan(1000);
      expect(cases.filter((c) => c.expected === null).length).toBeGreaterThan(1000);
    });
  });

  describe('a long path against /d/{a}-{b}-{c}.{ext} (was a polynomial ReDoS)', () => {
    const pattern = new PathPattern('/d/{a}-{b}-{c}.{ext}');
    const dashes = '-'.repeat(16_000);

    it.each([
      ['no dot', `/d/${dashes}`],
      ['a dot at the end', `/d/${dashes}.`],
      ['one dash too few', `/d/a${'.'.repeat(16_000)}-b.c`],
      ['a brace at the end', `/d/${'a-'.repeat(8_000)}b.c{`],
    ])('fails without running a regex: %s', (_name, path) => {
      expect(withoutRegex(() => pattern.match(path))).toBeNull();
    });

    it('matches without running a regex', () => {
      expect(withoutRegex(() => pattern.match(`/d/${dashes}.x`))).toEqual({ a: '-'.repeat(15_996), b: '-', c: '-', ext: 'x' });
    });
  });
});
