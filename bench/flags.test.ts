import { parseFlags, startHarness } from './flags';

interface Options {
  help: boolean;
  rounds: number;
}

function parse(argv: string[]): Options {
  const values = parseFlags(argv, { help: { type: 'boolean' }, rounds: { type: 'string' } });
  return { help: values.help ?? false, rounds: Number(values.rounds ?? 1) };
}

describe('startHarness', () => {
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stdout = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('gives the options when they parse and every server script exists', () => {
    expect(startHarness(['--rounds', '3'], parse, 'usage text', () => [__filename])).toEqual({ help: false, rounds: 3 });
    expect(stderr).not.toHaveBeenCalled();
  });

  it('answers --help with the usage on stdout and exit code 0, before looking for scripts', () => {
    const scripts = jest.fn(() => ['/nowhere/server.js']);
    expect(startHarness(['--help'], parse, 'usage text', scripts)).toBe(0);
    expect(stdout).toHaveBeenCalledWith('usage text');
    expect(scripts).not.toHaveBeenCalled();
  });

  it('refuses an unknown option with its message and the usage on stderr, exit code 2', () => {
    expect(startHarness(['--bogus'], parse, 'usage text', () => [])).toBe(2);
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/'--bogus'[\s\S]*\nusage text\n$/));
  });

  it('names every server script not built yet, exit code 2', () => {
    expect(startHarness([], parse, 'usage text', () => [__filename, '/nowhere/a.js', '/nowhere/b.js'])).toBe(2);
    expect(stderr).toHaveBeenCalledWith('missing compiled servers: /nowhere/a.js, /nowhere/b.js\nrun `npm run build` first\n');
  });
});
