import { contentType } from 'mime-types';
import { extname } from 'node:path';
import { fileContentType } from './file-content-type.js';

describe('fileContentType', () => {
  test.each(['/srv/site.css', '/srv/SITE.CSS', '/srv/.css', '/srv/a.tar.gz', '/srv/README', '/srv/.bashrc', '/srv/app.js', '/srv/x.unknownext', '/srv/dir.d/file', '/srv/a.', '/srv/x.html'])(
    'agrees with mime-types on the extension node reads for %s, also when cached',
    (path) => {
      const extension = extname(path);
      const expected = (extension !== '' && contentType(extension)) || 'application/octet-stream';
      expect(fileContentType(path)).toBe(expected);
      expect(fileContentType(path)).toBe(expected);
    },
  );

  test('a name that is only an extension, or a dotfile, has none: octet-stream, never a page', () => {
    for (const name of ['/srv/html', '/srv/svg', '/srv/js', '/srv/css', '/srv/.css', '/srv/.html', '/srv/up/HTML']) {
      expect(fileContentType(name)).toBe('application/octet-stream');
    }
  });

  test('gives text types their charset and unknown ones octet-stream', () => {
    expect(fileContentType('/a/b.txt')).toBe('text/plain; charset=utf-8');
    expect(fileContentType('/a/b.zzz-none')).toBe('application/octet-stream');
  });
});
