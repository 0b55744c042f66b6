import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findStaticFile } from './find-static-file.js';
import { checkStaticOptions, type StaticOptions, type StaticRoot } from './static-options.js';

const LIMIT = 1024;

describe('findStaticFile', () => {
  let base: string;
  let root: string;
  const settings = (options: StaticOptions = {}): StaticRoot => checkStaticOptions('/static', root, options);

  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-find-')));
    root = path.join(base, 'public');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    writeFileSync(path.join(base, 'secret.txt'), 'secret');
    writeFileSync(path.join(root, 'small.txt'), 'small');
    writeFileSync(path.join(root, 'large.bin'), Buffer.alloc(LIMIT + 1, 'x'));
    writeFileSync(path.join(root, 'empty.txt'), '');
    writeFileSync(path.join(root, 'sub', 'a.txt'), 'A');
    writeFileSync(path.join(root, 'odd (deleted)'), 'a real name with the kernel suffix');
    symlinkSync(path.join(root, 'small.txt'), path.join(root, 'link-in.txt'));
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
    symlinkSync(base, path.join(root, 'dir-out'));
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('reads a small regular file whole, with the stats of the file read', async () => {
    const found = await findStaticFile(settings(), 'small.txt', LIMIT);
    expect(found?.path).toBe(path.join(root, 'small.txt'));
    expect(found?.body?.toString()).toBe('small');
    expect(found?.stats.size).toBe(5n);
    expect((await findStaticFile(settings(), 'empty.txt', LIMIT))?.body?.length).toBe(0);
  });

  test('leaves a file above the limit, a directory and a FIFO unread', async () => {
    const large = await findStaticFile(settings(), 'large.bin', LIMIT);
    expect(large?.body).toBeNull();
    expect(large?.stats.isFile()).toBe(true);
    const directory = await findStaticFile(settings(), 'sub', LIMIT);
    expect(directory?.stats.isDirectory()).toBe(true);
    expect(directory?.body).toBeNull();
    const pipe = await findStaticFile(settings(), 'pipe', LIMIT);
    expect(pipe?.stats.isFIFO()).toBe(true);
    expect(pipe?.body).toBeNull();
    expect((await findStaticFile(settings(), 'small.txt', -1))?.body).toBeNull();
  });

  test('refuses bad names, missing files and links out of the root', async () => {
    for (const name of ['../secret.txt', 'sub/../../secret.txt', 'nope.txt', 'link-out.txt', 'dir-out/secret.txt', 'small.txt/x', 'a\0b']) {
      expect(await findStaticFile(settings(), name, LIMIT)).toBeNull();
    }
  });

  test('serves links inside the root under their real path', async () => {
    const found = await findStaticFile(settings(), 'link-in.txt', LIMIT);
    expect(found?.path).toBe(path.join(root, 'small.txt'));
    expect(found?.body?.toString()).toBe('small');
  });

  test('followSymlinks serves links out, by the joined path, or the real one for precompressed', async () => {
    const followed = await findStaticFile(settings({ followSymlinks: true }), 'link-out.txt', LIMIT);
    expect(followed?.path).toBe(path.join(root, 'link-out.txt'));
    expect(followed?.body?.toString()).toBe('secret');
    const precompressed = await findStaticFile(settings({ followSymlinks: true, precompressed: true }), 'link-out.txt', LIMIT);
    expect(precompressed?.path).toBe(path.join(base, 'secret.txt'));
    expect(await findStaticFile(settings({ followSymlinks: true }), '../secret.txt', LIMIT)).toBeNull();
  });

  test('a name ending in " (deleted)" is still served', async () => {
    const found = await findStaticFile(settings(), 'odd (deleted)', LIMIT);
    expect(found?.path).toBe(path.join(root, 'odd (deleted)'));
    expect(found?.body?.toString()).toBe('a real name with the kernel suffix');
  });

  test('reads the file as it is now: a change shows at the next call', async () => {
    const file = path.join(root, 'changing.txt');
    writeFileSync(file, 'one');
    expect((await findStaticFile(settings(), 'changing.txt', LIMIT))?.body?.toString()).toBe('one');
    writeFileSync(file, 'two, longer');
    const found = await findStaticFile(settings(), 'changing.txt', LIMIT);
    expect(found?.body?.toString()).toBe('two, longer');
    expect(found?.stats.size).toBe(11n);
  });

  test('closes every file it opens, found or refused', async () => {
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 50; i++) {
      await Promise.all(['small.txt', 'large.bin', 'sub', 'pipe', 'link-out.txt', 'nope'].map((name) => findStaticFile(settings(), name, LIMIT)));
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // closes are not awaited
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });
});

describe('findStaticFile without /proc', () => {
  test('falls back to realpath and keeps every containment rule', async () => {
    const base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-find-noproc-')));
    const root = path.join(base, 'public');
    mkdirSync(root);
    writeFileSync(path.join(base, 'secret.txt'), 'secret');
    writeFileSync(path.join(root, 'small.txt'), 'small');
    symlinkSync(path.join(root, 'small.txt'), path.join(root, 'link-in.txt'));
    symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link-out.txt'));
    const readlinkSync = jest.fn(() => {
      throw new Error('ENOENT: no /proc');
    });
    try {
      await jest.isolateModulesAsync(async () => {
        jest.doMock('node:fs', () => ({ ...jest.requireActual('node:fs'), readlinkSync }));
        const isolated = (await import('./find-static-file.js')) as typeof import('./find-static-file.js');
        const settings = checkStaticOptions('/static', root, {});
        expect((await isolated.findStaticFile(settings, 'link-in.txt', LIMIT))?.path).toBe(path.join(root, 'small.txt'));
        expect(await isolated.findStaticFile(settings, 'link-out.txt', LIMIT)).toBeNull();
        expect((await isolated.findStaticFile(settings, 'small.txt', LIMIT))?.body?.toString()).toBe('small');
      });
      // tried once where the platform has /proc, then never again
      expect(readlinkSync).toHaveBeenCalledTimes(process.platform === 'linux' ? 1 : 0);
    } finally {
      jest.dontMock('node:fs');
      rmSync(base, { recursive: true, force: true });
    }
  });
});
