import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// Every relative link of the Markdown pages leads somewhere: the file exists and, for a
// `#fragment` into a page, the page has that heading (GitHub's anchors).

const ROOT = join(__dirname, '..');
const PAGES = ['README.md', 'CHANGELOG.md', 'bench/README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => anchorOf(match[1])));
}

function brokenLinks(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const broken: string[] = [];
  for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(link)) continue; // https:, mailto:
    const [file, fragment] = link.split('#');
    const target = file === '' ? page : relative(ROOT, normalize(join(dirname(join(ROOT, page)), file)));
    if (!existsSync(join(ROOT, target))) broken.push(`${page}: ${link} (no ${target})`);
    else if (fragment !== undefined && target.endsWith('.md') && !anchorsOf(target).has(fragment)) broken.push(`${page}: ${link} (no heading #${fragment} in ${target})`);
  }
  return broken;
}

test('the pages checked include the README and every docs/ page', () => {
  expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/http.md', 'docs/container.md']));
});

test('GitHub anchors as the links use them', () => {
  expect(anchorOf('Interop: inversify and tsyringe')).toBe('interop-inversify-and-tsyringe');
  expect(anchorOf('`app.static()` and dotfiles')).toBe('appstatic-and-dotfiles');
});

test.each(PAGES)('every relative link of %s resolves', (page) => {
  expect(brokenLinks(page)).toEqual([]);
});
