/**
 * `Accept-Encoding` for precompressed siblings: which of `br` and `gzip` a client takes.
 */

/** The encodings weft serves precompressed, best first, with their file suffix. */
export const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * The encodings of `PRECOMPRESSED` the client accepts, best first. `q=0` refuses an
 * encoding (aiohttp serves `.gz` even then); `*` stands for any encoding not named.
 *
 * @example
 * ```ts
 * acceptedEncodings('gzip, br;q=0'); // ['gzip']
 * acceptedEncodings(undefined);      // []
 * ```
 */
export function acceptedEncodings(header: string | undefined): Array<(typeof PRECOMPRESSED)[number]> {
  if (header === undefined || header === '') return [];
  const quality = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (token === '') continue;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param);
      if (match !== null) q = Number(match[1]);
    }
    quality.set(token === 'x-gzip' ? 'gzip' : token, Number.isNaN(q) ? 0 : q);
  }
  const star = quality.get('*');
  return PRECOMPRESSED.filter(({ encoding }) => (quality.get(encoding) ?? star ?? 0) > 0);
}
