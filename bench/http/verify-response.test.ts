import { type Server, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { SCENARIOS } from './scenarios.js';
import { responseProblem, verifyResponse } from './verify-response.js';

describe('responseProblem', () => {
  const s1 = SCENARIOS.S1;

  it('accepts the exact body with the right media type, whatever its parameters', () => {
    expect(responseProblem({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'hello' }, s1)).toBeUndefined();
  });

  it.each([
    [{ status: 404, contentType: 'text/plain', body: '404: Not Found' }, 'status 404, expected 200 (body "404: Not Found")'],
    [{ status: 200, contentType: 'application/json', body: 'hello' }, 'content-type "application/json", expected text/plain'],
    [{ status: 200, contentType: 'text/plain', body: 'hello\n' }, 'body "hello\\n", expected "hello"'],
  ])('names what is wrong with %j', (response, problem) => {
    expect(responseProblem(response, s1)).toBe(problem);
  });
});

describe('verifyResponse', () => {
  let server: Server;
  let answer: (body: string) => [number, string, string];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const [status, type, text] = answer(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''} ${body}`);
        res.writeHead(status, { 'content-type': type });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const port = () => (server.address() as AddressInfo).port;

  it('sends the scenario request (method, path, headers, body) and accepts the right answer', async () => {
    const seen: string[] = [];
    answer = (request) => {
      seen.push(request);
      return [200, 'application/json', SCENARIOS.S5.expectedBody];
    };
    await verifyResponse(port(), SCENARIOS.S5, 'test');
    expect(seen).toEqual([`POST /echo application/json ${SCENARIOS.S5.body}`]);
  });

  it('throws naming the server, scenario and problem', async () => {
    answer = () => [500, 'text/plain', '500: Internal Server Error'];
    await expect(verifyResponse(port(), SCENARIOS.S2, 'weft')).rejects.toThrow('weft S2 (GET /users/42): status 500, expected 200 (body "500: Internal Server Error")');
  });

  it('throws when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(verifyResponse(unused, SCENARIOS.S1, 'raw')).rejects.toThrow('ECONNREFUSED');
  });
});
