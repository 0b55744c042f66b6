/**
 * The `weft serve` command line a process manager runs, written for its configuration
 * file: systemd's `ExecStart=` and supervisord's `command=` both split words on blanks,
 * honour double quotes and expand `%` (so a literal `%` is written `%%`).
 */
import type { ProcessOptions } from './deploy-options.js';

/**
 * `<node> <weft> serve <target> --shutdown-timeout <s> ...serveArgs`, quoted for a
 * configuration file. `serveArgs` are written as they are (they may hold the process
 * manager's own `%` expansions); everything else is quoted and has `%` doubled.
 *
 * @example
 * ```ts
 * serveCommand(options, ['--sock', '3']);
 * // '/usr/bin/node /srv/app/node_modules/weft/dist/src/cli/main.js serve dist/app.js:create --shutdown-timeout 60 --sock 3'
 * ```
 */
export function serveCommand(options: ProcessOptions, serveArgs: readonly string[]): string {
  const fixed = [options.node, options.weftBin, 'serve', options.target, '--shutdown-timeout', String(options.shutdownTimeout / 1000)];
  return [...fixed.map(configWord), ...serveArgs].join(' ');
}

/**
 * One word for systemd or supervisord: `%` doubled, and double-quoted when it holds a
 * blank, a quote or a backslash.
 *
 * @example
 * ```ts
 * configWord('/srv/my app'); // '"/srv/my app"'
 * ```
 */
export function configWord(word: string): string {
  const escaped = word.replaceAll('%', '%%');
  if (escaped !== '' && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * A path as the value of a systemd or supervisord path setting (`WorkingDirectory=`,
 * `directory =`): `%` doubled, never quoted, since neither unquotes those settings and a
 * quoted path is no longer absolute; blanks inside it are kept as they are.
 *
 * @example
 * ```ts
 * configPath('/srv/my app'); // '/srv/my app'
 * ```
 */
export function configPath(path: string): string {
  return path.replaceAll('%', '%%');
}

/**
 * Seconds a process manager waits for a graceful stop before it kills: above the
 * supervisor's own limit for a stopping worker (twice the shutdown timeout plus 10 s), so
 * weft, not the process manager, decides when to give up.
 *
 * @example
 * ```ts
 * stopWaitSeconds(60_000); // 135
 * ```
 */
export function stopWaitSeconds(shutdownTimeout: number): number {
  return Math.ceil((2 * shutdownTimeout) / 1000) + 15;
}
