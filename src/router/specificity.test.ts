import { parsePath } from './path-parser.js';
import { canSpanSegments, compareSpecificity, segmentRanks, splitSegments } from './specificity.js';

const ranks = (path: string): number[] => segmentRanks(splitSegments(parsePath(path)));

describe('specificity', () => {
  it.each([
    ['/users', [0]],
    ['/users/', [0, 0]],
    ['/users/{id}', [0, 3]],
    ['/files/{name}.json', [0, 1]],
    ['/{name}.{ext}', [1]],
    ['/{a}{b}', [3]],
    ['/items/{n:\\d+}/x', [0, 2, 0]],
    ['/files/{tail:.*}', [0, 4]],
    ['/p/{path:[^?]+}', [0, 4]],
    ['/a/{x}.{y:\\d+}', [0, 1]],
  ])('ranks %s as %j', (path, expected) => {
    expect(ranks(path)).toEqual(expected);
  });

  it('splits segments at literal slashes only', () => {
    expect(splitSegments(parsePath('/a/{x:[^/]+}/b'))).toEqual([['a'], [expect.objectContaining({ name: 'x' })], ['b']]);
  });

  it.each([
    ['.*', true],
    ['.+', true],
    ['[^?]*', true],
    ['\\d+/\\d+', true],
    ['\\d+', false],
    ['[a-z]+', false],
    ['[^/]+', false],
  ])('canSpanSegments(%s) is %s', (regex, expected) => {
    expect(canSpanSegments(regex)).toBe(expected);
  });

  it('compares segment by segment; ties are 0', () => {
    expect(compareSpecificity([0, 0], [0, 2])).toBeLessThan(0);
    expect(compareSpecificity([2, 0], [0, 4])).toBeGreaterThan(0);
    expect(compareSpecificity([0, 2], [0, 2, 0])).toBe(0);
    expect(compareSpecificity([0, 3], [0, 3])).toBe(0);
  });
});
