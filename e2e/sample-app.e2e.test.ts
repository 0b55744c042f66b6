import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

test('the built sample app answers GET /', async () => {
  const main = path.join(__dirname, '..', 'dist', 'sample-app', 'main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = /listening on (\S+)/.exec(line.toString())?.[1];
    expect(url).toBeDefined();
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('weft');
  } finally {
    child.kill('SIGTERM');
  }
});
