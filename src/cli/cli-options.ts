/**
 * The weft command line, parsed: which command, its target and its options. Parsing only;
 * nothing is loaded or started here.
 */
import { parseArgs } from 'node:util';
import { WeftError } from '../errors.js';

/**
 * Options of `weft serve` (and of each cluster worker).
 *
 * @example
 * ```ts
 * const options: ServeOptions = { target: 'dist/app.js:createApp', host: ['127.0.0.1'], port: 8080, path: [], sock: [], workers: 2, ... };
 * ```
 */
export interface ServeOptions {
  /** `<module>:<export>`, the module relative to the working directory. */
  readonly target: string;
  readonly host: string[];
  readonly port: number | undefined;
  /** Unix socket paths; `{n}` becomes the worker number (1, 2, ...). */
  readonly path: string[];
  /** Inherited listening descriptors (systemd socket activation: 3). */
  readonly sock: number[];
  /** ms (given in seconds on the command line, as aiohttp's `shutdown_timeout`). */
  readonly shutdownTimeout: number | undefined;
  readonly accessLog: boolean;
  readonly accessLogFormat: string | undefined;
  /** Worker processes; 1 serves in this process without forking. */
  readonly workers: number;
  /** Recycle a worker after this many responses (0: never). */
  readonly maxRequests: number;
  /** Up to this many more responses, at random per worker, so workers do not recycle together. */
  readonly maxRequestsJitter: number;
  /** Import the module in the supervisor before forking. */
  readonly preload: boolean;
}

/**
 * Options of `weft deploy nginx`.
 *
 * @example
 * ```ts
 * const options: NginxOptions = { workers: 4, path: '/run/app/weft-{n}.sock', ... };
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
 * A parsed command line.
 *
 * @example
 * ```ts
 * const command = parseCommandLine(process.argv.slice(2));
 * if (command.name === 'serve') console.log(command.options.workers);
 * ```
 */
export type CommandLine =
  | { readonly name: 'serve'; readonly options: ServeOptions }
  | { readonly name: 'routes'; readonly target: string }
  | { readonly name: 'deploy-nginx'; readonly options: NginxOptions }
  | { readonly name: 'help' }
  | { readonly name: 'version' };

/** The text of `weft --help`. */
export const USAGE = `Usage:
  weft serve <module>:<export> [options]   serve an Application, or a zero-argument (async) factory
  weft routes <module>:<export>            print the route table
  weft deploy nginx [options]              print an nginx configuration for weft serve
  weft --help | --version

weft serve options:
  --host <host>               listen on this host (repeatable; default 0.0.0.0)
  --port <port>               TCP port (default 8080)
  --path <path>               unix socket (repeatable); {n} becomes the worker number
  --sock <fd>                 serve on an inherited listening descriptor (systemd: 3)
  --shutdown-timeout <s>      graceful shutdown wait, in seconds (default 60)
  --access-log, --no-access-log
  --access-log-format <fmt>   aiohttp's format language (default '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"')
  --workers <n>               pre-forked worker processes (default 1: no fork)
  --max-requests <n>          recycle a worker after n responses (default 0: never)
  --max-requests-jitter <n>   add 0..n at random to --max-requests per worker
  --preload                   import the module in the supervisor before forking

weft deploy nginx options:
  --workers <n> --path <path with {n}>  upstream over the worker sockets (else --host/--port)
  --host <host> --port <port>           TCP upstream (default 127.0.0.1:8080)
  --server-name <name> --listen <port> --upstream <name>
  --client-max-body-size <size>         (default 4G)
  --static-root <dir> --static-prefix </static>
  --ssl --ssl-certificate <file> --ssl-certificate-key <file>
`;

/**
 * Parses `argv` (without node and the script).
 *
 * @throws WeftError `WEFT_ERR_CLI_USAGE` naming the problem (unknown command or option,
 * missing target, a value that is not a number, options that do not fit together).
 * @example
 * ```ts
 * parseCommandLine(['serve', 'app.js:create', '--workers', '4', '--path', '/run/w{n}.sock']);
 * ```
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { name: 'help' };
  if (command === '--version' || command === '-v') return { name: 'version' };
  if (command === 'serve') return { name: 'serve', options: parseServe(rest) };
  if (command === 'routes') {
    const { positionals } = parse(rest, {});
    return { name: 'routes', target: oneTarget('routes', positionals) };
  }
  if (command === 'deploy') {
    const [kind, ...options] = rest;
    if (kind !== 'nginx') throw usage(`weft deploy supports nginx, got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`);
    return { name: 'deploy-nginx', options: parseNginx(options) };
  }
  throw usage(`unknown command ${JSON.stringify(command)} (commands: serve, routes, deploy)`);
}

type Spec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

function parse(argv: readonly string[], options: Spec): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    // node's messages name the option ("Unknown option '--prot'"); keep them
    throw usage((err as Error).message);
  }
}

function parseServe(argv: readonly string[]): ServeOptions {
  const { values, positionals } = parse(argv, {
    host: { type: 'string', multiple: true },
    port: { type: 'string' },
    path: { type: 'string', multiple: true },
    sock: { type: 'string', multiple: true },
    'shutdown-timeout': { type: 'string' },
    'access-log': { type: 'boolean' },
    'no-access-log': { type: 'boolean' },
    'access-log-format': { type: 'string' },
    workers: { type: 'string' },
    'max-requests': { type: 'string' },
    'max-requests-jitter': { type: 'string' },
    preload: { type: 'boolean' },
  });
  if (values['access-log'] === true && values['no-access-log'] === true) throw usage('--access-log and --no-access-log contradict each other');
  const workers = integer(values.workers, '--workers', 1, 1);
  const sock = ((values.sock as string[] | undefined) ?? []).map((fd) => integer(fd, '--sock', 0, 0));
  const shutdownSeconds = values['shutdown-timeout'] === undefined ? undefined : Number(values['shutdown-timeout']);
  if (shutdownSeconds !== undefined && !(Number.isFinite(shutdownSeconds) && shutdownSeconds >= 0)) {
    throw usage(`--shutdown-timeout must be a number of seconds >= 0, got ${JSON.stringify(values['shutdown-timeout'])}`);
  }
  const path = (values.path as string[] | undefined) ?? [];
  if (workers > 1 && path.some((p) => !p.includes('{n}')) && path.length > 0) {
    throw usage(`with --workers ${workers}, every --path needs {n} (each worker listens on its own socket), got ${path.filter((p) => !p.includes('{n}')).join(', ')}`);
  }
  return {
    target: oneTarget('serve', positionals),
    host: (values.host as string[] | undefined) ?? [],
    port: values.port === undefined ? undefined : integer(values.port, '--port', 0, 0, 65535),
    path,
    sock,
    shutdownTimeout: shutdownSeconds === undefined ? undefined : Math.round(shutdownSeconds * 1000),
    accessLog: values['no-access-log'] !== true,
    accessLogFormat: values['access-log-format'] as string | undefined,
    workers,
    maxRequests: integer(values['max-requests'], '--max-requests', 0, 0),
    maxRequestsJitter: integer(values['max-requests-jitter'], '--max-requests-jitter', 0, 0),
    preload: values.preload === true,
  };
}

function parseNginx(argv: readonly string[]): NginxOptions {
  const { values, positionals } = parse(argv, {
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
  const path = values.path as string | undefined;
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
    listen: integer(values.listen, '--listen', values.ssl === true ? 443 : 80, 1, 65535),
    clientMaxBodySize: size,
    staticPrefix,
    staticRoot: values['static-root'] as string | undefined,
    ssl: values.ssl === true,
    sslCertificate: (values['ssl-certificate'] as string | undefined) ?? '/etc/ssl/certs/example.com.pem',
    sslCertificateKey: (values['ssl-certificate-key'] as string | undefined) ?? '/etc/ssl/private/example.com.key',
  };
}

function oneTarget(command: string, positionals: string[]): string {
  if (positionals.length === 0) throw usage(`weft ${command} needs <module>:<export>, e.g. weft ${command} dist/app.js:createApp`);
  if (positionals.length > 1) throw usage(`weft ${command} takes one <module>:<export>, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

function integer(value: unknown, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw usage(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function usage(detail: string): WeftError {
  return new WeftError('WEFT_ERR_CLI_USAGE', detail);
}
