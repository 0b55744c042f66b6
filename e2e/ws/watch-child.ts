import { type ChildProcess } from 'node:child_process';

/** A child process whose output is collected: `EVENT <text>` lines become `events`. */
export interface WatchedChild {
  readonly process: ChildProcess;
  readonly events: string[];
  /** Resolves with the first defined `check()`, polled; rejects with the output after `ms`. */
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
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (line.startsWith('EVENT ')) events.push(line.slice(6));
  });
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const until = <T>(check: () => T | undefined, what: string, ms = 20_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + ms;
      const poll = (): void => {
        const value = check();
        if (value !== undefined) resolve(value);
        else if (Date.now() > deadline) reject(new Error(`${what} not seen; events: ${events.join(' | ')}; output: ${out}`));
        else setTimeout(poll, 20);
      };
      poll();
    });
  return { process: child, events, until, output: () => out, banner: () => /Running on (\S+)/.exec(out)?.[1] };
}
