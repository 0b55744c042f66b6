import 'reflect-metadata';
import { mkdtempSync, realpathSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../app/application.js';
import { type Request } from '../http/request.js';
import { type Logger } from '../logging/logger.js';
import { TestClient } from '../testing/test-client.js';
import { FileResponse, SMALL_FILE } from './file-response.js';
import { type FileRepresentation } from './open-representation.js';

/** A FileResponse whose file loses bytes between opening (size taken) and reading. */
class ShrinkingFileResponse extends FileResponse {
  constructor(
    file: string,
    private readonly keep: number,
  ) {
    super(file);
  }

  protected override async openRepresentation(request: Request): Promise<FileRepresentation | null> {
    const representation = await super.openRepresentation(request);
    truncateSync(this.path, this.keep);
    return representation;
  }
}

interface Outcome {
  status: number;
  declared: number;
  received: number;
  complete: boolean;
  socketClosed: boolean;
}

/** GET over a kept-alive connection; resolves once the socket is closed or the body ended. */
function fetchOver(agent: Agent, url: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let received = 0;
      let complete = false;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => (complete = res.complete));
      res.on('error', () => undefined);
      const socket = res.socket;
      socket.on('close', () =>
        resolve({ status: res.statusCode!, declared: Number(res.headers['content-length']), received, complete, socketClosed: true }),
      );
      res.on('close', () => {
        if (complete) resolve({ status: res.statusCode!, declared: Number(res.headers['content-length']), received, complete, socketClosed: socket.destroyed });
      });
    }).on('error', reject);
  });
}

describe('FileResponse when the file shrinks while it is sent', () => {
  let base: string;
  let client: TestClient;
  const warnings: Array<{ obj: object; msg?: string }> = [];
  const logger: Logger = {
    error: () => undefined,
    warn: (obj: object, msg?: string) => warnings.push({ obj, msg }),
    info: () => undefined,
    debug: () => undefined,
  };

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-file-response-')));
    const app = createApp({ logger });
    app.router.add('GET', '/small', () => {
      writeFileSync(path.join(base, 'small.bin'), Buffer.alloc(10_000, 7));
      return new ShrinkingFileResponse(path.join(base, 'small.bin'), 4_000);
    });
    app.router.add('GET', '/large', () => {
      writeFileSync(path.join(base, 'large.bin'), Buffer.alloc(SMALL_FILE * 3, 7));
      return new ShrinkingFileResponse(path.join(base, 'large.bin'), SMALL_FILE + 100);
    });
    app.router.add('GET', '/whole', () => {
      writeFileSync(path.join(base, 'whole.bin'), Buffer.alloc(5_000, 7));
      return new ShrinkingFileResponse(path.join(base, 'whole.bin'), 5_000);
    });
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  it.each([
    ['read at once', '/small', 10_000],
    ['streamed', '/large', SMALL_FILE * 3],
  ])('%s: sends the size it declared no further, closes the kept-alive connection and warns', async (_label, route, size) => {
    warnings.length = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const outcome = await fetchOver(agent, `${client.baseUrl}${route}`);
      expect(outcome.status).toBe(200);
      expect(outcome.declared).toBe(size);
      expect(outcome.received).toBeLessThan(size);
      expect(outcome.complete).toBe(false);
      expect(outcome.socketClosed).toBe(true);
      expect(warnings).toEqual([{ obj: expect.objectContaining({ missing: expect.any(Number) }), msg: expect.stringMatching(/shrank/) }]);
      // the server still answers on a new connection
      expect((await client.get('/whole')).body.length).toBe(5_000);
    } finally {
      agent.destroy();
    }
  });

  it('a file that keeps its size is sent whole on a connection that stays open', async () => {
    warnings.length = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const outcome = await fetchOver(agent, `${client.baseUrl}/whole`);
      expect(outcome).toMatchObject({ status: 200, declared: 5_000, received: 5_000, complete: true, socketClosed: false });
      expect(warnings).toEqual([]);
    } finally {
      agent.destroy();
    }
  });
});

describe('FileResponse options', () => {
  test.each([
    ['maxAge NaN', { maxAge: Number.NaN }, 'new FileResponse(): maxAge must be a non-negative number of seconds up to 9007199254740991, got NaN'],
    ['maxAge Infinity', { maxAge: Infinity }, 'new FileResponse(): maxAge must be a non-negative number of seconds up to 9007199254740991, got Infinity'],
    ['maxAge 1e300', { maxAge: 1e300 }, 'new FileResponse(): maxAge must be a non-negative number of seconds up to 9007199254740991, got 1e+300'],
    ['maxAge -5', { maxAge: -5 }, 'new FileResponse(): maxAge must be a non-negative number of seconds up to 9007199254740991, got -5'],
    ['maxAge "60"', { maxAge: '60' as unknown as number }, 'new FileResponse(): maxAge must be a non-negative number of seconds up to 9007199254740991, got "60"'],
    ['precompressed "yes"', { precompressed: 'yes' as unknown as boolean }, 'new FileResponse(): precompressed must be a boolean, got "yes"'],
  ])('%s is WEFT_ERR_INVALID_OPTION when constructed (NaN went out as max-age=NaN)', (_label, options, message) => {
    expect(() => new FileResponse('/srv/file.txt', options)).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_OPTION', message: `WEFT_ERR_INVALID_OPTION: ${message}` }));
  });

  test('the path must be a non-empty string: undefined was a 404 once prepared', () => {
    expect(() => new FileResponse(undefined as unknown as string)).toThrow(
      expect.objectContaining({ code: 'WEFT_ERR_INVALID_OPTION', message: 'WEFT_ERR_INVALID_OPTION: new FileResponse(): path must be a non-empty string, got undefined' }),
    );
    expect(() => new FileResponse('')).toThrow(expect.objectContaining({ code: 'WEFT_ERR_INVALID_OPTION' }));
  });

  test('a fractional maxAge is whole seconds; 0 is allowed', () => {
    expect(() => new FileResponse('/srv/file.txt', { maxAge: 0 })).not.toThrow();
    expect(() => new FileResponse('/srv/file.txt', { maxAge: 1.5 })).not.toThrow();
  });
});
