import { SCOPES, isScope } from './scope.js';

describe('Scope', () => {
  test('the three scopes', () => {
    expect(SCOPES).toEqual(['singleton', 'request', 'transient']);
    for (const scope of SCOPES) expect(isScope(scope)).toBe(true);
    for (const value of ['session', 'Singleton', undefined, 1]) expect(isScope(value)).toBe(false);
  });
});
