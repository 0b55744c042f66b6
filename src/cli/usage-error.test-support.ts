/**
 * For the CLI's tests: the message of the `WEFT_ERR_CLI_USAGE` error a parser throws.
 */
import { WeftError } from '../errors.js';

/**
 * Calls `parse(argv)`, expects it to throw a `WEFT_ERR_CLI_USAGE` WeftError and returns
 * its message; fails the test when it does not throw.
 *
 * @example
 * ```ts
 * expect(usageErrorOf(parseDeploy, ['apache'])).toMatch(/supports nginx/);
 * ```
 */
export function usageErrorOf(parse: (argv: string[]) => unknown, argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(WeftError);
    expect((err as WeftError).code).toBe('WEFT_ERR_CLI_USAGE');
    return (err as Error).message;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}
