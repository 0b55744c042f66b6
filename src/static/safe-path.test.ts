import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkName, isDotfileName, isInside, resolveInsideSync } from './safe-path.js';

describe('checkName', () => {
  test.each(['../x', 'a/../../x', '..', 'a\\..\\x', 'a\0b', '/etc/passwd', 'x'.repeat(5000)])('refuses %j', (name) => {
    expect(checkName(name)).toBeNull();
  });

  test.each([
    ['css/site.css', ['css', 'site.css']],
    ['./a', ['.', 'a']],
    ['%2e%2e', ['%2e%2e']],
    ['...', ['...']],
    ['', ['']],
  ])('accepts %j', (name, segments) => {
    expect(checkName(name)).toEqual(segments);
  });
});

describe('isDotfileName', () => {
  test.each(['.env', '.git/config', '.git/', 'sub/.npmrc', 'a/b/.c/d', './.env', 'a//.env', '..', '...', '.well-known/.secret', 'sub/.well-known/x', '.well-known/acme-challenge/.x'])(
    'a dotfile: %j',
    (name) => {
      expect(isDotfileName(name)).toBe(true);
    },
  );

  test.each(['', '.', './a', 'app.min.js', 'css/site.css.gz', 'a./b', 'a/b.', '%2eenv', '.well-known', '.well-known/', '.well-known/acme-challenge/token', './.well-known/x'])(
    'not a dotfile: %j',
    (name) => {
      expect(isDotfileName(name)).toBe(false);
    },
  );
});

describe('isInside', () => {
  test('a sibling sharing the prefix is outside', () => {
    expect(isInside('/srv/public', '/srv/public-secret/x')).toBe(false);
    expect(isInside('/srv/public', '/srv/public/x')).toBe(true);
    expect(isInside('/srv/public', '/srv/public')).toBe(true);
    expect(isInside('/', '/etc/passwd')).toBe(true);
  });
});

describe('resolveInsideSync', () => {
  let base: string;
  let root: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(tmpdir(), 'weft-safe-')));
    root = path.join(base, 'root');
    mkdirSync(root);
    writeFileSync(path.join(base, 'secret'), 's');
    writeFileSync(path.join(root, 'file'), 'f');
    symlinkSync(path.join(base, 'secret'), path.join(root, 'out'));
    symlinkSync(path.join(root, 'file'), path.join(root, 'in'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  test('resolves inside, refuses links out unless followed, refuses missing files', () => {
    expect(resolveInsideSync(root, 'file', false)).toBe(path.join(root, 'file'));
    expect(resolveInsideSync(root, 'in', false)).toBe(path.join(root, 'file'));
    expect(resolveInsideSync(root, 'out', false)).toBeNull();
    expect(resolveInsideSync(root, 'out', true)).toBe(path.join(base, 'secret'));
    expect(resolveInsideSync(root, 'nope', false)).toBeNull();
    expect(resolveInsideSync(root, '../secret', true)).toBeNull();
  });
});
