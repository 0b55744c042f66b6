import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { RequestHeaders } from './request-headers.js';

describe('RequestHeaders over a real IncomingMessage', () => {
  it('reads case-insensitively, keeps repeated fields and the wire order', async () => {
    let captured: RequestHeaders | undefined;
    const server = http.createServer((req, res) => {
      captured = new RequestHeaders(req);
      res.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    socket.resume();
    socket.write('GET / HTTP/1.1\r\nHost: h\r\nX-Tag: a\r\nX-TAG: b, c\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n');
    await once(socket, 'close');
    server.close();
    const headers = captured!;
    expect(headers.get('x-tag')).toBe('a, b, c');
    expect(headers.getAll('X-Tag')).toEqual(['a', 'b, c']);
    expect(headers.get('cookie')).toBe('a=1; b=2');
    expect(headers.has('HOST')).toBe(true);
    expect(headers.has('missing')).toBe(false);
    expect(headers.get('missing')).toBeUndefined();
    expect(headers.getAll('missing')).toEqual([]);
    expect([...headers]).toEqual([
      ['host', 'h'],
      ['x-tag', 'a'],
      ['x-tag', 'b, c'],
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['connection', 'close'],
    ]);
    expect([...headers.keys()]).toEqual(['host', 'x-tag', 'cookie', 'connection']);
    expect(headers.rawPairs()[1]).toEqual(['X-Tag', 'a']);
    expect(headers.toJSON()).toMatchObject({ 'x-tag': 'a, b, c', cookie: 'a=1; b=2' });
  });
});

describe('RequestHeaders.from', () => {
  it('builds headers from a record, with arrays for repeated fields', () => {
    const headers = RequestHeaders.from({ Host: 'example.test', Accept: ['text/html', 'text/plain'], 'Set-Cookie': ['a=1', 'b=2'] });
    expect(headers.get('accept')).toBe('text/html, text/plain');
    expect(headers.getAll('ACCEPT')).toEqual(['text/html', 'text/plain']);
    expect(headers.get('set-cookie')).toBe('a=1, b=2');
    expect([...headers].length).toBe(5);
  });

  it('builds headers from pairs, and returns RequestHeaders as is', () => {
    const headers = RequestHeaders.from([
      ['Cookie', 'a=1'],
      ['cookie', 'b=2'],
    ]);
    expect(headers.get('Cookie')).toBe('a=1; b=2');
    expect(RequestHeaders.from(headers)).toBe(headers);
  });
});
