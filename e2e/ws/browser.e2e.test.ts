/**
 * A real browser against a weft websocket: headless Chromium (Debian's `/usr/bin/chromium`,
 * driven by playwright-core) loads an HTML page from a weft app, the page's script opens a
 * websocket to the same origin, sends text and binary messages and writes what comes back
 * into the page. This checks what the `ws`-client tests cannot: that a browser's own
 * handshake (Origin, permessage-deflate offer, its framing and masking) and its close
 * handshake work with weft.
 *
 * Without Chromium the test is skipped with a note, except in CI (`CI=true`), where a
 * missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { WebSocketResponse, createApp, createLogger, html, type Application, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT_MS = 30_000;
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI === 'true') {
  test('Chromium is installed for the browser websocket test', () => {
    throw new Error(`${CHROMIUM} is missing: CI must install the chromium package (apt-get install chromium)`);
  });
} else if (!haveChromium) {
  // eslint-disable-next-line no-console -- the only way to say why the suite is skipped
  console.warn(`skipping the browser websocket test: ${CHROMIUM} is missing (apt-get install chromium)`);
}

const PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>weft websocket</title></head>
<body>
<ul id="log"></ul>
<p id="status">connecting</p>
<script>
  const log = (text) => {
    const item = document.createElement('li');
    item.textContent = text;
    document.getElementById('log').appendChild(item);
  };
  const status = (text) => { document.getElementById('status').textContent = text; };
  const ws = new WebSocket(new URL('/ws', location.href).href.replace(/^http/, 'ws'), ['chat.v1']);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    status('open ' + ws.protocol);
    ws.send('hello from the browser, é ✓');
    ws.send(new Uint8Array([1, 2, 3]));
  };
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') log('text: ' + event.data);
    else log('binary: ' + Array.from(new Uint8Array(event.data)).join(','));
    if (document.querySelectorAll('#log li').length === 3) ws.close(1000, 'done');
  };
  ws.onerror = () => status('error');
  ws.onclose = (event) => status('closed ' + event.code + ' ' + event.reason + ' ' + event.wasClean);
</script>
</body>
</html>`;

/** What the server side saw, for the assertions. */
interface ServerSide {
  received: string[];
  closeCode?: number;
  origin?: string;
}

function browserApp(seen: ServerSide): Application {
  const app = createApp({ logger: createLogger({ level: 'silent' }) });
  app.router.add('GET', '/', () => html(PAGE));
  app.router.add('GET', '/ws', async (request: Request) => {
    seen.origin = request.headers.get('origin') ?? undefined;
    const ws = new WebSocketResponse({ protocols: ['chat.v1'], compress: true });
    await ws.prepare(request);
    await ws.sendStr('welcome');
    for await (const msg of ws) {
      if (msg.type === 'text') {
        seen.received.push(`text ${msg.data}`);
        await ws.sendStr(`echo: ${msg.data}`);
      } else if (msg.type === 'binary') {
        seen.received.push(`binary ${[...msg.data].join(',')}`);
        await ws.sendBytes(Buffer.from([...msg.data].reverse()));
      }
    }
    seen.closeCode = ws.closeCode ?? undefined;
    return ws;
  });
  return app;
}

(haveChromium ? describe : describe.skip)('a browser talking to a weft websocket', () => {
  jest.setTimeout(TIMEOUT_MS * 2);

  test('Chromium loads the page, its websocket echoes through weft and closes cleanly', async () => {
    const seen: ServerSide = { received: [] };
    const client = await new TestClient(browserApp(seen)).start();
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        timeout: TIMEOUT_MS,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await browser.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      const response = await page.goto(`${client.baseUrl}/`, { timeout: TIMEOUT_MS });
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);

      // The page's script sets #status to 'closed …' once the close handshake is over.
      await page.locator('#status', { hasText: /^closed/ }).waitFor({ timeout: TIMEOUT_MS });
      expect(await page.locator('#log li').allTextContents()).toEqual(['text: welcome', 'text: echo: hello from the browser, é ✓', 'binary: 3,2,1']);
      expect(await page.locator('#status').textContent()).toBe('closed 1000 done true');

      expect(seen.received).toEqual(['text hello from the browser, é ✓', 'binary 1,2,3']);
      expect(seen.origin).toBe(client.baseUrl);
      await waitFor(() => seen.closeCode !== undefined);
      expect(seen.closeCode).toBe(1000);
    } finally {
      await browser?.close();
      await client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
