#!/usr/bin/env node
/**
 * The `weft` executable: `serve`, `routes`, `deploy nginx|systemd|supervisord`. Usage errors exit with code 2
 * (as argparse and gunicorn do), other failures with 1; a graceful stop with 0.
 */
import 'reflect-metadata';
import cluster from 'node:cluster';
import path from 'node:path';
import { WeftError } from '../errors.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { runApp } from '../server/run-app.js';
import { VERSION } from '../index.js';
import { Supervisor } from '../cluster/supervisor.js';
import { reloadOnChange } from '../cluster/reload-watcher.js';
import { runWorker } from '../cluster/run-worker.js';
import { WORKER_NUMBER_ENV } from '../cluster/worker-message.js';
import { parseCommandLine, USAGE, type ServeOptions } from './cli-options.js';
import { loadTarget, resolveTarget } from './load-target.js';
import { formatRoutes, listRoutes } from './routes-command.js';
import { nginxConfig } from './nginx-config.js';
import { systemdConfig } from './systemd-config.js';
import { supervisordConfig } from './supervisord-config.js';
import { countResponses, requestLimit, runAppOptions } from './serve-command.js';

/**
 * Runs the weft command line and resolves with the exit code (the process is left to
 * end by itself, so logs are flushed).
 *
 * @example
 * ```ts
 * process.exitCode = await main(['serve', 'dist/app.js:createApp', '--port', '8080']);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCommandLine(argv);
  } catch (err) {
    return fail(err);
  }
  switch (command.name) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
      process.stdout.write(`weft ${VERSION}\n`);
      return 0;
    case 'deploy-nginx':
      process.stdout.write(nginxConfig(command.options));
      return 0;
    case 'deploy-systemd':
      process.stdout.write(systemdConfig(command.options));
      return 0;
    case 'deploy-supervisord':
      process.stdout.write(supervisordConfig(command.options));
      return 0;
    case 'routes':
      try {
        process.stdout.write(formatRoutes(await listRoutes(loadTarget(command.target, process.cwd()))));
        return 0;
      } catch (err) {
        return fail(err);
      }
    case 'serve':
      return serve(command.options);
  }
}

async function serve(options: ServeOptions): Promise<number> {
  if (cluster.isWorker) {
    await runWorker(options, Number(process.env[WORKER_NUMBER_ENV] ?? 1));
    return Number(process.exitCode ?? 0);
  }
  let moduleFile: string;
  let logger: Logger;
  try {
    // --reload forks even one worker: a new process loads the new code
    if (!options.reload && (options.workers === 1 || options.preload)) {
      const appOrFactory = loadTarget(options.target, process.cwd());
      if (options.workers === 1) return await serveHere(options, appOrFactory);
    }
    moduleFile = resolveTarget(options.target, process.cwd()).file; // a missing module fails here, before forking
    logger = createLogger(); // a bad LOG_LEVEL too
  } catch (err) {
    return fail(err);
  }
  const supervisor = new Supervisor({ workers: options.workers, shutdownTimeout: options.shutdownTimeout ?? 60_000, reload: options.reload, logger });
  const stopWatching = options.reload ? reloadOnChange(path.dirname(moduleFile), supervisor, logger) : () => {};
  try {
    return await supervisor.run();
  } finally {
    stopWatching();
  }
}

/** `--workers 1`: no supervisor; this process serves (and recycles itself only by exiting). */
async function serveHere(options: ServeOptions, appOrFactory: ReturnType<typeof loadTarget>): Promise<number> {
  const controller = new AbortController();
  // --max-requests without workers: stop gracefully, for a process manager to restart us
  const limit = requestLimit(options.maxRequests, options.maxRequestsJitter);
  // The supervisor's signals (SIGHUP: rolling restart; SIGTTIN/SIGTTOU: one worker more or
  // less) mean nothing to one process, and their default actions would kill it (HUP, which
  // systemd then counts as a clean exit and does not restart) or suspend it (TTIN, TTOU).
  const ignore = (signal: NodeJS.Signals): void => {
    process.stderr.write(`weft: ${signal} ignored: restarting or resizing workers needs weft serve --workers 2 or more\n`);
  };
  for (const signal of SUPERVISOR_SIGNALS) process.on(signal, ignore);
  try {
    await runApp(countResponses(appOrFactory, limit, () => controller.abort()), { ...runAppOptions(options, 1), signal: controller.signal });
    return 0;
  } catch {
    return 1; // runApp logged it
  } finally {
    for (const signal of SUPERVISOR_SIGNALS) process.off(signal, ignore);
  }
}

const SUPERVISOR_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGTTIN', 'SIGTTOU'];

function fail(err: unknown): number {
  const usage = err instanceof WeftError && (err.code === 'WEFT_ERR_CLI_USAGE' || err.code === 'WEFT_ERR_CLI_TARGET');
  process.stderr.write(`weft: error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (usage && err.code === 'WEFT_ERR_CLI_USAGE') process.stderr.write('Run weft --help for the usage.\n');
  else if (!usage && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
  return usage ? 2 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
