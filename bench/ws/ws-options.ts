import { parseFlags } from '../flags.js';

/** The servers compared, in run order within a round. */
export const WS_SERVERS = ['weft', 'plain'] as const;

/** One of {@link WS_SERVERS}. */
export type WsServer = (typeof WS_SERVERS)[number];

/** The websocket benchmark's settings, from the command line. */
export interface WsBenchOptions {
  /** Seconds measured per server and round. */
  duration: number;
  /** Seconds of load before measuring. */
  warmup: number;
  /** Concurrent websocket clients. */
  clients: number;
  /** Interleaved rounds; the best round of each server is reported. */
  rounds: number;
  /** Bytes of the text message echoed. */
  size: number;
  /** Pin servers to CPU 0 and the clients to CPU 1 when possible. */
  pin: boolean;
  /** Exit 1 when weft misses its target. */
  check: boolean;
  help: boolean;
}

/** The usage text printed by `--help` and after a bad option. */
export const WS_USAGE = `usage: node dist/bench/ws/run.js [options]
  --duration SECONDS   measured time per server and round (default 5)
  --warmup SECONDS     load before measuring, results dropped (default 1)
  --clients N          concurrent websocket clients, one message in flight each (default 100)
  --rounds N           interleaved rounds, best kept (default 1)
  --size BYTES         length of the echoed text message (default 64)
  --no-pin             do not pin servers to CPU 0 and the clients to CPU 1
  --check              exit 1 when weft/plain is under its target
  --help               this text`;

/**
 * Reads the command line. A bad option or value throws an Error whose message says which
 * and what is expected.
 *
 * @example
 * ```ts
 * parseWsBenchOptions(['--duration', '3', '--clients', '50']).clients; // 50
 * ```
 */
export function parseWsBenchOptions(argv: string[]): WsBenchOptions {
  const values = parseFlags(argv, {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    clients: { type: 'string' },
    rounds: { type: 'string' },
    size: { type: 'string' },
    'no-pin': { type: 'boolean' },
    check: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  return {
    duration: number('--duration', values.duration, 5, { min: 0.1, max: 600 }),
    warmup: number('--warmup', values.warmup, 1, { min: 0, max: 600 }),
    clients: number('--clients', values.clients, 100, { min: 1, max: 10_000, integer: true }),
    rounds: number('--rounds', values.rounds, 1, { min: 1, max: 100, integer: true }),
    size: number('--size', values.size, 64, { min: 1, max: 1024 * 1024, integer: true }),
    pin: values['no-pin'] !== true,
    check: values.check === true,
    help: values.help === true,
  };
}

function number(option: string, text: string | undefined, fallback: number, limits: { min: number; max: number; integer?: boolean }): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = limits.integer === true ? 'an integer' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (limits.integer === true && !Number.isInteger(value)) || value < limits.min || value > limits.max) {
    throw new Error(`${option} must be ${kind} from ${limits.min} to ${limits.max}, got ${JSON.stringify(text)}`);
  }
  return value;
}
