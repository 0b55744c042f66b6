/**
 * Waiting on a child process's output for the e2e process helpers (cli-process.ts,
 * server/fixture-process.ts): they call `changed()` whenever the child wrote something;
 * `until` checks again at each change.
 */
import { type ChildProcess } from 'node:child_process';

/**
 * Follows one child: its exit code once it exited, and waits for conditions on its output.
 *
 * @example
 * ```ts
 * const watch = new ChildWatch(child, 'weft', () => `stdout: ${stdout}`);
 * child.stdout!.on('data', (chunk) => { stdout += chunk; watch.changed(); });
 * const url = await watch.until(() => /Running on (\S+)/.exec(stdout)?.[1], 'the banner', 15_000);
 * ```
 */
export class ChildWatch {
  /** The exit code (null when killed by a signal); undefined while it runs. */
  exitCode: number | null | undefined = undefined;
  readonly #listeners = new Set<() => void>();

  /**
   * @param label names the child in errors. @param describe what an error adds: the output
   * so far, for the failure message.
   */
  constructor(
    child: ChildProcess,
    private readonly label: string,
    private readonly describe: () => string,
  ) {
    child.once('exit', (code) => {
      this.exitCode = code;
      this.changed();
    });
  }

  /** Checks every pending `until` again. */
  changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Resolves with the first value `check()` gives that is not undefined; rejects when the
   * child exits first (a check that waits for the exit is met then) or after `ms`.
   */
  until<T>(check: () => T | undefined, what: string, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.exitCode !== undefined) {
          done();
          reject(new Error(`${this.label} exited (${String(this.exitCode)}) before ${what}; ${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: ${what} not seen within ${ms} ms; ${this.describe()}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
      listener();
    });
  }

  /** Resolves with the exit code (rejects after `ms`). */
  exited(ms: number): Promise<number | null> {
    return this.until(() => (this.exitCode === undefined ? undefined : { code: this.exitCode }), 'exit', ms).then((r) => r.code);
  }
}
