import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type Logger } from 'weft';
import { TestClient } from 'weft/testing';

class Recording implements Logger {
  readonly errors: string[] = [];
  error(_obj: object, msg?: string): void {
    this.errors.push(msg ?? '');
  }
  warn(): void {}
  info(): void {}
  debug(): void {}
}

describe('a client that leaves during a download', () => {
  let base: string;
  let client: TestClient;
  const logger = new Recording();

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), 'weft-gone-'));
    writeFileSync(path.join(base, 'big.bin'), '');
    truncateSync(path.join(base, 'big.bin'), 256 * 1024 * 1024);
    writeFileSync(path.join(base, 'small.txt'), 'still here');
    const app = createApp({ logger });
    app.static('/files', base);
    client = await new TestClient(app).start();
  });
  afterAll(async () => {
    await client.close();
    rmSync(base, { recursive: true, force: true });
  });

  test('stops the read quietly and the server keeps serving', async () => {
    const port = new URL(client.baseUrl).port;
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/files/big.bin' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await client.get('/files/small.txt')).text).toBe('still here');
    expect(logger.errors).toEqual([]);
  });
});
