/**
 * A tiny HTTP/1.1 client over a raw socket, for what fetch hides: exact bytes on the wire,
 * keep-alive connections held open, connections closed halfway, closed-without-response.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Where to connect: a TCP port on loopback, or a unix socket path. */
export type Target = { port: number; host?: string; tls?: boolean } | { path: string };

/** A parsed response, with the exact bytes it took. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the status line, headers and body as received. */
  bytes: number;
}

/** Opens a connection and resolves once connected. */
export function openConnection(target: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      'path' in target
        ? connect(target.path)
        : target.tls === true
          ? tlsConnect({ port: target.port, host: target.host ?? '127.0.0.1', rejectUnauthorized: false })
          : connect(target.port, target.host ?? '127.0.0.1');
    socket.once('port' in target && target.tls === true ? 'secureConnect' : 'connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The request bytes for `method path` with headers and an optional body (Content-Length set). */
export function requestText(method: string, path: string, headers: Record<string, string> = {}, body?: string): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: test'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** Bytes received after a response, kept for the next read on the same connection (pipelining). */
const leftovers = new WeakMap<Socket, Buffer>();

/**
 * Reads one response from `socket` (Content-Length or chunked bodies). Rejects with
 * `closed without a (complete) response` when the connection ends first, or after `ms`.
 * Between reads the socket is paused, so nothing is lost.
 */
export function readResponse(socket: Socket, ms = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    /** Bytes needed before parsing again: known once the head of a Content-Length response is in. */
    let needed = 0;
    const timer = setTimeout(() => finish(new Error(`no complete response within ${ms} ms`)), ms);
    const finish = (err: Error | null, response?: RawResponse, rest?: Buffer): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      socket.pause();
      if (rest !== undefined && rest.length > 0) leftovers.set(socket, rest);
      if (err !== null) reject(err);
      else resolve(response!);
    };
    const take = (chunk: Buffer): boolean => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < needed) return false;
      const buffer = Buffer.concat(chunks, received);
      chunks.length = 0;
      chunks.push(buffer);
      needed = expectedLength(buffer);
      const parsed = parse(buffer);
      if (parsed === null) return false;
      finish(null, parsed, buffer.subarray(parsed.bytes));
      return true;
    };
    const onData = (chunk: Buffer): void => {
      take(chunk);
    };
    const onClose = (): void => finish(new Error(`closed without a (complete) response; received ${received} bytes`));
    const onError = (): void => {}; // a reset shows as close
    const leftover = leftovers.get(socket);
    leftovers.delete(socket);
    if (leftover !== undefined && take(leftover)) return;
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', onError);
    if (socket.destroyed) onClose();
    else socket.resume();
  });
}

/** One request on a new connection; the connection is closed afterwards. */
export async function rawRequest(target: Target, text: string, ms?: number): Promise<RawResponse> {
  const socket = await openConnection(target);
  try {
    socket.write(text);
    return await readResponse(socket, ms);
  } finally {
    socket.destroy();
  }
}

/** The full length of a Content-Length response once its head is in, else 0 (parse on every chunk). */
function expectedLength(buffer: Buffer): number {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return 0;
  const length = /\r\ncontent-length: *(\d+)/i.exec(buffer.subarray(0, end).toString('latin1'))?.[1];
  return length === undefined ? 0 : end + 4 + Number(length);
}

/** Resolves when the peer closes `socket` (true), or false after `ms`. */
export function waitClosed(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('end', done);
    socket.once('close', done);
    socket.on('error', () => {});
    socket.resume();
  });
}

function parse(buffer: Buffer): RawResponse | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(head[0].split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let offset = end + 4;
  if (headers['transfer-encoding'] === 'chunked') {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset);
      if (lineEnd === -1) return null;
      const size = parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16);
      if (buffer.length < lineEnd + 2 + size + 2) return null;
      chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
      if (size === 0) return { status, headers, body: Buffer.concat(chunks).toString('utf8'), bytes: offset };
    }
  }
  const length = Number(headers['content-length'] ?? 0);
  if (buffer.length < offset + length) return null;
  return { status, headers, body: buffer.subarray(offset, offset + length).toString('utf8'), bytes: offset + length };
}
