import { DiError } from './errors.js';
import { Key } from './key.js';
import { providerRegistration } from './registration.js';
import { RegistrationTable } from './registration-table.js';

const A = new Key('a');
const B = new Key('b');

describe('RegistrationTable', () => {
  test('keeps registration order; a duplicate is WEFT_DI_DUPLICATE unless override', () => {
    const table = new RegistrationTable('admin');
    table.add(providerRegistration(A, { useValue: 1 }), false);
    table.add(providerRegistration(B, { useValue: 2 }), false);
    let error: unknown;
    try {
      table.add(providerRegistration(A, { useValue: 3 }), false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiError);
    expect((error as DiError).message).toBe(
      'WEFT_DI_DUPLICATE: Key(a) is already registered in container "admin"; pass { override: true } to replace it, or use container.override() in tests',
    );
    table.add(providerRegistration(A, { useValue: 3 }), true);
    expect([...table.effective().entries()].map(([token, r]) => [token, r.recipe])).toEqual([
      [A, { kind: 'value', value: 3 }],
      [B, { kind: 'value', value: 2 }],
    ]);
  });

  test('overrides win whenever they were made, and count for has()', () => {
    const table = new RegistrationTable('root');
    const C = new Key('c');
    table.override(providerRegistration(A, { useValue: 'fake' }));
    table.add(providerRegistration(A, { useValue: 'real' }), false);
    table.override(providerRegistration(C, { useValue: 'new' }));
    expect(table.has(A)).toBe(true);
    expect(table.has(C)).toBe(true);
    expect(table.has(B)).toBe(false);
    expect([...table.effective().values()].map((r) => r.recipe)).toEqual([
      { kind: 'value', value: 'fake' },
      { kind: 'value', value: 'new' },
    ]);
  });
});
