import { contentType } from 'mime-types';
import { basename } from 'node:path';
import { fileContentType } from './file-content-type.js';

describe('fileContentType', () => {
  test.each(['/srv/site.css', '/srv/SITE.CSS', '/srv/.css', '/srv/a.tar.gz', '/srv/README', '/srv/.bashrc', '/srv/app.js', '/srv/x.unknownext', '/srv/dir.d/file', '/srv/a.', '/srv/x.html'])(
    'agrees with mime-types for %s, also when cached',
    (path) => {
      const expected = contentType(basename(path)) || 'application/octet-stream';
      expect(fileContentType(path)).toBe(expected);
      expect(fileContentType(path)).toBe(expected);
    },
  );

  test('gives text types their charset and unknown ones octet-stream', () => {
    expect(fileContentType('/a/b.txt')).toBe('text/plain; charset=utf-8');
    expect(fileContentType('/a/b.zzz-none')).toBe('application/octet-stream');
  });
});
