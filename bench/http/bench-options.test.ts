import { FRAMEWORKS, parseBenchOptions } from './bench-options.js';
import { SCENARIO_IDS } from './scenarios.js';

describe('parseBenchOptions', () => {
  const WRK = { wrkPath: '/usr/bin/wrk' };
  const NO_WRK = { wrkPath: undefined };

  it('defaults to 10 cycles of 1 s, all servers loaded together, after 2 s of warm-up, 50 connections, pipelining 1, everything, with wrk when it was found', () => {
    expect(parseBenchOptions([], WRK)).toEqual({
      warmup: 2,
      cycles: 10,
      slice: 1,
      mode: 'together',
      connections: 50,
      pipelining: 1,
      rounds: 1,
      scenarios: [...SCENARIO_IDS],
      frameworks: [...FRAMEWORKS],
      loader: 'wrk',
      wrkPath: '/usr/bin/wrk',
      pin: true,
      profile: false,
      check: false,
      outDir: '.bench-results',
      help: false,
    });
  });

  it('falls back to autocannon when wrk was not found', () => {
    expect(parseBenchOptions([], NO_WRK)).toMatchObject({ loader: 'autocannon' });
    expect(parseBenchOptions([], NO_WRK)).not.toHaveProperty('wrkPath');
  });

  it('reads every option', () => {
    const options = parseBenchOptions(
      ['--cycles', '20', '--slice', '2', '--mode', 'Rotate', '--warmup', '0', '--loader', 'autocannon', '--connections', '10', '--pipelining', '4', '--rounds', '2'].concat(
        ['--scenarios', 's5,S1', '--frameworks', 'fastify,weft', '--no-pin', '--profile', '--check', '--out', 'tmp/results', '--help'],
      ),
      WRK,
    );
    expect(options).toEqual({
      warmup: 0,
      cycles: 20,
      slice: 2,
      mode: 'rotate',
      connections: 10,
      pipelining: 4,
      rounds: 2,
      scenarios: ['S1', 'S5'],
      frameworks: ['weft', 'fastify'],
      loader: 'autocannon',
      pin: false,
      profile: true,
      check: true,
      outDir: 'tmp/results',
      help: true,
    });
  });

  it('keeps the canonical run order whatever order the lists are given in, without duplicates', () => {
    expect(parseBenchOptions(['--scenarios', 'S3,S1,S3'], WRK).scenarios).toEqual(['S1', 'S3']);
    expect(parseBenchOptions(['--frameworks', 'fastify,raw,weft'], WRK).frameworks).toEqual(['weft', 'raw', 'fastify']);
  });

  it.each([
    [['--cycles', 'x'], '--cycles "x": expected a whole number from 1 to 1000'],
    [['--cycles', '0'], '--cycles "0": expected a whole number from 1 to 1000'],
    [['--slice', '0.5'], '--slice "0.5": expected a whole number from 1 to 60'],
    [['--mode', 'duel'], '--mode "duel": expected one of together, rotate'],
    [['--mode', ''], '--mode "": expected one of together, rotate'],
    [['--duration', '5'], '--duration was replaced by --cycles N and --slice SECONDS (see --help)'],
    [['--loader', 'ab'], '--loader "ab": expected one of wrk, autocannon'],
    [['--pipelining', '4'], '--pipelining 4: wrk sends one request at a time per connection; pipelining needs --loader autocannon'],
    [['--loader', 'wrk', '--pipelining', '2'], '--pipelining 2: wrk sends one request at a time per connection; pipelining needs --loader autocannon'],
    [['--warmup=-1'], '--warmup "-1": expected a whole number from 0 to 60'],
    [['--warmup', '-1'], "Option '--warmup' argument is ambiguous"],
    [['--connections', '20000'], '--connections "20000": expected a whole number from 1 to 10000'],
    [['--rounds', '11'], '--rounds "11": expected a whole number from 1 to 10'],
    [['--scenarios', 'S1,S9'], '--scenarios: unknown scenario "S9": expected one of S1, S2, S3, S4, S5'],
    [['--scenarios', 'S1,,S2'], '--scenarios "S1,,S2": expected a comma-separated list without empty items'],
    [['--frameworks', 'express'], '--frameworks: unknown framework "express": expected one of weft, raw, fastify'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['S1'], "Unexpected argument 'S1'"],
  ])('rejects %j with a message saying what is expected', (argv, message) => {
    expect(() => parseBenchOptions(argv, WRK)).toThrow(message);
  });

  it('refuses --loader wrk when wrk was not found', () => {
    expect(() => parseBenchOptions(['--loader', 'wrk'], NO_WRK)).toThrow('--loader wrk: wrk is neither at /usr/bin/wrk nor on PATH (apt-get install wrk)');
  });
});
