import { WeftError } from '../errors.js';
import { createLogger } from './logger.js';

function errorOf(fn: () => unknown): WeftError {
  try {
    fn();
  } catch (err) {
    return err as WeftError;
  }
  throw new Error('did not throw');
}

describe('createLogger', () => {
  const saved = process.env.LOG_LEVEL;
  afterEach(() => {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  });

  test('an unknown LOG_LEVEL is a coded error naming the variable and the levels accepted', () => {
    process.env.LOG_LEVEL = 'bogus';
    const error = errorOf(() => createLogger({ pretty: false }));
    expect(error).toBeInstanceOf(WeftError);
    expect(error.code).toBe('WEFT_ERR_INVALID_OPTION');
    expect(error.message).toBe('WEFT_ERR_INVALID_OPTION: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (in any case), got "bogus"');
  });

  test('an unknown level option is a coded error naming the option', () => {
    expect(errorOf(() => createLogger({ level: 'verbose', pretty: false })).message).toBe(
      'WEFT_ERR_INVALID_OPTION: createLogger() option level must be one of fatal, error, warn, info, debug, trace, silent (in any case), got "verbose"',
    );
    expect(errorOf(() => createLogger({ level: 30 as never, pretty: false })).message).toContain('createLogger() option level must be one of fatal, error, warn, info, debug, trace, silent (in any case), got 30');
    expect(errorOf(() => createLogger({ level: '', pretty: false })).message).toContain('got ""');
  });

  test('levels are taken in any case; an unset or empty LOG_LEVEL is info; the option wins over LOG_LEVEL', () => {
    process.env.LOG_LEVEL = 'WARN';
    expect((createLogger({ pretty: false }) as unknown as { level: string }).level).toBe('warn');
    process.env.LOG_LEVEL = '';
    expect((createLogger({ pretty: false }) as unknown as { level: string }).level).toBe('info');
    delete process.env.LOG_LEVEL;
    expect((createLogger({ pretty: false }) as unknown as { level: string }).level).toBe('info');
    process.env.LOG_LEVEL = 'bogus';
    expect((createLogger({ level: 'Silent', pretty: false }) as unknown as { level: string }).level).toBe('silent');
  });
});
