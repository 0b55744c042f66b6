import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/** Starts the built sample app on a free port and resolves its URL, or rejects if it exits. */
function startSampleApp(): Promise<{ child: ChildProcess; url: string }> {
  const main = path.join(__dirname, '..', 'dist', 'sample-app', 'main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const url = /Running on (http:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (url !== undefined) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`sample app exited with ${code}: ${stderr}`)));
  });
}

test('the built sample app serves its notes API, admin sub-app and home page, and stops on SIGTERM', async () => {
  const { child, url } = await startSampleApp();
  try {
    const home = await fetch(url);
    expect(home.status).toBe(200);
    expect(home.headers.get('x-powered-by')).toBe('weft');
    expect(await home.text()).toContain('weft');

    const created = await fetch(`${url}/api/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user': 'ada' },
      body: JSON.stringify({ title: 'first', body: 'hello' }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: '1', title: 'first', body: 'hello', author: 'ada' });
    expect(await (await fetch(`${url}/api/notes/1`)).json()).toMatchObject({ title: 'first' });

    const missing = await fetch(`${url}/api/notes/99`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no note 99', status: 404 });
    const invalid = await fetch(`${url}/api/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(invalid.status).toBe(400);

    // a multipart form with a title is a note too; a malformed escape under /api/ is JSON too
    const form = new FormData();
    form.set('title', 'from a form');
    const multipart = await fetch(`${url}/api/notes`, { method: 'POST', body: form });
    expect(multipart.status).toBe(201);
    expect(await multipart.json()).toMatchObject({ title: 'from a form', author: 'anonymous' });
    const badEscape = await fetch(`${url}/api/notes/%ZZ`);
    expect(badEscape.status).toBe(400);
    expect(badEscape.headers.get('content-type')).toMatch(/^application\/json/);

    expect(await (await fetch(`${url}/admin/stats`)).json()).toMatchObject({ notes: 2 });
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(0);
}, 15_000);

test('a bad LOG_LEVEL stops the sample app at startup: the coded error on stderr, exit code 1', async () => {
  const main = path.join(__dirname, '..', 'dist', 'sample-app', 'main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'bogus' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(code).toBe(1);
  expect(stderr).toBe(
    'error: startup failed: WEFT_ERR_INVALID_OPTION: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (in any case), got "bogus"\n',
  );
  expect(stdout).not.toContain('Running on');
}, 15_000);
