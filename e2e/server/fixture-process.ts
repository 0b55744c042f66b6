/**
 * Runs a built fixture (`dist/e2e/server/fixtures/*.js`) as a child process and follows
 * its stdout: `EVENT <name>` lines, weft's JSON log lines, and the "Running on" banner.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import path from 'node:path';
import { ChildWatch } from '../child-watch.js';

export interface FixtureProcess {
  readonly child: ChildProcess;
  /** `EVENT` lines so far, in order. */
  readonly events: string[];
  /** JSON log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Everything written to stderr. */
  stderr(): string;
  /** Resolves with the first banner URL (`http://127.0.0.1:PORT`). */
  url(): Promise<string>;
  /** Resolves once an event matching `pattern` was seen (at least `count` times). */
  waitForEvent(pattern: RegExp, count?: number, ms?: number): Promise<void>;
  /** Resolves with the exit code once the process exited (rejects after `ms`). */
  exited(ms?: number): Promise<number | null>;
  /** Kills the process if it still runs (SIGKILL). */
  kill(): void;
}

const FIXTURES = path.join(__dirname, '..', '..', 'dist', 'e2e', 'server', 'fixtures');

/** Starts `dist/e2e/server/fixtures/<name>.js` with `env` added to the environment. */
export function startFixture(name: string, env: Record<string, string> = {}, stdio: StdioOptions = ['ignore', 'pipe', 'pipe']): FixtureProcess {
  const child = spawn(process.execPath, [path.join(FIXTURES, `${name}.js`)], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio });
  const events: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let pending = '';
  let banner: string | undefined;
  const watch = new ChildWatch(child, name, () => `events: ${events.join(' | ')}; stderr: ${stderr}`);
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('EVENT ')) events.push(line.slice(6));
      else if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
      else banner ??= /Running on (\S+)/.exec(line)?.[1];
    }
    watch.changed();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  return {
    child,
    events,
    logs,
    stderr: () => stderr,
    url: () => watch.until(() => banner, 'the "Running on" banner', 10_000),
    waitForEvent: (pattern, count = 1, ms = 10_000) =>
      watch.until(() => (events.filter((e) => pattern.test(e)).length >= count ? true : undefined), `event ${String(pattern)} x${count}`, ms).then(() => undefined),
    exited: (ms = 20_000) => watch.exited(ms),
    kill: () => {
      if (watch.exitCode === undefined) child.kill('SIGKILL');
    },
  };
}
