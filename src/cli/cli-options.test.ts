import { parseCommandLine } from './cli-options.js';
import { usageErrorOf } from './usage-error.test-support.js';

const usageError = (argv: string[]): string => usageErrorOf(parseCommandLine, argv);

test('serve: defaults, and every option', () => {
  expect(parseCommandLine(['serve', 'app.js:create'])).toEqual({
    name: 'serve',
    options: { target: 'app.js:create', host: [], port: undefined, path: [], mode: undefined, sock: [], shutdownTimeout: undefined, accessLog: true, accessLogFormat: undefined, workers: 1, maxRequests: 0, maxRequestsJitter: 0, preload: false, reload: false },
  });
  const argv = ['serve', 'app.js:create', '--host', '127.0.0.1', '--host', '::1', '--port', '8081', '--path', '/run/w{n}.sock', '--mode', '660', '--sock', '3', '--shutdown-timeout', '2.5'];
  argv.push('--no-access-log', '--access-log-format', '%a %s', '--workers', '4', '--max-requests', '1000', '--max-requests-jitter', '50', '--preload');
  expect(parseCommandLine(argv)).toEqual({
    name: 'serve',
    options: { target: 'app.js:create', host: ['127.0.0.1', '::1'], port: 8081, path: ['/run/w{n}.sock'], mode: 0o660, sock: [3], shutdownTimeout: 2500, accessLog: false, accessLogFormat: '%a %s', workers: 4, maxRequests: 1000, maxRequestsJitter: 50, preload: true, reload: false },
  });
});

test('serve --reload: with any number of workers and a path without {n} for one worker; never with --preload', () => {
  expect(parseCommandLine(['serve', 'app.js:create', '--reload'])).toMatchObject({ name: 'serve', options: { reload: true, workers: 1, preload: false } });
  expect(parseCommandLine(['serve', 'app.js:create', '--reload', '--workers', '2'])).toMatchObject({ options: { reload: true, workers: 2 } });
  expect(parseCommandLine(['serve', 'app.js:create', '--reload', '--path', '/tmp/app.sock'])).toMatchObject({ options: { reload: true, path: ['/tmp/app.sock'] } });
  expect(usageError(['serve', 'a:b', '--reload', '--preload'])).toBe(
    'WEFT_ERR_CLI_USAGE: --reload cannot be combined with --preload: code imported by the supervisor before forking cannot be reloaded',
  );
  expect(usageError(['serve', 'a:b', '--preload', '--workers', '2', '--reload'])).toMatch(/--reload cannot be combined with --preload/);
  expect(usageError(['serve', 'a:b', '--reload=yes'])).toMatch(/--reload/);
});

test('help, version, routes, deploy nginx', () => {
  expect(parseCommandLine([])).toEqual({ name: 'help' });
  expect(parseCommandLine(['--help'])).toEqual({ name: 'help' });
  expect(parseCommandLine(['deploy', 'nginx', '--help'])).toEqual({ name: 'help' });
  expect(parseCommandLine(['serve', 'app.js:create', '--workers', '2', '--help'])).toEqual({ name: 'help' });
  expect(parseCommandLine(['--version'])).toEqual({ name: 'version' });
  expect(parseCommandLine(['routes', 'a.js:b'])).toEqual({ name: 'routes', target: 'a.js:b' });
  const nginx = parseCommandLine(['deploy', 'nginx', '--workers', '2', '--path', '/s{n}', '--ssl']);
  expect(nginx).toMatchObject({ name: 'deploy-nginx', options: { workers: 2, path: '/s{n}', ssl: true, listen: 443, upstream: 'weft', clientMaxBodySize: '4G', staticPrefix: '/static' } });
});

test('usage errors name the problem', () => {
  expect(usageError(['frob'])).toBe('WEFT_ERR_CLI_USAGE: unknown command "frob" (commands: serve, routes, deploy)');
  expect(usageError(['serve'])).toMatch(/weft serve needs <module>:<export>/);
  expect(usageError(['routes', 'a:b', 'c:d'])).toMatch(/takes one <module>:<export>, got 2: a:b c:d/);
  expect(usageError(['serve', 'a:b', '--port', '70000'])).toBe('WEFT_ERR_CLI_USAGE: --port must be an integer from 0 to 65535, got "70000"');
  expect(usageError(['serve', 'a:b', '--workers', '1.5'])).toBe('WEFT_ERR_CLI_USAGE: --workers must be an integer from 1 up, got "1.5"');
  expect(usageError(['serve', 'a:b', '--sock', 'x'])).toMatch(/--sock must be an integer/);
  expect(usageError(['serve', 'a:b', '--shutdown-timeout=-1'])).toMatch(/--shutdown-timeout must be a number of seconds >= 0, got "-1"/);
  expect(usageError(['serve', 'a:b', '--workers', '2', '--path', '/a.sock'])).toMatch(/every --path needs \{n\}.*got \/a\.sock/);
  expect(usageError(['serve', 'a:b', '--access-log', '--no-access-log'])).toMatch(/contradict/);
  expect(usageError(['serve', 'a:b', '--bogus'])).toMatch(/Unknown option '--bogus'/);
  expect(usageError(['serve', 'a:b', '--path', '/a.sock', '--mode', '0999'])).toBe(
    'WEFT_ERR_CLI_USAGE: --mode must be octal permissions from 000 to 777 (660: owner and group read and write), got "0999"',
  );
  expect(usageError(['serve', 'a:b', '--mode', '660'])).toBe('WEFT_ERR_CLI_USAGE: --mode sets the permissions of unix sockets: give --path too');
  expect(usageError(['serve', 'a:b', '--path', '/a.sock', '--mode', '0'])).toMatch(/--mode 0 leaves the socket's owner without read and write/);
  expect(usageError(['serve', 'a:b', '--path', '/a.sock', '--mode', '460'])).toMatch(/use 600, 660 or 666/);
  expect(usageError(['deploy', 'nginx', '--ssl', '--listen', '80'])).toMatch(/--ssl --listen 80: port 80 is the HTTP to HTTPS redirect/);
  // a bad access log format is a usage error (exit 2), found before the app is loaded
  expect(usageError(['serve', 'a:b', '--access-log-format', '%Q'])).toMatch(/^WEFT_ERR_CLI_USAGE: --access-log-format: .*%Q/);
  expect(usageError(['serve', 'a:b', '--port'])).toMatch(/--port/);
  expect(usageError(['deploy'])).toMatch(/weft deploy supports nginx, systemd and supervisord, got nothing/);
  expect(usageError(['deploy', 'nginx', 'extra'])).toMatch(/takes no arguments besides options, got extra/);
  expect(usageError(['deploy', 'nginx', '--path', '/a{n}', '--port', '80'])).toMatch(/either --path .* or --host\/--port/);
  expect(usageError(['deploy', 'nginx', '--upstream', 'a b'])).toMatch(/--upstream must be a plain name/);
  expect(usageError(['deploy', 'nginx', '--client-max-body-size', 'lots'])).toMatch(/nginx's size syntax/);
  expect(usageError(['deploy', 'nginx', '--static-prefix', 'static'])).toMatch(/--static-prefix must start with \//);
});
