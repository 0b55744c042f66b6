/**
 * The weft command line, parsed: which command, its target and its options. Parsing only;
 * nothing is loaded or started here.
 */
import { compileAccessLogFormat } from '../logging/access-log-format.js';
import { integer, oneTarget, parseArgv, seconds, usage } from './argv.js';
import { parseDeploy, type DeployCommand } from './deploy-options.js';

/**
 * Options of `weft serve` (and of each cluster worker).
 *
 * @example
 * ```ts
 * const command = parseCommandLine(['serve', 'dist/app.js:createApp', '--port', '8080', '--workers', '2']);
 * if (command.name === 'serve') command.options.workers; // 2
 * ```
 */
export interface ServeOptions {
  /** `<module>:<export>`, the module relative to the working directory. */
  readonly target: string;
  readonly host: string[];
  readonly port: number | undefined;
  /** Unix socket paths; `{n}` becomes the worker number (1, 2, ...). */
  readonly path: string[];
  /** Permissions of the unix sockets (`--mode 660`: the owner's group may connect, as nginx must); the umask's otherwise. */
  readonly mode: number | undefined;
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
  /** Development: restart the workers (rolling) when a file in the module's directory changes. */
  readonly reload: boolean;
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
  | DeployCommand
  | { readonly name: 'help' }
  | { readonly name: 'version' };

/** The text of `weft --help`. */
export const USAGE = `Usage:
  weft serve <module>:<export> [options]   serve an Application, or a zero-argument (async) factory
  weft routes <module>:<export>            print the route table
  weft deploy nginx [options]              print an nginx configuration for weft serve
  weft deploy systemd <module>:<export> [options]       print systemd units running weft serve
  weft deploy supervisord <module>:<export> [options]   print a supervisord program running weft serve
  weft --help | --version

weft serve options:
  --host <host>               listen on this host (repeatable; default 0.0.0.0)
  --port <port>               TCP port (default 8080)
  --path <path>               unix socket (repeatable); {n} becomes the worker number
  --mode <octal>              permissions of the --path sockets, e.g. 660 (connecting needs write)
  --sock <fd>                 serve on an inherited listening descriptor (systemd: 3)
  --shutdown-timeout <s>      graceful shutdown wait, in seconds (default 60)
  --access-log, --no-access-log
  --access-log-format <fmt>   aiohttp's format language (default '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"')
  --workers <n>               pre-forked worker processes (default 1: no fork)
  --max-requests <n>          recycle a worker after n responses (default 0: never)
  --max-requests-jitter <n>   add 0..n at random to --max-requests per worker
  --preload                   import the module in the supervisor before forking
  --reload                    development: restart the workers when the module's directory changes

weft deploy nginx options:
  --workers <n> --path <path with {n}>  upstream over the worker sockets (else --host/--port)
  --host <host> --port <port>           TCP upstream (default 127.0.0.1:8080)
  --server-name <name> --listen <port> --upstream <name>
  --client-max-body-size <size>         (default 4G)
  --static-root <dir> --static-prefix </static>
  --ssl --ssl-certificate <file> --ssl-certificate-key <file>

weft deploy systemd options:
  --workers <n>                         weft serve --workers (default 1)
  --host <host> --port <port>           the socket unit's address (default 127.0.0.1:8080)
  --path <absolute path>                a unix socket instead
  --no-socket-activation                weft binds the address itself (no .socket unit)
  --user <user> (default www-data) --group <group>

weft deploy supervisord options:
  --processes <n>                       numprocs: one weft serve per process (default 1)
  --path <absolute path with {n}>       a unix socket per process, or
  --host <host> --port <port with {n}>  a port per process (808{n} → 8081, 8082, ...)
  --user <user> (default nobody; supervisord has no group setting)

weft deploy systemd|supervisord, both:
  --name <name> (default weft) --directory <dir> (default .) --env KEY=VALUE (repeatable)
  --shutdown-timeout <s> (default 60) --node <node> --weft-bin <main.js> (default: these)
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
  // `weft deploy nginx --help` asks for the usage, not for an option called help
  if (rest.includes('--help')) return { name: 'help' };
  if (command === '--version' || command === '-v') return { name: 'version' };
  if (command === 'serve') return { name: 'serve', options: parseServe(rest) };
  if (command === 'routes') {
    const { positionals } = parseArgv(rest, {});
    return { name: 'routes', target: oneTarget('routes', positionals) };
  }
  if (command === 'deploy') return parseDeploy(rest);
  throw usage(`unknown command ${JSON.stringify(command)} (commands: serve, routes, deploy)`);
}

function parseServe(argv: readonly string[]): ServeOptions {
  const { values, positionals } = parseArgv(argv, {
    host: { type: 'string', multiple: true },
    port: { type: 'string' },
    path: { type: 'string', multiple: true },
    sock: { type: 'string', multiple: true },
    mode: { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    'access-log': { type: 'boolean' },
    'no-access-log': { type: 'boolean' },
    'access-log-format': { type: 'string' },
    workers: { type: 'string' },
    'max-requests': { type: 'string' },
    'max-requests-jitter': { type: 'string' },
    preload: { type: 'boolean' },
    reload: { type: 'boolean' },
  });
  if (values['access-log'] === true && values['no-access-log'] === true) throw usage('--access-log and --no-access-log contradict each other');
  if (values.reload === true && values.preload === true) throw usage('--reload cannot be combined with --preload: code imported by the supervisor before forking cannot be reloaded');
  const accessLogFormat = values['access-log-format'] as string | undefined;
  if (accessLogFormat !== undefined) {
    // a bad format is a bad option value (exit 2, not restarted), found before any worker starts
    try {
      compileAccessLogFormat(accessLogFormat);
    } catch (err) {
      throw usage(`--access-log-format: ${err instanceof Error ? err.message.replace(/^WEFT_ERR_[A-Z_]+: /, '') : String(err)}`);
    }
  }
  const workers = integer(values.workers, '--workers', 1, 1);
  const sock = ((values.sock as string[] | undefined) ?? []).map((fd) => integer(fd, '--sock', 0, 0));
  const path = (values.path as string[] | undefined) ?? [];
  if (workers > 1 && path.some((p) => !p.includes('{n}')) && path.length > 0) {
    throw usage(`with --workers ${workers}, every --path needs {n} (each worker listens on its own socket), got ${path.filter((p) => !p.includes('{n}')).join(', ')}`);
  }
  const mode = socketMode(values.mode as string | undefined);
  if (mode !== undefined && path.length === 0) throw usage('--mode sets the permissions of unix sockets: give --path too');
  return {
    target: oneTarget('serve', positionals),
    host: (values.host as string[] | undefined) ?? [],
    port: values.port === undefined ? undefined : integer(values.port, '--port', 0, 0, 65535),
    path,
    mode,
    sock,
    shutdownTimeout: seconds(values['shutdown-timeout'], '--shutdown-timeout'),
    accessLog: values['no-access-log'] !== true,
    accessLogFormat,
    workers,
    maxRequests: integer(values['max-requests'], '--max-requests', 0, 0),
    maxRequestsJitter: integer(values['max-requests-jitter'], '--max-requests-jitter', 0, 0),
    preload: values.preload === true,
    reload: values.reload === true,
  };
}

/** `--mode`: octal permissions (`660`, `0660` or `0o660`) from 000 to 777. */
function socketMode(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const digits = /^(?:0o?)?([0-7]{1,3})$/.exec(text);
  if (digits === null) throw usage(`--mode must be octal permissions from 000 to 777 (660: owner and group read and write), got ${JSON.stringify(text)}`);
  const mode = parseInt(digits[1], 8);
  // connecting needs write permission: a socket its own user cannot use serves no one
  if ((mode & 0o600) !== 0o600) throw usage(`--mode ${text} leaves the socket's owner without read and write (connecting needs both): use 600, 660 or 666`);
  return mode;
}
