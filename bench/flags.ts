import { existsSync } from 'node:fs';
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

/**
 * The start every benchmark harness shares: its options read from `argv`, `--help`
 * answered, and its compiled server scripts checked. Gives the options, or the exit code
 * the harness returns at once: 0 after `--help` (usage on stdout), 2 for a bad option
 * (the message and the usage on stderr) or a server script not built yet.
 *
 * @example
 * ```ts
 * const options = startHarness(argv, parseWsBenchOptions, WS_USAGE, () => WS_SERVERS.map((name) => join(SERVERS_DIR, `${name}.js`)));
 * if (typeof options === 'number') return options;
 * ```
 */
export function startHarness<O extends { help: boolean }>(argv: string[], parse: (argv: string[]) => O, usage: string, scripts: (options: O) => string[]): O | number {
  let options: O;
  try {
    options = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  const missing = scripts(options).filter((script) => !existsSync(script));
  if (missing.length > 0) {
    process.stderr.write(`missing compiled servers: ${missing.join(', ')}\nrun \`npm run build\` first\n`);
    return 2;
  }
  return options;
}
