import { InstanceClaims } from './instance-claims.js';

describe('InstanceClaims', () => {
  test('a disposable instance is claimed once; a foreign object and a non-disposable never', () => {
    const claims = new InstanceClaims();
    const made = { dispose() {} };
    const given = { dispose() {} };
    claims.foreign(given);
    claims.foreign(42);
    expect(claims.claim(made)).toBe(true);
    expect(claims.claim(made)).toBe(false);
    expect(claims.claim(given)).toBe(false);
    expect(claims.claim({})).toBe(false);
    expect(claims.claim(null)).toBe(false);
  });
});
