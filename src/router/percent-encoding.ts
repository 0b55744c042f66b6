/**
 * Percent-encoding as the router sees it, following aiohttp (which delegates to yarl):
 *
 * - Matching runs on the raw, still percent-encoded path. Route literals are "requoted"
 *   once, at startup, into the same form: `/héllo` becomes `/h%C3%A9llo`.
 * - Escapes in a request path are upper-cased before matching (`%c3%a9` → `%C3%A9`), so
 *   their hex case does not matter; nothing else is normalised: `%75` stays `%75` and does
 *   not match the literal `u`, and slashes are never merged or trimmed.
 * - A request path whose escapes are malformed (`%zz`, a lone `%`) or do not decode to
 *   UTF-8 (overlong forms, surrogates, stray continuation bytes) is a bad request.
 * - Parameter values are decoded exactly once, after matching: `%2541` gives `%41`.
 */

/** Characters a path keeps unescaped: RFC 3986 unreserved, sub-delims, `:` and `@`. */
const PATH_SAFE = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@") {
  PATH_SAFE[ch.charCodeAt(0)] = 1;
}
const PERCENT = 0x25;
const SLASH = 0x2f;
const HEX_DIGITS = '0123456789ABCDEF';
const LOWER_ESCAPE = /%[0-9a-fA-F]{2}/g;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/**
 * Validates the escapes of a raw request path and upper-cases their hex digits. Returns
 * the path to match (the same string when nothing changes), or null when the path is
 * not valid percent-encoded UTF-8. Only called for paths that contain `%`.
 *
 * @example
 * ```ts
 * normalizeRawPath('/h%c3%a9llo'); // '/h%C3%A9llo'
 * normalizeRawPath('/a%zz');       // null
 * normalizeRawPath('/%C0%AF');     // null (overlong UTF-8)
 * ```
 */
export function normalizeRawPath(rawPath: string): string | null {
  // hot path (for paths with escapes)
  let hasLower = false;
  for (let i = rawPath.indexOf('%'); i !== -1; i = rawPath.indexOf('%', i + 3)) {
    const high = rawPath.charCodeAt(i + 1);
    const low = rawPath.charCodeAt(i + 2);
    if (!isHex(high) || !isHex(low)) return null;
    if (high >= 97 || low >= 97) hasLower = true;
  }
  // decodeURIComponent implements the strict UTF-8 decoder of ECMA-262: it rejects
  // overlong forms, surrogates and truncated sequences, which is exactly the check wanted.
  try {
    decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  return hasLower ? rawPath.replace(LOWER_ESCAPE, (escape) => escape.toUpperCase()) : rawPath;
}

/**
 * Decodes one matched parameter value, once. Returns null when the value is not valid
 * percent-encoded UTF-8 (possible only when a custom regex cuts an escape in two).
 *
 * @example
 * ```ts
 * decodePathValue('A%20b');  // 'A b'
 * decodePathValue('a%2Fb');  // 'a/b'
 * decodePathValue('%2541');  // '%41'
 * ```
 */
export function decodePathValue(value: string): string | null {
  // hot path
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * Requotes the literal text of a route pattern into the raw form requests arrive in:
 * characters a path may not carry raw are percent-encoded as UTF-8, existing well-formed
 * escapes are kept (hex upper-cased), and a `%` that starts no escape becomes `%25`.
 * Throws a `URIError` for text that is not well-formed UTF-16 (a lone surrogate).
 *
 * @example
 * ```ts
 * requoteLiteral('/héllo wörld'); // '/h%C3%A9llo%20w%C3%B6rld'
 * requoteLiteral('/a%2fb');       // '/a%2Fb'
 * requoteLiteral('/100%');        // '/100%25'
 * ```
 */
export function requoteLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === PERCENT && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out += text.slice(i, i + 3).toUpperCase();
      i += 2;
    } else if (code === SLASH || (code < 128 && PATH_SAFE[code] === 1)) {
      out += text[i];
    } else {
      // a surrogate pair is encoded as one code point; a lone surrogate throws URIError
      const isPair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
      out += encodeURIComponent(isPair ? text.slice(i, i + 2) : text[i]);
      if (isPair) i++;
    }
  }
  return out;
}

/**
 * How much of a parameter value to encode: what a path cannot carry raw (`needed`), also
 * every punctuation character (`punctuation`), or every character (`all`). The last two
 * make adjacent parameters unambiguous: in `/{name}.{ext}`, name `a.b` must not give
 * `/a.b.c`.
 */
export type EscapeLevel = 'needed' | 'punctuation' | 'all';

const ALPHANUMERIC = /[A-Za-z0-9]/;

/**
 * Encodes a parameter value for a URL path, as the inverse of {@link decodePathValue}.
 * `slash: 'encode'` turns `/` into `%2F` (single-segment parameters), `'keep'` leaves it
 * (parameters whose regex spans segments). Throws a `URIError` for a lone surrogate.
 *
 * @example
 * ```ts
 * encodePathValue('a/b c', 'encode');              // 'a%2Fb%20c'
 * encodePathValue('a/b c', 'keep');                // 'a/b%20c'
 * encodePathValue('x.y', 'encode', 'punctuation'); // 'x%2Ey'
 * encodePathValue('x.y', 'encode', 'all');         // '%78%2E%79'
 * ```
 */
export function encodePathValue(value: string, slash: 'encode' | 'keep', escape: EscapeLevel = 'needed'): string {
  const encoded = encodeURIComponent(value);
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const code = encoded.charCodeAt(i);
    if (code === PERCENT) {
      const byte = parseInt(encoded.slice(i + 1, i + 3), 16);
      const keepRaw = escape === 'needed' && ((byte < 128 && PATH_SAFE[byte] === 1) || (byte === SLASH && slash === 'keep'));
      out += keepRaw ? String.fromCharCode(byte) : encoded.slice(i, i + 3);
      i += 2;
    } else if (escape === 'all' || (escape === 'punctuation' && !ALPHANUMERIC.test(encoded[i]))) {
      out += '%' + HEX_DIGITS[code >> 4] + HEX_DIGITS[code & 15];
    } else {
      out += encoded[i];
    }
  }
  return out;
}
