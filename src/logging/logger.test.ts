import { WeftError } from '../errors.js';
import { createLogger, stderrLogger, type Logger } from './logger.js';

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

describe('Logger', () => {
  test('takes a message alone, as pino does, besides fields and a message', () => {
    const calls: unknown[][] = [];
    const logger: Logger = {
      error: (...args) => void calls.push(args),
      warn: (...args) => void calls.push(args),
      info: (...args) => void calls.push(args),
      debug: (...args) => void calls.push(args),
    };
    logger.info('ready');
    logger.error({ code: 7 }, 'failed');
    expect(calls).toEqual([['ready'], [{ code: 7 }, 'failed']]);
    // weft's default logger is one
    const pinoLogger: Logger = createLogger({ level: 'silent', pretty: false });
    pinoLogger.warn('not written: silent');
  });

  test('an implementation written for (obj: object, msg?: string) is still a Logger', () => {
    class ObjectsOnly {
      readonly lines: string[] = [];
      error(obj: object, msg?: string): void {
        this.lines.push(`${msg} ${Object.keys(obj).join()}`);
      }
      warn(): void {}
      info(): void {}
      debug(): void {}
    }
    const logger: Logger = new ObjectsOnly();
    logger.error({ err: 1 }, 'failed');
    expect((logger as ObjectsOnly).lines).toEqual(['failed err']);
  });

  test('the stderr fallback writes a message alone, or fields and a message', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      stderrLogger.error('startup failed');
      stderrLogger.warn({ n: 1 }, 'careful');
      stderrLogger.info({ n: 2 });
      stderrLogger.debug('dropped');
      expect(write.mock.calls.map(([line]) => line)).toEqual(['error: startup failed\n', 'warn: careful\n', 'info: { n: 2 }\n']);
    } finally {
      write.mockRestore();
    }
  });
});
