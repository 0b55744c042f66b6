import { externalBinding } from './binding.js';

describe('externalBinding', () => {
  test("the fallback's singleton: asked twice on first use, then cached, needing no scope", () => {
    let gets = 0;
    const mailer = { n: 1 };
    const binding = externalBinding('Mailer', { name: 'inversify container', has: () => true, get: () => (gets++, mailer) });
    expect(binding.name).toBe('"Mailer" (from inversify container)');
    expect(binding.kind).toBe('external');
    expect(binding.scope).toBe('singleton');
    expect(binding.needsScope).toBe(false);
    expect(gets).toBe(0);
    expect(binding.resolve()).toBe(mailer);
    expect(binding.resolveOptional()).toBe(mailer);
    expect(gets).toBe(2);
  });

  test('a binding the fallback makes anew each time is asked for at every resolution', () => {
    let gets = 0;
    const binding = externalBinding('Mailer', { name: 'inversify container', has: () => true, get: () => ({ n: ++gets }) });
    expect(binding.resolve()).toEqual({ n: 1 });
    expect(binding.resolve()).toEqual({ n: 3 });
    expect(binding.resolveOptional()).toEqual({ n: 4 });
    expect(binding.needsScope).toBe(false);
  });
});
