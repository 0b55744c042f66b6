import { FRAMEWORKS } from './bench-options.js';
import { parseInstructionOptions } from './instruction-options.js';
import { SCENARIO_IDS } from './scenarios.js';

describe('parseInstructionOptions', () => {
  it('defaults to 20000 warm-up requests, 10000 counted, every scenario and framework', () => {
    expect(parseInstructionOptions([])).toEqual({
      warm: 20_000,
      requests: 10_000,
      scenarios: [...SCENARIO_IDS],
      frameworks: [...FRAMEWORKS],
      outDir: '.bench-results',
      cacheSim: false,
      help: false,
    });
  });

  it('reads every option, lists in the canonical order', () => {
    expect(parseInstructionOptions(['--warm', '500', '--requests', '2000', '--scenarios', 's3,S1', '--frameworks', 'Fastify,weft', '--out', 'tmp', '--cache-sim', '--help'])).toEqual({
      warm: 500,
      requests: 2000,
      scenarios: ['S1', 'S3'],
      frameworks: ['weft', 'fastify'],
      outDir: 'tmp',
      cacheSim: true,
      help: true,
    });
  });

  it.each([
    [['--warm', 'x'], '--warm "x": expected a whole number from 10 to 1000000'],
    [['--requests', '9'], '--requests "9": expected a whole number from 10 to 1000000'],
    [['--requests', '1e4'], '--requests "1e4": expected a whole number from 10 to 1000000'],
    [['--scenarios', 'S6'], '--scenarios: unknown scenario "S6": expected one of S1, S2, S3, S4, S5'],
    [['--frameworks', 'express'], '--frameworks: unknown framework "express": expected one of weft, raw, fastify'],
    [['--frameworks', 'weft,'], '--frameworks "weft,": expected a comma-separated list without empty items'],
    [['--echoes', '5'], "Unknown option '--echoes'"],
    [['S1'], 'Unexpected argument'],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseInstructionOptions(argv)).toThrow(message);
  });
});
