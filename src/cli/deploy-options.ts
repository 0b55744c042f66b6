/**
 * `weft deploy nginx|systemd|supervisord`, parsed: the options of each generator. Parsing
 * only; the generators are nginx-config.ts, systemd-config.ts and supervisord-config.ts.
 */
import path from 'node:path';
import { integer, oneTarget, parseArgv, seconds, usage, type ParsedArgv } from './argv.js';

/**
 * Options of `weft deploy nginx`.
 *
 * @example
 * ```ts
 * const options: Partial<NginxOptions> = { workers: 4, path: '/run/app/weft-{n}.sock' };
 * ```
 */
export interface NginxOptions {
  readonly workers: number;
  readonly path: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly serverName: string;
  readonly upstream: string;
  readonly listen: number;
  readonly clientMaxBodySize: string;
  readonly staticPrefix: string;
  readonly staticRoot: string | undefined;
  readonly ssl: boolean;
  readonly sslCertificate: string;
  readonly sslCertificateKey: string;
}

/**
 * What a process manager's configuration runs: `<node> <weft> serve <target> ...`, as whom
 * and where. Shared by `weft deploy systemd` and `weft deploy supervisord`.
 *
 * @example
 * ```ts
 * const run: Partial<ProcessOptions> = { target: 'dist/app.js:createApp', name: 'weft', user: 'www-data' };
 * ```
 */
export interface ProcessOptions {
  /** `<module>:<export>`, relative to `directory`. */
  readonly target: string;
  /** The unit / program name. */
  readonly name: string;
  readonly user: string;
  readonly group: string | undefined;
  /** The working directory, absolute. */
  readonly directory: string;
  /** The node executable, absolute (default: the one running this command). */
  readonly node: string;
  /** weft's `main.js`, absolute (default: the one running this command). */
  readonly weftBin: string;
  /** `KEY=VALUE` pairs for the environment (NODE_ENV=production unless given). */
  readonly env: readonly (readonly [string, string])[];
  /** ms, as `weft serve --shutdown-timeout` (default 60 s). */
  readonly shutdownTimeout: number;
}

/**
 * Options of `weft deploy systemd`: a service unit, and by default a socket unit that
 * hands the listening socket to weft as descriptor 3 (socket activation).
 *
 * @example
 * ```ts
 * const options: SystemdOptions = { ...run, workers: 4, socketActivation: true, host: '127.0.0.1', port: 8080, path: undefined };
 * ```
 */
export interface SystemdOptions extends ProcessOptions {
  /** `weft serve --workers`: the supervisor forks this many workers. */
  readonly workers: number;
  /** A `.socket` unit owns the address and weft serves on `--sock 3` (default true). */
  readonly socketActivation: boolean;
  readonly host: string;
  readonly port: number;
  /** A unix socket instead of host and port (`{n}` per worker without socket activation). */
  readonly path: string | undefined;
}

/**
 * Options of `weft deploy supervisord`: one program with `numprocs` processes, each a
 * `weft serve` on its own socket or port (aiohttp's deployment guide).
 *
 * @example
 * ```ts
 * const options: SupervisordOptions = { ...run, processes: 4, path: '/tmp/weft_{n}.sock', host: undefined, port: undefined };
 * ```
 */
export interface SupervisordOptions extends ProcessOptions {
  /** supervisord's `numprocs`. */
  readonly processes: number;
  /** Unix socket per process, `{n}` becomes `%(process_num)s`. */
  readonly path: string | undefined;
  readonly host: string | undefined;
  /** Port per process, as a template: `808{n}` → 8081, 8082, ... */
  readonly port: string | undefined;
}

/**
 * A parsed `weft deploy` command line.
 *
 * @example
 * ```ts
 * const deploy = parseDeploy(['systemd', 'dist/app.js:createApp', '--workers', '4']);
 * ```
 */
export type DeployCommand =
  | { readonly name: 'deploy-nginx'; readonly options: NginxOptions }
  | { readonly name: 'deploy-systemd'; readonly options: SystemdOptions }
  | { readonly name: 'deploy-supervisord'; readonly options: SupervisordOptions };

/**
 * Parses the arguments after `weft deploy`.
 *
 * @throws WeftError `WEFT_ERR_CLI_USAGE` naming the problem: an unknown generator or
 * option, a missing target, options that do not fit together.
 * @example
 * ```ts
 * parseDeploy(['supervisord', 'dist/app.js:createApp', '--processes', '4', '--path', '/tmp/app_{n}.sock']);
 * ```
 */
export function parseDeploy(argv: readonly string[]): DeployCommand {
  const [kind, ...rest] = argv;
  switch (kind) {
    case 'nginx':
      return { name: 'deploy-nginx', options: parseNginx(rest) };
    case 'systemd':
      return { name: 'deploy-systemd', options: parseSystemd(rest) };
    case 'supervisord':
      return { name: 'deploy-supervisord', options: parseSupervisord(rest) };
    default:
      throw usage(`weft deploy supports nginx, systemd and supervisord, got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`);
  }
}

function parseNginx(argv: readonly string[]): NginxOptions {
  const { values, positionals } = parseArgv(argv, {
    workers: { type: 'string' },
    path: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'server-name': { type: 'string' },
    upstream: { type: 'string' },
    listen: { type: 'string' },
    'client-max-body-size': { type: 'string' },
    'static-prefix': { type: 'string' },
    'static-root': { type: 'string' },
    ssl: { type: 'boolean' },
    'ssl-certificate': { type: 'string' },
    'ssl-certificate-key': { type: 'string' },
  });
  if (positionals.length > 0) throw usage(`weft deploy nginx takes no arguments besides options, got ${positionals.join(' ')}`);
  // nginx connects to a relative unix socket from its own working directory, and reads a
  // relative alias under its prefix (/usr/share/nginx): neither is the directory this runs in
  const path = absolutePath(values.path, '--path', NGINX_RESOLVES);
  const workers = integer(values.workers, '--workers', 1, 1);
  if (path !== undefined && workers > 1 && !path.includes('{n}')) throw usage(`with --workers ${workers}, --path needs {n} (one socket per worker), got ${path}`);
  if (path !== undefined && (values.host !== undefined || values.port !== undefined)) throw usage('give either --path (unix sockets) or --host/--port (TCP), not both');
  const upstream = (values.upstream as string | undefined) ?? 'weft';
  if (!/^[A-Za-z0-9_-]+$/.test(upstream)) throw usage(`--upstream must be a plain name (letters, digits, _ and -), got ${JSON.stringify(upstream)}`);
  const size = (values['client-max-body-size'] as string | undefined) ?? '4G';
  if (!/^\d+[kKmMgG]?$/.test(size)) throw usage(`--client-max-body-size must be nginx's size syntax (e.g. 10m, 4G), got ${JSON.stringify(size)}`);
  const staticPrefix = (values['static-prefix'] as string | undefined) ?? '/static';
  if (!staticPrefix.startsWith('/')) throw usage(`--static-prefix must start with /, got ${JSON.stringify(staticPrefix)}`);
  return {
    workers,
    path,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: integer(values.port, '--port', 8080, 1, 65535),
    serverName: (values['server-name'] as string | undefined) ?? 'example.com',
    upstream,
    listen: sslListen(values.ssl === true, integer(values.listen, '--listen', values.ssl === true ? 443 : 80, 1, 65535)),
    clientMaxBodySize: size,
    staticPrefix,
    staticRoot: absolutePath(values['static-root'], '--static-root', NGINX_RESOLVES),
    ssl: values.ssl === true,
    sslCertificate: (values['ssl-certificate'] as string | undefined) ?? '/etc/ssl/certs/example.com.pem',
    sslCertificateKey: (values['ssl-certificate-key'] as string | undefined) ?? '/etc/ssl/private/example.com.key',
  };
}

const PROCESS_SPEC = {
  name: { type: 'string' },
  user: { type: 'string' },
  group: { type: 'string' },
  directory: { type: 'string' },
  node: { type: 'string' },
  'weft-bin': { type: 'string' },
  env: { type: 'string', multiple: true },
  'shutdown-timeout': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  path: { type: 'string' },
} as const;

function parseSystemd(argv: readonly string[]): SystemdOptions {
  const parsed = parseArgv(argv, { ...PROCESS_SPEC, workers: { type: 'string' }, 'no-socket-activation': { type: 'boolean' } });
  const { values } = parsed;
  const run = processOptions('systemd', parsed, 'www-data');
  const workers = integer(values.workers, '--workers', 1, 1);
  const socketActivation = values['no-socket-activation'] !== true;
  const path = absolutePath(values.path, '--path');
  if (path !== undefined && (values.host !== undefined || values.port !== undefined)) throw usage('give either --path (a unix socket) or --host/--port (TCP), not both');
  if (path !== undefined && socketActivation && path.includes('{n}')) {
    throw usage(`with socket activation every worker serves the one socket systemd holds: --path cannot contain {n}, got ${path} (or add --no-socket-activation)`);
  }
  if (path !== undefined && !socketActivation && workers > 1 && !path.includes('{n}')) {
    throw usage(`with --workers ${workers} and --no-socket-activation, --path needs {n} (each worker listens on its own socket), got ${path}`);
  }
  return {
    ...run,
    workers,
    socketActivation,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    port: integer(values.port, '--port', 8080, 1, 65535),
    path,
  };
}

function parseSupervisord(argv: readonly string[]): SupervisordOptions {
  const parsed = parseArgv(argv, { ...PROCESS_SPEC, processes: { type: 'string' } });
  const { values } = parsed;
  // aiohttp's guide runs its processes as nobody
  const run = processOptions('supervisord', parsed, 'nobody');
  // supervisord has no group setting for a program: it runs with its user's groups
  if (run.group !== undefined) throw usage("supervisord runs a program with its --user's own groups and has no --group: pick a user whose group nginx's user is in");
  const processes = integer(values.processes, '--processes', 1, 1);
  const path = absolutePath(values.path, '--path');
  const port = values.port as string | undefined;
  if (path !== undefined && (values.host !== undefined || port !== undefined)) throw usage('give either --path (unix sockets) or --host/--port (TCP), not both');
  if (path === undefined && port === undefined) throw usage('give --path /run/app/weft_{n}.sock (one socket per process) or --port 808{n} (one port per process)');
  const template = path ?? port!;
  if (processes > 1 && !template.includes('{n}')) {
    throw usage(`with --processes ${processes}, ${path !== undefined ? '--path' : '--port'} needs {n} (each process listens on its own), got ${template}`);
  }
  if (port !== undefined) {
    for (let n = 1; n <= processes; n++) integer(port.replaceAll('{n}', String(n)), `--port (for process ${n})`, 0, 1, 65535);
  }
  return { ...run, processes, path, host: values.host as string | undefined, port };
}

function processOptions(kind: string, { values, positionals }: ParsedArgv, defaultUser: string): ProcessOptions {
  const name = (values.name as string | undefined) ?? 'weft';
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw usage(`--name must be a plain name (letters, digits, _ and -), got ${JSON.stringify(name)}`);
  const env = ((values.env as string[] | undefined) ?? []).map((pair): [string, string] => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (match === null) throw usage(`--env must be KEY=VALUE with KEY a variable name, got ${JSON.stringify(pair)}`);
    if (/[\n\r"\\%$]/.test(match[2])) throw usage(`--env ${match[1]}: the value cannot contain a newline, ", \\, % or $, got ${JSON.stringify(match[2])}`);
    return [match[1], match[2]];
  });
  if (!env.some(([key]) => key === 'NODE_ENV')) env.unshift(['NODE_ENV', 'production']);
  const user = (values.user as string | undefined) ?? defaultUser;
  const group = values.group as string | undefined;
  for (const [option, value] of [['--user', user], ['--group', group]] as const) {
    if (value !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value)) throw usage(`${option} must be a user or group name, got ${JSON.stringify(value)}`);
  }
  return {
    target: oneTarget(`deploy ${kind}`, positionals),
    name,
    user,
    group,
    directory: configLine(path.resolve((values.directory as string | undefined) ?? process.cwd()), '--directory'),
    node: path.resolve((values.node as string | undefined) ?? process.execPath),
    // this file is dist/src/cli/deploy-options.js, beside main.js
    weftBin: path.resolve((values['weft-bin'] as string | undefined) ?? path.join(__dirname, 'main.js')),
    env,
    shutdownTimeout: seconds(values['shutdown-timeout'], '--shutdown-timeout') ?? 60_000,
  };
}

/** With --ssl, port 80 is the redirect's: the HTTPS server cannot listen there too. */
function sslListen(ssl: boolean, listen: number): number {
  if (ssl && listen === 80) throw usage('--ssl --listen 80: port 80 is the HTTP to HTTPS redirect; give the HTTPS port (443 by default)');
  return listen;
}

/** A value written on one line of a config file: a line break would end the setting. */
function configLine(text: string, name: string): string {
  if (/[\n\r]/.test(text)) throw usage(`${name} cannot contain a line break, got ${JSON.stringify(text)}`);
  return text;
}

const NGINX_RESOLVES = 'nginx does not resolve it from your directory';

/** A path option that must be absolute; `why` says who would resolve a relative one elsewhere. */
function absolutePath(value: unknown, name: string, why = 'the process manager does not start in your directory'): string | undefined {
  if (value === undefined) return undefined;
  const text = value as string;
  if (!path.isAbsolute(text)) throw usage(`${name} must be an absolute path (${why}), got ${JSON.stringify(text)}`);
  return text;
}
