import { parseDeploy, type SystemdOptions } from './deploy-options.js';
import { systemdConfig } from './systemd-config.js';

const BASE = ['app.js:create', '--directory', '/srv/app', '--node', '/usr/bin/node', '--weft-bin', '/srv/app/node_modules/weft/dist/src/cli/main.js'];

function options(argv: string[]): SystemdOptions {
  const command = parseDeploy(['systemd', ...BASE, ...argv]);
  if (command.name !== 'deploy-systemd') throw new Error('not deploy systemd');
  return command.options;
}

/** The unit files by path, from the `# ---- <path> ----` lines. */
function units(text: string): Record<string, string> {
  const parts = text.split(/^# ---- (\S+) ----\n/m);
  const files: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) files[parts[i]] = parts[i + 1];
  return files;
}

test('socket activation: the socket unit owns the address, the service serves fd 3 with its workers', () => {
  const files = units(systemdConfig(options(['--workers', '4', '--shutdown-timeout', '30'])));
  expect(Object.keys(files)).toEqual(['/etc/systemd/system/weft.socket', '/etc/systemd/system/weft.service']);
  const socket = files['/etc/systemd/system/weft.socket'];
  expect(socket).toContain('[Socket]\nListenStream=127.0.0.1:8080\n');
  expect(socket).toContain('Accept=no');
  expect(socket).toContain('WantedBy=sockets.target');
  const service = files['/etc/systemd/system/weft.service'];
  expect(service).toContain('Requires=weft.socket\nAfter=network.target weft.socket\n');
  expect(service).toContain('ExecStart=/usr/bin/node /srv/app/node_modules/weft/dist/src/cli/main.js serve app.js:create --shutdown-timeout 30 --sock 3 --workers 4\n');
  for (const line of ['User=www-data', 'Group=www-data', 'WorkingDirectory=/srv/app', 'Environment=NODE_ENV=production', 'ExecReload=/bin/kill -HUP $MAINPID', 'KillMode=mixed', 'KillSignal=SIGTERM', 'TimeoutStopSec=75', 'Restart=on-failure', 'RestartPreventExitStatus=2']) {
    expect(service).toContain(`\n${line}\n`);
  }
});

test('one process: no ExecReload (SIGHUP has no rolling restart to do), and the comment says restart', () => {
  const service = units(systemdConfig(options([])))['/etc/systemd/system/weft.service'];
  expect(service).not.toContain('ExecReload');
  expect(systemdConfig(options([]))).toContain('# systemctl restart weft: stop, then start');
  expect(systemdConfig(options([]))).not.toContain('rolling restart (SIGHUP)');
});

test('a unix socket held by systemd, with the socket owned by the service user', () => {
  const socket = units(systemdConfig(options(['--path', '/run/app/app.sock', '--user', 'app', '--group', 'www-data'])))['/etc/systemd/system/weft.socket'];
  expect(socket).toContain('ListenStream=/run/app/app.sock\nSocketUser=app\nSocketGroup=www-data\nSocketMode=0660\n');
  expect(units(systemdConfig(options(['--host', '::1', '--port', '9000'])))['/etc/systemd/system/weft.socket']).toContain('ListenStream=[::1]:9000\n');
});

test('without socket activation the service binds the address itself; one socket per worker with {n}', () => {
  const tcp = systemdConfig(options(['--no-socket-activation', '--host', '0.0.0.0', '--port', '80']));
  expect(Object.keys(units(tcp))).toEqual(['/etc/systemd/system/weft.service']);
  expect(tcp).not.toContain('Requires=');
  expect(tcp).toContain('--shutdown-timeout 60 --host 0.0.0.0 --port 80\n');
  const unix = systemdConfig(options(['--no-socket-activation', '--workers', '2', '--path', '/run/weft/w{n}.sock']));
  expect(unix).toContain('--path /run/weft/w{n}.sock --mode 660 --workers 2\n');
  expect(unix).toContain('RuntimeDirectory=weft\n');
});

test('a name, environment values with blanks, paths with % and spaces are written as systemd reads them', () => {
  const text = systemdConfig(options(['--name', 'shop', '--directory', '/srv/my shop', '--env', 'GREETING=hello world', '--weft-bin', '/srv/50%/main.js']));
  expect(Object.keys(units(text))).toEqual(['/etc/systemd/system/shop.socket', '/etc/systemd/system/shop.service']);
  // a path setting is never quoted: systemd does not unquote it, and "/srv/my shop" is not absolute
  expect(text).toContain('WorkingDirectory=/srv/my shop\n');
  expect(text).toContain('Environment=NODE_ENV=production\nEnvironment="GREETING=hello world"\n');
  expect(text).toContain('ExecStart=/usr/bin/node /srv/50%%/main.js serve');
  expect(text).toContain('systemctl daemon-reload && systemctl enable --now shop.socket shop.service');
});

test('without socket activation, RuntimeDirectory= is the directory of the socket under /run, not the unit name', () => {
  // /run/app/app.sock: systemd must create /run/app for the service user, or the bind fails (EACCES)
  const app = systemdConfig(options(['--no-socket-activation', '--path', '/run/app/app.sock', '--user', 'app']));
  expect(app).toContain('\nRuntimeDirectory=app\nRuntimeDirectoryPreserve=restart\n');
  const nested = systemdConfig(options(['--no-socket-activation', '--name', 'shop', '--workers', '2', '--path', '/run/shop/sockets/w{n}.sock']));
  expect(nested).toContain('\nRuntimeDirectory=shop/sockets\n');
  // elsewhere than /run, systemd cannot make the directory: none is written (it must exist)
  expect(systemdConfig(options(['--no-socket-activation', '--path', '/srv/app/app.sock']))).not.toContain('RuntimeDirectory');
  expect(systemdConfig(options(['--no-socket-activation', '--path', '/run/app.sock']))).not.toContain('RuntimeDirectory');
});
