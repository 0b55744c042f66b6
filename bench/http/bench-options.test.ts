import { FRAMEWORKS, parseBenchOptions } from './bench-options.js';
import { SCENARIO_IDS } from './scenarios.js';

describe('parseBenchOptions', () => {
  it('defaults to the issue settings: 5 s measured after 2 s warm-up, 50 connections, pipelining 1, everything', () => {
    expect(parseBenchOptions([])).toEqual({
      duration: 5,
      warmup: 2,
      connections: 50,
      pipelining: 1,
      rounds: 1,
      scenarios: [...SCENARIO_IDS],
      frameworks: [...FRAMEWORKS],
      pin: true,
      profile: false,
      check: false,
      outDir: '.bench-results',
      help: false,
    });
  });

  it('reads every option', () => {
    const options = parseBenchOptions(
      ['--duration', '3', '--warmup', '0', '--connections', '10', '--pipelining', '4', '--rounds', '2'].concat(
        ['--scenarios', 's5,S1', '--frameworks', 'fastify,weft', '--no-pin', '--profile', '--check', '--out', 'tmp/results', '--help'],
      ),
    );
    expect(options).toEqual({
      duration: 3,
      warmup: 0,
      connections: 10,
      pipelining: 4,
      rounds: 2,
      scenarios: ['S1', 'S5'],
      frameworks: ['weft', 'fastify'],
      pin: false,
      profile: true,
      check: true,
      outDir: 'tmp/results',
      help: true,
    });
  });

  it('keeps the canonical run order whatever order the lists are given in, without duplicates', () => {
    expect(parseBenchOptions(['--scenarios', 'S3,S1,S3']).scenarios).toEqual(['S1', 'S3']);
    expect(parseBenchOptions(['--frameworks', 'fastify,raw,weft']).frameworks).toEqual(['weft', 'raw', 'fastify']);
  });

  it.each([
    [['--duration', 'x'], '--duration "x": expected a whole number from 1 to 600'],
    [['--duration', '0'], '--duration "0": expected a whole number from 1 to 600'],
    [['--duration', '2.5'], '--duration "2.5": expected a whole number from 1 to 600'],
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
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });
});
