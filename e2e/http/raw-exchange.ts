/**
 * Raw bytes to a TestClient's server over one loopback connection, for what no HTTP client
 * sends (pipelining, malformed requests, exact framing).
 */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TestClient } from 'weft/testing';

/**
 * Writes `parts` on one connection (`gap` ms apart) and resolves everything received, as
 * latin1, once the server closes the connection.
 */
export async function exchange(client: TestClient, parts: string | string[], gap = 50): Promise<string> {
  const { port } = client.server.address() as AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'connect');
  for (const [i, part] of [parts].flat().entries()) {
    if (i > 0) await sleep(gap);
    socket.write(part);
  }
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}
