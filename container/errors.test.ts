import { DI_ERROR_CODES, DiError, DisposeError } from './errors.js';

describe('DiError', () => {
  test('code, message `code: detail`, path, cause', () => {
    const cause = new Error('root cause');
    const error = new DiError('WEFT_DI_MISSING', 'no provider for Key(db)', ['A', 'Key(db)'], { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DiError');
    expect(error.code).toBe('WEFT_DI_MISSING');
    expect(error.message).toBe('WEFT_DI_MISSING: no provider for Key(db)');
    expect(error.path).toEqual(['A', 'Key(db)']);
    expect(error.cause).toBe(cause);
  });

  test('without detail, the message explains the code; path defaults to empty', () => {
    const error = new DiError('WEFT_DI_FROZEN');
    expect(error.message).toBe(`WEFT_DI_FROZEN: ${DI_ERROR_CODES.WEFT_DI_FROZEN}`);
    expect(error.path).toEqual([]);
  });

  test('every code is prefixed WEFT_DI_ and explained', () => {
    for (const [code, text] of Object.entries(DI_ERROR_CODES)) {
      expect(code).toMatch(/^WEFT_DI_[A-Z_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
  });
});

describe('DisposeError', () => {
  test('an AggregateError with every error, coded', () => {
    const errors = [new TypeError('a'), 'b'];
    const error = new DisposeError(errors, 'container "root"');
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.name).toBe('DisposeError');
    expect(error.code).toBe('WEFT_DI_DISPOSE');
    expect(error.errors).toEqual(errors);
    expect(error.message).toBe('WEFT_DI_DISPOSE: disposing container "root" failed for 2 instances: TypeError: a; b');
    expect(new DisposeError([new Error('x')], 'a scope').message).toBe('WEFT_DI_DISPOSE: disposing a scope failed for 1 instance: Error: x');
  });
});
