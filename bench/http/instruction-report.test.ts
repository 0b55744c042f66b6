import { type Framework } from './bench-options.js';
import { INSTRUCTION_NOTE, type InstructionCount, formatInstructionTable, formatSimulationTable, summariseInstructions } from './instruction-report.js';
import { type ScenarioId } from './scenarios.js';

function count(scenario: ScenarioId, framework: Framework, instructionsPerRequest: number): InstructionCount {
  return { scenario, framework, instructionsPerRequest, instructions: instructionsPerRequest * 1000, requests: 1000 };
}

describe('summariseInstructions', () => {
  it('divides the peer by weft: fewer instructions for weft is a ratio above 1', () => {
    const [s1] = summariseInstructions([count('S1', 'weft', 50_000), count('S1', 'raw', 48_000), count('S1', 'fastify', 60_000)]);
    expect(s1.perRequest).toEqual({ weft: 50_000, raw: 48_000, fastify: 60_000 });
    expect(s1.ratios.raw).toEqual({ value: 0.96, target: 0.9, met: true });
    expect(s1.ratios.fastify).toEqual({ value: 1.2, target: 1, met: true });
  });

  it('misses a target when weft runs more than 1/target of the peer', () => {
    const [s2] = summariseInstructions([count('S2', 'weft', 60_000), count('S2', 'raw', 50_000), count('S2', 'fastify', 59_000)]);
    expect(s2.ratios.raw?.met).toBe(false);
    expect(s2.ratios.fastify?.met).toBe(false);
  });

  it('keeps the scenarios in the order counted and leaves out ratios it cannot compute', () => {
    const summaries = summariseInstructions([count('S3', 'raw', 1), count('S1', 'weft', 2), count('S1', 'raw', 1)]);
    expect(summaries.map((summary) => summary.scenario)).toEqual(['S3', 'S1']);
    expect(summaries[0].ratios).toEqual({});
    expect(summaries[0].title).toBe('five middlewares write request-scoped values -> JSON');
  });
});

describe('formatInstructionTable', () => {
  it('prints instructions per request and the ratios with ✓ and ✗', () => {
    const table = formatInstructionTable(
      summariseInstructions([count('S1', 'weft', 50_000.4), count('S1', 'raw', 44_999), count('S1', 'fastify', 60_000), count('S5', 'weft', 70_000), count('S5', 'raw', 70_000)]),
    );
    expect(table.split('\n')).toEqual([
      '| scenario | weft instr/req | raw instr/req | fastify instr/req | raw/weft (≥0.9) | fastify/weft (≥1) |',
      '|----------|---------------:|--------------:|------------------:|----------------:|------------------:|',
      '| S1       |         50,000 |        44,999 |            60,000 |          0.89 ✗ |            1.19 ✓ |',
      '| S5       |         70,000 |        70,000 |                 - |          1.00 ✓ |               n/a |',
    ]);
  });

  it('leaves out the columns of frameworks not counted', () => {
    const table = formatInstructionTable(summariseInstructions([count('S1', 'weft', 10), count('S1', 'raw', 10)]));
    expect(table.split('\n')[0]).toBe('| scenario | weft instr/req | raw instr/req | raw/weft (≥0.9) |');
  });

  it('says what is counted and what is left out', () => {
    expect(INSTRUCTION_NOTE).toMatch(/user-space instructions of the server process/);
    expect(INSTRUCTION_NOTE).toMatch(/system call counts as one/);
    expect(INSTRUCTION_NOTE).toMatch(/kernel's socket work, equal for all three, is left out/);
  });
});

describe('formatSimulationTable', () => {
  it('prints the simulated misses per request of the counts that have them', () => {
    const simulated: InstructionCount = {
      ...count('S1', 'weft', 52_065),
      events: { Ir: 52_065_000, Dr: 1, I1mr: 2_843_400, D1mr: 1_034_000, D1mw: 185_000, Bc: 1, Bcm: 809_000, Bi: 1, Bim: 108_000 },
    };
    const table = formatSimulationTable([simulated, count('S1', 'raw', 51_703), { ...count('S3', 'raw', 10), events: { Ir: 10_000 } }]);
    expect(table.split('\n')).toEqual([
      '| scenario | framework |  instr | I1 misses | D1 read misses | D1 write misses | cond. branch mispredicts | indirect mispredicts |',
      '|----------|----------:|-------:|----------:|---------------:|----------------:|-------------------------:|---------------------:|',
      '| S1       |      weft | 52,065 |     2,843 |          1,034 |             185 |                      809 |                  108 |',
      '| S3       |       raw |     10 |         - |              - |               - |                        - |                    - |',
    ]);
  });

  it('is empty without --cache-sim', () => {
    expect(formatSimulationTable([count('S1', 'weft', 1)])).toBe('');
  });
});
