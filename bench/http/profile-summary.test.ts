import { type CpuProfile, formatProfile, summariseProfile } from './profile-summary.js';

const root = '/work/app';

function frame(id: number, functionName: string, url = '', lineNumber = 0) {
  return { id, callFrame: { functionName, url, lineNumber, columnNumber: 0 } };
}

// Four functions; each sample lasts until the next one (the last until endTime).
const profile: CpuProfile = {
  nodes: [
    frame(1, '(root)'),
    frame(2, '(idle)'),
    frame(3, 'handleRequest', 'file:///work/app/dist/src/pipeline/handle-request.js', 9),
    frame(4, 'writeHead', 'node:_http_server', 349),
    frame(5, '(garbage collector)'),
    frame(6, 'handleRequest', 'file:///work/app/dist/src/pipeline/handle-request.js', 9),
    frame(7, 'parse', 'file:///work/app/node_modules/find-my-way/index.js', 99),
    frame(8, 'promiseInitHook', 'node:internal/async_hooks', 319),
  ],
  startTime: 0,
  endTime: 10_500,
  samples: [2, 3, 4, 6, 5, 7, 8],
  timeDeltas: [0, 4000, 2000, 1000, 1000, 1000, 1000],
};

describe('summariseProfile', () => {
  it('sums self time per function, merging nodes of the same function, and splits it by area', () => {
    const summary = summariseProfile(profile, { root });
    expect(summary.totalMs).toBe(10.5);
    expect(summary.busyMs).toBe(6.5);
    expect(summary.areas).toEqual({ weft: 3, bench: 0, node: 1, 'async-hooks': 0.5, packages: 1, gc: 1, idle: 4, other: 0 });
    expect(summary.top[0]).toEqual({ name: 'handleRequest', location: 'dist/src/pipeline/handle-request.js:10', area: 'weft', selfMs: 3, share: 3 / 6.5 });
    expect(summary.top.map((entry) => entry.name)).toEqual(['handleRequest', 'writeHead', '(garbage collector)', 'parse', 'promiseInitHook']);
  });

  it('keeps only the top N', () => {
    expect(summariseProfile(profile, { root, top: 2 }).top).toHaveLength(2);
  });

  it('formats the areas and the top functions', () => {
    const text = formatProfile(summariseProfile(profile, { root, top: 2 }));
    expect(text.split('\n')).toEqual([
      'busy 7 ms of 11 ms; self time by area: weft 46.2%, node 15.4%, packages 15.4%, gc 15.4%, async-hooks 7.7%',
      '  self ms   share  area         function (location)',
      '      3.0   46.2%  weft         handleRequest (dist/src/pipeline/handle-request.js:10)',
      '      1.0   15.4%  node         writeHead (node:_http_server:350)',
    ]);
  });

  it('rejects what is not a CPU profile, and samples naming unknown nodes', () => {
    expect(() => summariseProfile({} as CpuProfile)).toThrow('not a V8 CPU profile: expected nodes, samples and timeDeltas arrays');
    expect(() => summariseProfile({ ...profile, samples: [99] })).toThrow('sample 0 names node 99, which the profile does not have');
  });
});
