import { Key } from './key.js';

describe('Key', () => {
  test('prints as Key(name)', () => {
    const Db = new Key<{ query(): void }>('db');
    expect(Db.name).toBe('db');
    expect(String(Db)).toBe('Key(db)');
    expect(`${Db}`).toBe('Key(db)');
  });

  test('two keys with one name are distinct tokens', () => {
    const a = new Key<number>('n');
    const b = new Key<number>('n');
    expect(a).not.toBe(b);
    expect(new Map([[a, 1]]).has(b)).toBe(false);
  });
});
