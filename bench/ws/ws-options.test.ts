import { WS_USAGE, parseWsBenchOptions } from './ws-options.js';

describe('parseWsBenchOptions', () => {
  test('defaults: 5 s measured, 1 s warm-up, 100 clients, one round, 64-byte messages, pinned', () => {
    expect(parseWsBenchOptions([])).toEqual({ duration: 5, warmup: 1, clients: 100, rounds: 1, size: 64, pin: true, check: false, help: false });
  });

  test('reads every option', () => {
    const argv = ['--duration', '2.5', '--warmup', '0', '--clients', '10', '--rounds', '3', '--size', '1024', '--no-pin', '--check', '--help'];
    expect(parseWsBenchOptions(argv)).toEqual({ duration: 2.5, warmup: 0, clients: 10, rounds: 3, size: 1024, pin: false, check: true, help: true });
  });

  test.each([
    [['--clients', '0'], '--clients must be an integer from 1 to 10000, got "0"'],
    [['--clients', '2.5'], '--clients must be an integer from 1 to 10000, got "2.5"'],
    [['--duration', 'soon'], '--duration must be a number from 0.1 to 600, got "soon"'],
    [['--duration', ''], '--duration must be a number from 0.1 to 600, got ""'],
    [['--warmup=-1'], '--warmup must be a number from 0 to 600, got "-1"'],
    [['--rounds', '101'], '--rounds must be an integer from 1 to 100, got "101"'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseWsBenchOptions(argv)).toThrow(message);
  });

  test('an unknown option or a positional is refused with node’s message', () => {
    expect(() => parseWsBenchOptions(['--connections', '5'])).toThrow("Unknown option '--connections'");
    expect(() => parseWsBenchOptions(['fast'])).toThrow("Unexpected argument 'fast'");
  });

  test('the usage text lists every option', () => {
    for (const option of ['--duration', '--warmup', '--clients', '--rounds', '--size', '--no-pin', '--check', '--help']) expect(WS_USAGE).toContain(option);
  });
});
