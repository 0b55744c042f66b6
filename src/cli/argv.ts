/**
 * The small pieces every weft command's parser shares: node's `parseArgs` with usage
 * errors, integers with bounds, the one `<module>:<export>` target.
 */
import { parseArgs } from 'node:util';
import { WeftError } from '../errors.js';

/** The option table of one command, in `parseArgs`'s form. */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/** Parsed values by option name, and the positional arguments. */
export interface ParsedArgv {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` strictly against `options`; node's message ("Unknown option '--prot'")
 * becomes a `WEFT_ERR_CLI_USAGE` error.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseArgv(['app.js:create', '--port', '80'], { port: { type: 'string' } });
 * ```
 */
export function parseArgv(argv: readonly string[], options: OptionSpec): ParsedArgv {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgv['values'], positionals };
  } catch (err) {
    throw usage((err as Error).message);
  }
}

/**
 * The single `<module>:<export>` of `weft <command>`.
 *
 * @throws WeftError `WEFT_ERR_CLI_USAGE` when there is none or more than one.
 * @example
 * ```ts
 * oneTarget('routes', ['dist/app.js:createApp']); // 'dist/app.js:createApp'
 * ```
 */
export function oneTarget(command: string, positionals: string[]): string {
  if (positionals.length === 0) throw usage(`weft ${command} needs <module>:<export>, e.g. weft ${command} dist/app.js:createApp`);
  if (positionals.length > 1) throw usage(`weft ${command} takes one <module>:<export>, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

/**
 * An option's decimal integer value in `[min, max]`, or `fallback` when it was not given.
 *
 * @throws WeftError `WEFT_ERR_CLI_USAGE` naming the option, the bounds and the value.
 * @example
 * ```ts
 * integer(values.workers, '--workers', 1, 1); // 1 when absent; '0' and 'x' throw
 * ```
 */
export function integer(value: unknown, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n < min || n > max) {
    throw usage(`${name} must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * An option's number of seconds (fractions allowed) as milliseconds, or `undefined`.
 *
 * @throws WeftError `WEFT_ERR_CLI_USAGE` for a negative or non-numeric value.
 * @example
 * ```ts
 * seconds('2.5', '--shutdown-timeout'); // 2500
 * ```
 */
export function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !(Number.isFinite(n) && n >= 0)) {
    throw usage(`${name} must be a number of seconds >= 0, got ${JSON.stringify(value)}`);
  }
  return Math.round(n * 1000);
}

/**
 * A command-line usage error (the CLI prints it and exits with code 2).
 *
 * @example
 * ```ts
 * throw usage('--path and --port cannot be combined');
 * ```
 */
export function usage(detail: string): WeftError {
  return new WeftError('WEFT_ERR_CLI_USAGE', detail);
}
