/**
 * A real `redis-server` (Debian's) for the tests that need one, unit and e2e: the tests of
 * `RedisPubSub` and the cross-process broadcast e2e. Started on a free loopback port with
 * no persistence; under `CI=true` a missing binary is an error, not a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether `redis-server` can run here; throws under `CI=true` when it cannot. */
export const hasRedis = spawnSync(REDIS_SERVER, ['--version']).status === 0;
if (!hasRedis && process.env.CI === 'true') throw new Error(`${REDIS_SERVER} is missing: CI must apt-get install redis-server`);
if (!hasRedis) process.stderr.write(`skipping the redis-server tests: ${REDIS_SERVER} not installed (apt-get install redis-server)\n`);

/**
 * A port nobody listens on right now, on 127.0.0.1.
 *
 * @example
 * ```ts
 * const deadPort = await freePort(); // connecting to it is refused
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One `redis-server` on a fixed free port: `start()` and `stop()` may be repeated (a restart
 * keeps the port, for reconnection tests); `dispose()` stops it and removes its directory.
 *
 * @example
 * ```ts
 * const redis = await RedisServer.start();
 * const pubsub = new RedisPubSub({ url: redis.url });
 * await redis.dispose();
 * ```
 */
export class RedisServer {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port and waits until it accepts connections. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(path.join(os.tmpdir(), 'weft-redis-')));
    await server.start();
    return server;
  }

  /** Starts it (again) on its port; resolves once it accepts connections. */
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${out}`)), 10_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${String(code)}) while starting: ${out}`));
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Stops it (SIGTERM) and waits for the exit; nothing when it is not running. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }

  /** Stops it and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
