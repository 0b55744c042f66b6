import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The values `parseFlags` reads for `options`. */
export type Flags<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: O }>>['values'];

/**
 * A benchmark's command line as `node:util` `parseArgs` reads it, strictly: unknown options
 * and positionals are refused. The error is rethrown as a plain `Error` with parseArgs'
 * message, which the harnesses print above their usage text.
 *
 * @example
 * ```ts
 * const values = parseFlags(['--rounds', '3'], { rounds: { type: 'string' }, help: { type: 'boolean' } });
 * values.rounds; // '3'
 * ```
 */
export function parseFlags<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O): Flags<O> {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new Error((err as Error).message);
  }
}
