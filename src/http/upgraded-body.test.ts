import type { IncomingMessage } from 'node:http';
import { Duplex, PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepUpgradedBody, upgradedBodyOf } from './upgraded-body.js';

/** For a body with no time limit: its answer callback is never called. */
function noTimeout(): void {
  throw new Error('no timeout was set');
}

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of upgradedBodyOf(req)!) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('keepUpgradedBody', () => {
  test('a body wholly in the head', async () => {
    const req = request({ 'content-length': '5' });
    keepUpgradedBody(req, new PassThrough(), Buffer.from('hello'), 0, noTimeout);
    expect(await text(req)).toBe('hello');
  });

  test('the rest from the socket, Content-Length bytes and no more, pulled only when read', async () => {
    const req = request({ 'content-length': '11' });
    const socket = new PassThrough();
    keepUpgradedBody(req, socket, Buffer.from('hel'), 0, noTimeout);
    socket.write('lo wo');
    socket.write('rld and the next request');
    expect(socket.isPaused()).toBe(true); // nothing read yet
    expect(await text(req)).toBe('hello world');
  });

  test('a connection closing before the body is complete is an error, not a short body', async () => {
    const req = request({ 'content-length': '10' });
    const socket = new PassThrough();
    keepUpgradedBody(req, socket, Buffer.from('abc'), 0, noTimeout);
    socket.destroy();
    await expect(text(req)).rejects.toThrow('the connection closed before the request body was complete');
  });

  test('a body no one reads, cut short by the connection closing, ends the process no more (no unhandled error)', async () => {
    const req = request({ 'content-length': '10' });
    const socket = new PassThrough();
    keepUpgradedBody(req, socket, Buffer.from('abc'), 0, noTimeout);
    socket.destroy();
    await sleep(10); // an 'error' without a listener would be thrown from the next tick
    expect(upgradedBodyOf(req)!.destroyed).toBe(true);
    expect(socket.listenerCount('data')).toBe(0);
  });

  describe('timeout (node no longer applies requestTimeout to this socket)', () => {
    /** A socket that records what is written to it and never sends anything itself. */
    function socketStub(): Duplex & { written: string[]; bytesWritten: number } {
      const written: string[] = [];
      const socket = new Duplex({
        read: () => undefined,
        write: (chunk: Buffer, _encoding, callback) => {
          written.push(chunk.toString());
          socket.bytesWritten += chunk.length;
          callback();
        },
      }) as Duplex & { written: string[]; bytesWritten: number };
      return Object.assign(socket, { written, bytesWritten: 0 });
    }

    test('a body still incomplete when it expires: the 408 callback answers, the connection closes, a reader sees the body cut', async () => {
      const req = request({ 'content-length': '10' });
      const socket = socketStub();
      keepUpgradedBody(req, socket, Buffer.from('abc'), 30, () => socket.write('408'));
      const reading = text(req);
      socket.push('de');
      await expect(reading).rejects.toThrow('the connection closed before the request body was complete');
      expect(socket.written).toEqual(['408']); // what the answer callback wrote
      expect(socket.destroyed).toBe(true);
    });

    test('an answer already started is not followed by the 408: the connection just closes', async () => {
      const req = request({ 'content-length': '10' });
      const socket = socketStub();
      keepUpgradedBody(req, socket, Buffer.from('abc'), 30, () => socket.write('408'));
      socket.write('HTTP/1.1 200 OK\r\n');
      await sleep(60);
      expect(socket.written).toEqual(['HTTP/1.1 200 OK\r\n']);
      expect(socket.destroyed).toBe(true);
    });

    test('a body complete in time, or a timeout of 0, leaves the connection alone', async () => {
      const req = request({ 'content-length': '5' });
      const socket = socketStub();
      keepUpgradedBody(req, socket, Buffer.from('abc'), 30, () => socket.write('408'));
      socket.push('de');
      expect(await text(req)).toBe('abcde');
      const unbounded = request({ 'content-length': '5' });
      const other = socketStub();
      keepUpgradedBody(unbounded, other, Buffer.from('abc'), 0, () => other.write('408'));
      await sleep(60);
      expect([socket.destroyed, socket.written, other.destroyed, other.written]).toEqual([false, [], false, []]);
    });
  });

  test('nothing is kept without a Content-Length, or for a chunked body', () => {
    for (const headers of [{}, { 'content-length': '0' }, { 'content-length': '5', 'transfer-encoding': 'chunked' }] as Array<Record<string, string>>) {
      const req = request(headers);
      keepUpgradedBody(req, new PassThrough(), Buffer.from('x'), 0, noTimeout);
      expect(upgradedBodyOf(req)).toBeUndefined();
    }
  });
});
