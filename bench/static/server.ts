/**
 * One static-file server for the benchmark, in its own process:
 * `node dist/bench/static/server.js <weft|fastify|express> <directory>`. Each serves the
 * directory under `/static/` the way its docs show, and prints `PORT <n>` when listening.
 */
import fastifyStatic from '@fastify/static';
import express from 'express';
import Fastify from 'fastify';
import { type AddressInfo } from 'node:net';
import { createApp, createHttpServer, createLogger } from 'weft';

/** The servers the benchmark compares. */
export const SERVERS = ['weft', 'fastify', 'express'] as const;
/** One of {@link SERVERS}. */
export type ServerName = (typeof SERVERS)[number];

async function listen(name: ServerName, directory: string): Promise<number> {
  if (name === 'weft') {
    const app = createApp({ logger: createLogger({ level: 'silent' }) });
    app.static('/static', directory);
    await app.startup();
    const server = createHttpServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  if (name === 'fastify') {
    const app = Fastify({ logger: false });
    await app.register(fastifyStatic, { root: directory, prefix: '/static/' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  }
  const app = express();
  app.use('/static', express.static(directory));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

if (require.main === module) {
  const [name, directory] = process.argv.slice(2);
  if (!SERVERS.includes(name as ServerName) || directory === undefined) {
    process.stderr.write(`usage: server.js <${SERVERS.join('|')}> <directory>\n`);
    process.exit(2);
  }
  listen(name as ServerName, directory).then(
    (port) => process.stdout.write(`PORT ${port}\n`),
    (err: unknown) => {
      process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
