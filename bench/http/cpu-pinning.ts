import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The CPU the servers run on. */
export const SERVER_CPU = 0;
/** The CPU the load generator (this process) runs on. */
export const LOADER_CPU = 1;

/**
 * Whether servers and load generator can each have a CPU of their own: `taskset` exists
 * and there are at least two CPUs. Without it, both share the machine and the report
 * says so.
 *
 * @example
 * ```ts
 * if (canPin()) pinSelf(LOADER_CPU);
 * ```
 */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  const probe = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Pins every thread of this process (`taskset -a`) to `cpu`; threads started later
 * inherit it. Returns false, changing nothing, if taskset refuses.
 *
 * @example
 * ```ts
 * pinSelf(LOADER_CPU); // true
 * ```
 */
export function pinSelf(cpu: number): boolean {
  return spawnSync('taskset', ['-a', '-c', '-p', String(cpu), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

/**
 * The command and arguments that run `command args` on `cpu` (or unpinned when `cpu` is
 * undefined). taskset execs the command in place, so the child's PID is the command's.
 *
 * @example
 * ```ts
 * pinnedCommand(0, 'node', ['server.js']); // ['taskset', ['-c', '0', 'node', 'server.js']]
 * ```
 */
export function pinnedCommand(cpu: number | undefined, command: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
}
