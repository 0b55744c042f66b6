import type { AddressInfo } from 'node:net';
import { createHttpServer } from 'weft';
import { createSampleApp } from './app.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  const app = createSampleApp();
  await app.startup();
  const server = createHttpServer(app.callback());
  server.listen(port, host, () => {
    const { port: bound } = server.address() as AddressInfo;
    console.log(`sample app listening on http://${host}:${bound}`);
  });
  const stop = () => {
    server.close(() => void app.shutdown().finally(() => app.cleanup()));
    server.closeIdleConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
