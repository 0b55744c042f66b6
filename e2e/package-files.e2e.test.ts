import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..');

test("the published package holds every docs/ page README.md links to", async () => {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
  const packed = new Set((JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path));
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const linked = [...new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((match) => match[1]!))];
  expect(linked.length).toBeGreaterThan(0);
  expect(linked.filter((page) => !packed.has(page))).toEqual([]);
}, 30_000);
