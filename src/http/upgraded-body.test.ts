import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { keepUpgradedBody, upgradedBodyOf } from './upgraded-body.js';

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
    keepUpgradedBody(req, new PassThrough(), Buffer.from('hello'));
    expect(await text(req)).toBe('hello');
  });

  test('the rest from the socket, Content-Length bytes and no more, pulled only when read', async () => {
    const req = request({ 'content-length': '11' });
    const socket = new PassThrough();
    keepUpgradedBody(req, socket, Buffer.from('hel'));
    socket.write('lo wo');
    socket.write('rld and the next request');
    expect(socket.isPaused()).toBe(true); // nothing read yet
    expect(await text(req)).toBe('hello world');
  });

  test('a connection closing before the body is complete is an error, not a short body', async () => {
    const req = request({ 'content-length': '10' });
    const socket = new PassThrough();
    keepUpgradedBody(req, socket, Buffer.from('abc'));
    socket.destroy();
    await expect(text(req)).rejects.toThrow('the connection closed before the request body was complete');
  });

  test('nothing is kept without a Content-Length, or for a chunked body', () => {
    for (const headers of [{}, { 'content-length': '0' }, { 'content-length': '5', 'transfer-encoding': 'chunked' }] as Array<Record<string, string>>) {
      const req = request(headers);
      keepUpgradedBody(req, new PassThrough(), Buffer.from('x'));
      expect(upgradedBodyOf(req)).toBeUndefined();
    }
  });
});
