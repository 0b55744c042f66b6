import { externalBinding } from './binding.js';

describe('externalBinding', () => {
  test('a singleton owned by the fallback, fetched once, needing no scope', () => {
    let gets = 0;
    const binding = externalBinding('Mailer', { name: 'inversify container', has: () => true, get: () => ({ n: ++gets }) });
    expect(binding.name).toBe('"Mailer" (from inversify container)');
    expect(binding.kind).toBe('external');
    expect(binding.scope).toBe('singleton');
    expect(binding.needsScope).toBe(false);
    expect(gets).toBe(0);
    expect(binding.resolve()).toBe(binding.resolveOptional());
    expect(gets).toBe(1);
  });
});
