import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VERSION } from 'weft';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((_req, res) => {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Hello from weft ${VERSION}\n`);
});
server.listen(port, host, () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`sample app listening on http://${host}:${bound}`);
});
