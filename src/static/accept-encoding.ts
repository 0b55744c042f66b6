/**
 * `Accept-Encoding` for precompressed siblings: which of `br` and `gzip` a client takes.
 */

/** The encodings weft serves precompressed, best first, with their file suffix. */
export const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/**
 * The encodings of `PRECOMPRESSED` the client accepts, the client's preference first (higher
 * `q`), then ours (`br` before `gzip`). `q=0` refuses an encoding (aiohttp serves `.gz`
 * even then); `*` stands for any encoding not named. One the client likes less than the
 * unencoded file (`identity` with a higher `q`, named or through `*`) is left out: the
 * plain file is served instead.
 *
 * @example
 * ```ts
 * acceptedEncodings('gzip, br;q=0');          // ['gzip']
 * acceptedEncodings('br;q=0.5, gzip');        // ['gzip', 'br']
 * acceptedEncodings('gzip;q=0.1, identity');  // []: the plain file
 * acceptedEncodings(undefined);               // []
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
  const q = (encoding: string): number => quality.get(encoding) ?? star ?? 0;
  // identity not named is acceptable but no preference (RFC 9110 12.5.3): encodings win
  const identity = q('identity');
  // sort is stable: equal q keeps PRECOMPRESSED's order
  return PRECOMPRESSED.filter(({ encoding }) => q(encoding) > 0 && q(encoding) >= identity).sort((a, b) => q(b.encoding) - q(a.encoding));
}
