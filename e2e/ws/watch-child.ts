import { type ChildProcess } from 'node:child_process';
import { ChildWatch } from '../child-watch.js';

/** A child process whose output is collected: `EVENT <text>` lines become `events`. */
export interface WatchedChild {
  readonly process: ChildProcess;
  readonly events: string[];
  /**
   * Resolves with the first defined `check()`, checked at each output; rejects with the
   * output when the child exits first or after `ms` (20 s by default).
   */
  until<T>(check: () => T | undefined, what: string, ms?: number): Promise<T>;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** The URL of runApp's "Running on" banner, once printed. */
  banner(): string | undefined;
}

/** Collects a child's output and events, for tests that drive fixture processes. */
export function watchChild(child: ChildProcess): WatchedChild {
  const events: string[] = [];
  let out = '';
  let pending = '';
  const watch = new ChildWatch(child, 'the child', () => `events: ${events.join(' | ')}; output: ${out}`);
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('EVENT ')) events.push(line.slice(6));
    watch.changed();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    watch.changed();
  });
  return {
    process: child,
    events,
    until: (check, what, ms = 20_000) => watch.until(check, what, ms),
    output: () => out,
    banner: () => /Running on (\S+)/.exec(out)?.[1],
  };
}
