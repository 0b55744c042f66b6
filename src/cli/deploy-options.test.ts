import { parseDeploy } from './deploy-options.js';
import { usageErrorOf } from './usage-error.test-support.js';

const usageError = (argv: string[]): string => usageErrorOf(parseDeploy, argv);

test('systemd: defaults are socket activation on 127.0.0.1:8080, www-data, this node and weft, NODE_ENV=production', () => {
  const command = parseDeploy(['systemd', 'dist/app.js:createApp']);
  expect(command.name).toBe('deploy-systemd');
  expect(command.options).toEqual({
    target: 'dist/app.js:createApp',
    name: 'weft',
    user: 'www-data',
    group: undefined,
    directory: process.cwd(),
    node: process.execPath,
    weftBin: expect.stringMatching(/main\.js$/),
    env: [['NODE_ENV', 'production']],
    shutdownTimeout: 60_000,
    workers: 1,
    socketActivation: true,
    host: '127.0.0.1',
    port: 8080,
    path: undefined,
  });
});

test('systemd and supervisord: every shared option', () => {
  const argv = ['app.js:create', '--name', 'shop', '--user', 'app', '--group', 'web', '--directory', '/srv/shop', '--node', '/opt/node/bin/node', '--weft-bin', '/srv/shop/node_modules/weft/dist/src/cli/main.js', '--env', 'NODE_ENV=staging', '--env', 'DB_URL=postgres://db/shop', '--shutdown-timeout', '2.5'];
  const shared = {
    target: 'app.js:create',
    name: 'shop',
    user: 'app',
    group: 'web',
    directory: '/srv/shop',
    node: '/opt/node/bin/node',
    weftBin: '/srv/shop/node_modules/weft/dist/src/cli/main.js',
    env: [
      ['NODE_ENV', 'staging'],
      ['DB_URL', 'postgres://db/shop'],
    ],
    shutdownTimeout: 2500,
  };
  expect(parseDeploy(['systemd', ...argv, '--workers', '4', '--path', '/run/shop/shop.sock']).options).toEqual({ ...shared, workers: 4, socketActivation: true, host: '127.0.0.1', port: 8080, path: '/run/shop/shop.sock' });
  const withoutGroup = argv.filter((arg, i) => arg !== '--group' && argv[i - 1] !== '--group');
  expect(parseDeploy(['supervisord', ...withoutGroup, '--processes', '4', '--port', '808{n}']).options).toEqual({ ...shared, group: undefined, processes: 4, path: undefined, host: undefined, port: '808{n}' });
});

test.each([
  [['systemd'], /weft deploy systemd needs <module>:<export>/],
  [['supervisord', 'a:b', 'c:d', '--path', '/tmp/x.sock'], /takes one <module>:<export>, got 2/],
  [['systemd', 'a:b', '--workers', 'four'], /--workers must be an integer from 1 up, got "four"/],
  [['systemd', 'a:b', '--port', '70000'], /--port must be an integer from 1 to 65535, got "70000"/],
  [['systemd', 'a:b', '--path', '/run/a.sock', '--port', '80'], /either --path \(a unix socket\) or --host\/--port/],
  [['systemd', 'a:b', '--path', 'run/a.sock'], /--path must be an absolute path/],
  [['systemd', 'a:b', '--path', '/run/w{n}.sock'], /with socket activation every worker serves the one socket/],
  [['systemd', 'a:b', '--no-socket-activation', '--workers', '2', '--path', '/run/w.sock'], /--path needs \{n\}/],
  [['systemd', 'a:b', '--name', 'my app'], /--name must be a plain name/],
  [['systemd', 'a:b', '--user', 'root;rm'], /--user must be a user or group name, got "root;rm"/],
  [['systemd', 'a:b', '--env', 'NODE_ENV'], /--env must be KEY=VALUE/],
  [['systemd', 'a:b', '--env', '1X=2'], /--env must be KEY=VALUE with KEY a variable name, got "1X=2"/],
  [['systemd', 'a:b', '--env', 'SECRET=a"b'], /--env SECRET: the value cannot contain/],
  [['systemd', 'a:b', '--env', 'P=100%'], /--env P: the value cannot contain/],
  [['systemd', 'a:b', '--shutdown-timeout=-1'], /--shutdown-timeout must be a number of seconds >= 0, got "-1"/],
  [['systemd', 'a:b', '--processes', '2'], /Unknown option '--processes'/],
  [['supervisord', 'a:b'], /give --path \/run\/app\/weft_\{n\}\.sock .* or --port 808\{n\}/],
  [['supervisord', 'a:b', '--processes', '2', '--path', '/tmp/a.sock'], /with --processes 2, --path needs \{n\}/],
  [['supervisord', 'a:b', '--processes', '2', '--port', '8080'], /with --processes 2, --port needs \{n\}/],
  [['supervisord', 'a:b', '--processes', '10', '--port', '808{n}'], /--port \(for process 10\) must be an integer from 1 to 65535, got "80810"/],
  [['supervisord', 'a:b', '--port', 'http'], /--port \(for process 1\) must be an integer/],
  [['supervisord', 'a:b', '--path', '/a{n}', '--host', '::1'], /either --path \(unix sockets\) or --host\/--port/],
  [['supervisord', 'a:b', '--workers', '2'], /Unknown option '--workers'/],
  // supervisord has no group setting for a program (a `group =` line was silently ignored)
  [['supervisord', 'a:b', '--port', '8080', '--group', 'web'], /supervisord runs a program with its --user's own groups and has no --group/],
  [['systemd', 'a:b', '--directory', '/srv/a\nExecStartPre=/bin/sh'], /--directory cannot contain a line break/],
  // nginx would connect to run/weft_1.sock from its own working directory (502) and read
  // the alias under its prefix (404), and nginx -t accepts both
  [['nginx', '--workers', '2', '--path', 'run/weft_{n}.sock'], /--path must be an absolute path \(nginx does not resolve it from your directory\), got "run\/weft_\{n\}\.sock"/],
  [['nginx', '--static-root', 'dist/static'], /--static-root must be an absolute path \(nginx does not resolve it from your directory\), got "dist\/static"/],
  [['apache'], /weft deploy supports nginx, systemd and supervisord, got "apache"/],
])('weft deploy %j is refused: %p', (argv, message) => {
  expect(usageError(argv)).toMatch(message);
});
