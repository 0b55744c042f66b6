import { parseDeploy, type SupervisordOptions } from './deploy-options.js';
import { supervisordConfig } from './supervisord-config.js';

const BASE = ['app.js:create', '--directory', '/srv/app', '--node', '/usr/bin/node', '--weft-bin', '/srv/app/node_modules/weft/dist/src/cli/main.js'];

function options(argv: string[]): SupervisordOptions {
  const command = parseDeploy(['supervisord', ...BASE, ...argv]);
  if (command.name !== 'deploy-supervisord') throw new Error('not deploy supervisord');
  return command.options;
}

test("aiohttp's guide: numprocs processes, each on its own unix socket, as nobody, restarted", () => {
  const text = supervisordConfig(options(['--processes', '4', '--path', '/tmp/example_{n}.sock']));
  const lines = text.split('\n');
  expect(lines).toEqual(
    expect.arrayContaining([
      '[program:weft]',
      'numprocs = 4',
      'numprocs_start = 1',
      'process_name = weft_%(process_num)s',
      'command = /usr/bin/node /srv/app/node_modules/weft/dist/src/cli/main.js serve app.js:create --shutdown-timeout 60 --path /tmp/example_%(process_num)s.sock --mode 660',
      'directory = /srv/app',
      'user = nobody',
      'environment = NODE_ENV="production"',
      'autostart = true',
      'autorestart = true',
      'stopsignal = TERM',
      'stopwaitsecs = 135',
    ]),
  );
  expect(text).not.toMatch(/^group = /m);
});

test('a port per process, environment, and % written as %%', () => {
  const text = supervisordConfig(options(['--name', 'shop', '--processes', '2', '--host', '127.0.0.1', '--port', '808{n}', '--env', 'A=1', '--env', 'B=two words', '--directory', '/srv/100%', '--shutdown-timeout', '5']));
  expect(text).toContain('[program:shop]\n');
  expect(text).toContain('process_name = shop_%(process_num)s\n');
  expect(text).toContain('--shutdown-timeout 5 --host 127.0.0.1 --port 808%(process_num)s\n');
  expect(text).toContain('environment = NODE_ENV="production",A="1",B="two words"\n');
  expect(text).toContain('directory = /srv/100%%\n');
  // never quoted: supervisord takes the value as it is
  expect(supervisordConfig(options(['--port', '8080', '--directory', '/srv/my shop']))).toContain('directory = /srv/my shop\n');
  expect(text).not.toMatch(/^group/m);
  expect(text).toContain('stopwaitsecs = 25\n');
});
