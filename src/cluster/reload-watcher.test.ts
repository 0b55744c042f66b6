import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCode, isIgnored, ReloadWatcher, reloadOnChange } from './reload-watcher.js';

let dir: string;
let watcher: ReloadWatcher | undefined;
let calls: string[][];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'weft-reload-'));
  mkdirSync(path.join(dir, 'routes'));
  mkdirSync(path.join(dir, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(path.join(dir, '.git'));
  calls = [];
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(debounceMs = 100): ReloadWatcher {
  watcher = new ReloadWatcher({ directory: dir, debounceMs, onChange: (files) => calls.push(files) }).start();
  return watcher;
}

/** Waits until `onChange` was called `count` times, then a while longer to see that no other call follows. */
async function settle(count: number, quietMs = 400): Promise<void> {
  for (let i = 0; i < 100 && calls.length < count; i++) await sleep(50);
  await sleep(quietMs);
}

test('isIgnored: node_modules, dotfiles and dot directories, editor backups', () => {
  expect(isIgnored('app.js')).toBe(false);
  expect(isIgnored('routes/users.js')).toBe(false);
  expect(isIgnored('node_modules/pino/index.js')).toBe(true);
  expect(isIgnored('lib/node_modules/x.js')).toBe(true);
  expect(isIgnored('.git/index')).toBe(true);
  expect(isIgnored('.env')).toBe(true);
  expect(isIgnored('routes/.users.js.swp')).toBe(true);
  expect(isIgnored('routes/users.js~')).toBe(true);
  expect(isIgnored('my.node_modules.js')).toBe(false);
});

test('watches every directory but the ignored ones', () => {
  expect(start().watched.sort()).toEqual([dir, path.join(dir, 'routes')].sort());
});

test('a burst of changes within the debounce makes one call naming every file, in order', async () => {
  start();
  writeFileSync(path.join(dir, 'app.js'), '1');
  await sleep(20);
  writeFileSync(path.join(dir, 'routes', 'users.js'), '2');
  writeFileSync(path.join(dir, 'app.js'), '3');
  await settle(1);
  expect(calls).toEqual([['app.js', path.join('routes', 'users.js')]]);

  // a later change is a second call
  writeFileSync(path.join(dir, 'routes', 'users.js'), '4');
  await settle(2);
  expect(calls).toEqual([['app.js', path.join('routes', 'users.js')], [path.join('routes', 'users.js')]]);
});

test('the call comes only once changes are quiet for debounceMs', async () => {
  start(300);
  writeFileSync(path.join(dir, 'app.js'), '1');
  await sleep(150);
  writeFileSync(path.join(dir, 'app.js'), '2');
  await sleep(200); // 350 ms after the first write, 200 ms after the second
  expect(calls).toEqual([]);
  await settle(1);
  expect(calls).toEqual([['app.js']]);
});

test('changes in node_modules, .git and dotfiles are ignored', async () => {
  start();
  writeFileSync(path.join(dir, 'node_modules', 'dep', 'index.js'), 'x');
  writeFileSync(path.join(dir, 'node_modules', 'top.js'), 'x');
  writeFileSync(path.join(dir, '.git', 'index'), 'x');
  writeFileSync(path.join(dir, '.env'), 'x');
  writeFileSync(path.join(dir, 'routes', '.users.js.swp'), 'x');
  await sleep(500);
  expect(calls).toEqual([]);
});

test('a directory created later is watched too', async () => {
  start();
  mkdirSync(path.join(dir, 'services'));
  await settle(1);
  expect(calls).toEqual([['services']]);
  expect(watcher!.watched).toContain(path.join(dir, 'services'));
  writeFileSync(path.join(dir, 'services', 'mail.js'), 'x');
  await settle(2);
  expect(calls[1]).toEqual([path.join('services', 'mail.js')]);
});

test('only files node loads reload: a log, a database or an upload the app writes beside its code do not', async () => {
  expect(['app.js', 'esm.mjs', 'cjs.cjs', 'APP.JS', 'app.ts', 'm.mts', 'config.json', 'addon.node', 'views/page.njk'].every(isCode)).toBe(true);
  expect(['app-events.log', 'data.sqlite', 'uploads/a.png', 'app.js.map', 'notes.txt'].some(isCode)).toBe(false);
  start();
  writeFileSync(path.join(dir, 'app-events.log'), 'started\n');
  writeFileSync(path.join(dir, 'routes', 'data.sqlite'), 'x');
  await sleep(500);
  expect(calls).toEqual([]);
  writeFileSync(path.join(dir, 'routes', 'users.js'), 'x');
  await settle(1);
  expect(calls).toEqual([[path.join('routes', 'users.js')]]);
});

test('close() stops watching and drops a pending call', async () => {
  start();
  writeFileSync(path.join(dir, 'app.js'), '1');
  watcher!.close();
  expect(watcher!.watched).toEqual([]);
  writeFileSync(path.join(dir, 'app.js'), '2');
  await sleep(400);
  expect(calls).toEqual([]);
});

test('a directory that does not exist is an error at start', () => {
  expect(() => new ReloadWatcher({ directory: path.join(dir, 'missing'), onChange: () => {} }).start()).toThrow(/ENOENT/);
});

test('reloadOnChange asks for one restart per burst, naming the changed file, and logs what it watches', async () => {
  const reasons: string[] = [];
  const logged: string[] = [];
  const logger = { info: (_fields: object, message: string) => logged.push(message) } as unknown as Parameters<typeof reloadOnChange>[2];
  const stop = reloadOnChange(dir, { restart: (reason) => reasons.push(reason) }, logger);
  try {
    expect(logged).toEqual([`--reload: watching ${dir} (2 directories; node_modules and dotfiles ignored)`]);
    writeFileSync(path.join(dir, 'app.js'), '1');
    writeFileSync(path.join(dir, 'routes', 'users.js'), '1');
    for (let i = 0; i < 100 && reasons.length === 0; i++) await sleep(50);
    await sleep(300);
    expect(reasons).toEqual([`reloading: ${path.relative(process.cwd(), path.join(dir, 'app.js'))} changed (and 1 more)`]);
  } finally {
    stop();
  }
});
