/**
 * Runs the built `weft` executable (`dist/src/cli/main.js`) as a child process and follows
 * its output: the "Running on" banner, and weft's JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ChildWatch } from '../child-watch.js';

export const WEFT_BIN = path.join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
export const CLI_FIXTURE = path.join(__dirname, '..', '..', 'dist', 'e2e', 'cli', 'fixtures', 'cluster-app.js');
/** The built `weft` package's entry, for fixture apps a test writes outside the repository. */
export const WEFT_INDEX = path.join(__dirname, '..', '..', 'dist', 'src', 'index.js');

export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern` `count` times (rejects after `ms`). */
  waitFor(pattern: RegExp, count?: number, ms?: number): Promise<void>;
  /** Resolves with the first banner URL. */
  url(ms?: number): Promise<string>;
  /** Resolves with the exit code (rejects after `ms`). */
  exited(ms?: number): Promise<number | null>;
  /** SIGKILL if it still runs. */
  kill(): void;
}

/** Starts `weft <args>` in `cwd` (default: this process's working directory). */
export function startCli(args: string[], env: Record<string, string> = {}, cwd?: string): CliProcess {
  const child = spawn(process.execPath, [WEFT_BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watch = new ChildWatch(child, 'weft', () => `stdout: ${stdout.slice(-2000)}; stderr: ${stderr}`);
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    watch.changed();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    watch.changed();
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern, count = 1, ms = 15_000) =>
      watch.until(() => ((stdout.match(new RegExp(pattern.source, 'g')) ?? []).length >= count ? true : undefined), String(pattern), ms).then(() => undefined),
    url: (ms = 15_000) => watch.until(() => /Running on (\S+)/.exec(stdout)?.[1], 'the "Running on" banner', ms),
    exited: (ms = 20_000) => watch.exited(ms),
    kill: () => {
      if (watch.exitCode === undefined) child.kill('SIGKILL');
    },
  };
}

/** Runs `weft <args>` to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, env);
  try {
    const code = await cli.exited();
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  } finally {
    cli.kill();
  }
}
