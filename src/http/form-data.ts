/**
 * Parsing HTML form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`)
 * into a WHATWG `FormData`, through `@fastify/busboy`. Uploads become `File` entries.
 * Every limit breach is a 413 naming the limit; a malformed body is a 400.
 */
import { Busboy, type BusboyConfig, type BusboyFileStream } from '@fastify/busboy';
import { File } from 'node:buffer';
import { HTTPBadRequest, HTTPRequestEntityTooLarge, type HttpError } from './http-errors.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions, isLimit, shownValue } from '../option-checks.js';

/**
 * Limits on a form body, on top of the route's `clientMaxSize` (which bounds the whole body).
 *
 * @example
 * ```ts
 * await request.formData({ limits: { files: 3, fileSize: 5_000_000 } });
 * ```
 */
export interface FormDataLimits {
  /** Longest field name, in bytes (urlencoded bodies); 1024 by default. */
  fieldNameSize?: number;
  /** Longest non-file field value, in bytes; unlimited by default. */
  fieldSize?: number;
  /** Most non-file fields; unlimited by default. */
  fields?: number;
  /** Largest file, in bytes; unlimited by default. */
  fileSize?: number;
  /** Most files; unlimited by default. */
  files?: number;
  /** Most parts (fields and files); unlimited by default. */
  parts?: number;
  /** Most header lines per multipart part; 2000 by default. */
  headerPairs?: number;
}

/**
 * Options of `request.formData()`.
 *
 * @example
 * ```ts
 * const form = await request.formData({ limits: { fields: 50 } });
 * ```
 */
export interface FormDataOptions {
  limits?: FormDataLimits;
}

const LIMIT_NAMES: readonly string[] = ['fieldNameSize', 'fieldSize', 'fields', 'fileSize', 'files', 'parts', 'headerPairs'];

/**
 * Checks `request.formData()`'s options before the body is read: a misspelt limit
 * (`filesize`) would be no limit at all, and `'5mb'` would never be exceeded.
 *
 * @example
 * ```ts
 * checkFormDataOptions({ limits: { filesize: 5_000_000 } }); // throws: unknown option "filesize"
 * ```
 * @throws WeftError `WEFT_ERR_INVALID_OPTION` naming the option.
 */
export function checkFormDataOptions(options: unknown): void {
  const where = 'request.formData()';
  checkKnownOptions(options, ['limits'], where);
  const { limits } = options as FormDataOptions;
  if (limits === undefined) return;
  checkKnownOptions(limits, LIMIT_NAMES, `${where} limits`);
  for (const [name, value] of Object.entries(limits) as Array<[string, unknown]>) {
    if (value !== undefined && !isLimit(value)) {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `${where}: limits.${name} must be a non-negative integer (or Infinity), got ${shownValue(value)}`);
    }
  }
}

/** A form limit was crossed: `limit` bytes or items, and at least one more was seen. */
function tooLarge(limit: number, detail: string): HttpError {
  return new HTTPRequestEntityTooLarge(limit, limit + 1, { text: detail });
}

/**
 * Parses a complete form body. `contentType` is the request's full `Content-Type` value
 * (with the multipart boundary).
 *
 * @throws HTTPBadRequest for malformed bodies (missing boundary, truncated multipart).
 * @throws HTTPRequestEntityTooLarge when a limit of `options.limits` is exceeded.
 * @example
 * ```ts
 * const form = await parseFormData(body, 'application/x-www-form-urlencoded');
 * form.get('name');
 * ```
 */
export function parseFormData(body: Buffer, contentType: string, options: FormDataOptions = {}): Promise<FormData> {
  const limits = { ...options.limits, fieldNameSize: options.limits?.fieldNameSize ?? 1024, fieldSize: options.limits?.fieldSize ?? Infinity };
  const maxFields = limits.fields ?? Infinity;
  // busboy's urlencoded parser drops fields past the limit silently when the body comes in
  // one write: let one more through and count them here
  const config: BusboyConfig = { headers: { 'content-type': contentType }, limits: { ...limits, fields: maxFields + 1 } };
  return new Promise<FormData>((resolve, reject) => {
    // entries in body order; a file's slot is filled when its stream ends
    const entries: Array<[string, string | File]> = [];
    let failed = false;
    const fail = (error: HttpError): void => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy(config);
    } catch (err) {
      fail(new HTTPBadRequest({ text: `Invalid form body: ${(err as Error).message}`, cause: err }));
      return;
    }
    let fields = 0;
    // RFC 7578 4.2: every part names its field; busboy passes undefined for one that does not
    const nameless = (): void => fail(new HTTPBadRequest({ text: 'Invalid form body: a part has no name (Content-Disposition: form-data; name="...")' }));
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if ((name as string | undefined) === undefined) nameless();
      else if (++fields > maxFields) fail(tooLarge(maxFields, `Form has more than ${maxFields} fields (the fields limit)`));
      else if (nameTruncated) fail(tooLarge(limits.fieldNameSize, `Form field name longer than the fieldNameSize limit (${limits.fieldNameSize} bytes)`));
      else if (valueTruncated) fail(tooLarge(limits.fieldSize, `Form field "${name}" is longer than the fieldSize limit (${limits.fieldSize} bytes)`));
      else entries.push([name, value]);
    });
    parser.on('file', (name: string, stream: BusboyFileStream, filename: string, _encoding: string, mimeType: string) => {
      if ((name as string | undefined) === undefined) {
        nameless();
        stream.resume();
        return;
      }
      const slot = entries.push([name, '']) - 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(limits.fileSize!, `File "${filename}" in field "${name}" is larger than the fileSize limit (${limits.fileSize} bytes)`)));
      stream.on('end', () => {
        entries[slot] = [name, new File(chunks, filename ?? '', { type: mimeType })];
      });
    });
    parser.on('partsLimit', () => fail(tooLarge(limits.parts!, `Form has more than ${limits.parts} parts (the parts limit)`)));
    parser.on('filesLimit', () => fail(tooLarge(limits.files!, `Form has more than ${limits.files} files (the files limit)`)));
    parser.on('error', (err: unknown) => {
      fail(new HTTPBadRequest({ text: `Invalid form body: ${(err as Error).message}`, cause: err }));
    });
    parser.on('finish', () => {
      if (failed) return;
      const form = new FormData();
      for (const [name, value] of entries) form.append(name, value as string | Blob);
      resolve(form);
    });
    parser.end(body);
  });
}
