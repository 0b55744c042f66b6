/**
 * The baseline: a plain node:http server on node:cluster, N workers sharing one port
 * (the primary accepts and hands connections out round-robin, as `weft serve --workers`
 * does). Each worker prints `listening <port>` once it listens.
 *
 * Usage: `node dist/bench/cluster/raw-cluster.js <workers> <port>`; SIGTERM stops it.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const workers = Number(process.argv[2] ?? 2);
const port = Number(process.argv[3] ?? 0);

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const body = JSON.stringify({ hello: 'world' });
  // hot path
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`listening ${address.port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
