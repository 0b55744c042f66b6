/**
 * The HTML index of a directory for `app.static(..., { showIndex: true })`. Unlike
 * aiohttp's, names are HTML-escaped and links percent-encoded, so a file named
 * `<script>` is shown, not run.
 */
import { readdir } from 'node:fs/promises';
import { Response } from '../http/response.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Builds the listing of `directory` (a real path), shown as `urlPath`, with links under it.
 * `urlPath` is the decoded path of the directory relative to the site, such as
 * `/static/img`; each segment is percent-encoded in the links. Entries whose name starts
 * with `.` are left out unless `showDotfiles` (a static route's `dotfiles: 'allow'`),
 * `.well-known` too: it is served, not advertised.
 *
 * @example
 * ```ts
 * const response = await directoryListing('/srv/public/img', '/static/img', false);
 * ```
 */
export async function directoryListing(directory: string, urlPath: string, showDotfiles: boolean): Promise<Response> {
  const all = await readdir(directory, { withFileTypes: true });
  const entries = showDotfiles ? all : all.filter((entry) => !entry.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const base = urlPath.replace(/\/+$/, '').split('/').map(encodeURIComponent).join('/');
  const items = entries.map((entry) => {
    const suffix = entry.isDirectory() ? '/' : '';
    const href = `${base}/${encodeURIComponent(entry.name)}${suffix}`;
    return `<li><a href="${escapeHtml(href)}">${escapeHtml(entry.name + suffix)}</a></li>`;
  });
  const title = escapeHtml(`Index of ${urlPath.endsWith('/') ? urlPath : urlPath + '/'}`);
  const html = `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body>\n<h1>${title}</h1>\n<ul>\n${items.join('\n')}\n</ul>\n</body>\n</html>\n`;
  return new Response({ text: html, contentType: 'text/html' });
}
