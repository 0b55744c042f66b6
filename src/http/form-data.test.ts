import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { HTTPBadRequest, HTTPRequestEntityTooLarge, HttpError } from './http-errors.js';
import { checkFormDataOptions, parseFormData } from './form-data.js';
import { Request } from './request.js';
import { json } from './response.js';
import { sendResponse } from './send-response.js';

const BOUNDARY = '----weft-test-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.type !== undefined) head += `Content-Type: ${part.type}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('expected a rejection');
}

describe('parseFormData', () => {
  it('parses urlencoded bodies with repeated fields', async () => {
    const form = await parseFormData(Buffer.from('a=1&a=2&b=x+y%21&empty=&caf%C3%A9=%E2%9C%93'), 'application/x-www-form-urlencoded');
    expect(form.getAll('a')).toEqual(['1', '2']);
    expect(form.get('b')).toBe('x y!');
    expect(form.get('empty')).toBe('');
    expect(form.get('café')).toBe('✓');
  });

  it('parses multipart fields and files in body order, bytes intact', async () => {
    const binary = Buffer.from([0, 255, 13, 10, 45, 45, 1]);
    const form = await parseFormData(
      multipart([
        { name: 'title', value: 'Holiday' },
        { name: 'photo', value: binary, filename: 'beach.png', type: 'image/png' },
        { name: 'note', value: 'ünïcode' },
        { name: 'doc', value: 'plain', filename: 'readme.txt' },
      ]),
      MULTIPART,
    );
    expect([...form.keys()]).toEqual(['title', 'photo', 'note', 'doc']);
    expect(form.get('title')).toBe('Holiday');
    expect(form.get('note')).toBe('ünïcode');
    const photo = form.get('photo') as File;
    expect(photo).toBeInstanceOf(Blob);
    expect(photo.name).toBe('beach.png');
    expect(photo.type).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(binary);
    const doc = form.get('doc') as File;
    expect(doc.type).toBe('text/plain');
    expect(await doc.text()).toBe('plain');
  });

  it('answers 400 for a multipart body without boundary or truncated', async () => {
    let error = await rejection(parseFormData(Buffer.from('x'), 'multipart/form-data'));
    expect(error).toBeInstanceOf(HTTPBadRequest);
    expect(error.text).toBe('Invalid form body: Multipart: Boundary not found');
    error = await rejection(parseFormData(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished`), MULTIPART));
    expect(error.status).toBe(400);
    expect(error.text).toMatch(/^Invalid form body: Unexpected end of/);
  });

  it.each([
    ['a field without a name', 'Content-Disposition: form-data\r\n\r\nvalue'],
    ['a file without a name', 'Content-Disposition: form-data; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nbytes'],
  ])('answers 400 for %s (RFC 7578 4.2), not a field called "undefined"', async (_case, part) => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="ok"\r\n\r\n1\r\n--${BOUNDARY}\r\n${part}\r\n--${BOUNDARY}--\r\n`);
    const error = await rejection(parseFormData(body, MULTIPART));
    expect(error).toBeInstanceOf(HTTPBadRequest);
    expect(error.text).toBe('Invalid form body: a part has no name (Content-Disposition: form-data; name="...")');
  });

  it.each<[string, object, Buffer, string, string]>([
    ['files', { files: 1 }, multipart([{ name: 'a', value: 'x', filename: 'a' }, { name: 'b', value: 'y', filename: 'b' }]), MULTIPART, 'Form has more than 1 files (the files limit)'],
    ['fileSize', { fileSize: 3 }, multipart([{ name: 'f', value: 'toolong', filename: 'f.txt' }]), MULTIPART, 'File "f.txt" in field "f" is larger than the fileSize limit (3 bytes)'],
    ['fields', { fields: 1 }, Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded', 'Form has more than 1 fields (the fields limit)'],
    ['parts', { parts: 1 }, multipart([{ name: 'a', value: '1' }, { name: 'b', value: '2' }]), MULTIPART, 'Form has more than 1 parts (the parts limit)'],
    ['fieldSize', { fieldSize: 2 }, multipart([{ name: 'a', value: 'abc' }]), MULTIPART, 'Form field "a" is longer than the fieldSize limit (2 bytes)'],
    ['fieldNameSize', {}, Buffer.from(`${'n'.repeat(1100)}=1`), 'application/x-www-form-urlencoded', 'Form field name longer than the fieldNameSize limit (1024 bytes)'],
  ])('answers 413 naming the %s limit', async (_limit, limits, body, contentType, message) => {
    const error = await rejection(parseFormData(body, contentType, { limits }));
    expect(error).toBeInstanceOf(HTTPRequestEntityTooLarge);
    expect(error.status).toBe(413);
    expect(error.text).toBe(message);
  });
});

describe('checkFormDataOptions', () => {
  it.each<[string, unknown, string]>([
    // a misspelt limit would be no limit at all: busboy ignores keys it does not know
    ['a misspelt limit', { limits: { filesize: 5_000_000 } }, 'request.formData() limits: unknown option "filesize" (known: fieldNameSize, fieldSize, fields, fileSize, files, parts, headerPairs)'],
    ['a misspelt option', { limit: { files: 1 } }, 'request.formData(): unknown option "limit" (known: limits)'],
    ['a limit that is not a number', { limits: { fileSize: '5mb' } }, 'request.formData(): limits.fileSize must be a non-negative integer (or Infinity), got "5mb"'],
    ['a negative limit', { limits: { fields: -1 } }, 'request.formData(): limits.fields must be a non-negative integer'],
  ])('refuses %s', (_label, options, message) => {
    expect(() => checkFormDataOptions(options)).toThrow(`WEFT_ERR_INVALID_OPTION: ${message}`);
  });

  it('takes the known limits, Infinity and none', () => {
    expect(() => checkFormDataOptions({ limits: { fields: 50, fileSize: Infinity, files: undefined } })).not.toThrow();
    expect(() => checkFormDataOptions({})).not.toThrow();
  });
});

describe('request.formData() over a real socket', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const request = new Request(req, res);
      void (async () => {
        try {
          const form = await request.formData();
          const out: Record<string, unknown> = {};
          for (const [name, value] of form) out[name] = typeof value === 'string' ? value : { name: value.name, type: value.type, text: await value.text() };
          await sendResponse(request, json(out));
        } catch (err) {
          await sendResponse(request, (err as HttpError).toResponse());
        }
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('parses an upload sent by a real client', async () => {
    const form = new FormData();
    form.append('title', 'Report');
    form.append('file', new Blob(['quarterly numbers'], { type: 'text/csv' }), 'q3.csv');
    const response = await fetch(url, { method: 'POST', body: form });
    expect(await response.json()).toEqual({ title: 'Report', file: { name: 'q3.csv', type: 'text/csv', text: 'quarterly numbers' } });
  });

  it('parses a urlencoded form sent by a real client', async () => {
    const response = await fetch(url, { method: 'POST', body: new URLSearchParams([['q', 'a b'], ['q', 'c']]) });
    expect(await response.json()).toEqual({ q: 'c' });
  });

  it('answers 415 for other content types', async () => {
    const response = await fetch(url, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(415);
    expect(await response.text()).toBe('Unsupported Media Type: expected application/x-www-form-urlencoded or multipart/form-data, got application/json');
  });
});
