/**
 * Media types (RFC 9110 §8.3.1) and content negotiation (§12.5.1): the one parser weft
 * uses for `Content-Type`, `Accept` and route `accept:` predicates.
 *
 * Parsing is strict on the `type/subtype` pair (both must be tokens) and lenient on
 * parameters, like browsers' MIME sniffing: a malformed parameter is skipped rather than
 * failing the whole value, and the first occurrence of a parameter name wins.
 */

/**
 * A parsed media type: `text/html; charset=utf-8`.
 *
 * @example
 * ```ts
 * const type = parseMediaType(request.headers.get('content-type') ?? '');
 * if (type?.essence === 'text/csv') parseCsv(await request.text());
 * ```
 */
export interface MediaType {
  /** Lowercased top-level type: `text`. */
  readonly type: string;
  /** Lowercased subtype: `html`. */
  readonly subtype: string;
  /** `type/subtype`, lowercased, without parameters: `text/html`. */
  readonly essence: string;
  /** Parameters: names lowercased, values unquoted and case preserved. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * One media range of an `Accept` header, with its weight.
 *
 * @example
 * ```ts
 * const [preferred] = parseAccept(request.headers.get('accept') ?? 'text/html');
 * preferred.q; // 1
 * ```
 */
export interface MediaRange {
  /** Lowercased type, or `*`. */
  readonly type: string;
  /** Lowercased subtype, or `*`. */
  readonly subtype: string;
  /** Parameters before the weight (`text/html;level=1;q=0.5` → `{ level: '1' }`). */
  readonly params: Readonly<Record<string, string>>;
  /** The weight `q`, 0 to 1; 1 when absent. */
  readonly q: number;
}

// RFC 9110 tchar: ALPHA / DIGIT / "!#$%&'*+-.^_`|~"
const TOKEN = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN[ch.charCodeAt(0)] = 1;
}

const SPACE = 0x20;
const TAB = 0x09;
const SLASH = 0x2f;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const COMMA = 0x2c;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function isToken(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/**
 * Whether `value` is a non-empty RFC 9110 token (header names, cookie names, parameter names).
 *
 * @example
 * ```ts
 * isTokenString('X-Request-Id'); // true
 * isTokenString('bad name');     // false
 * ```
 */
export function isTokenString(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) if (!isToken(value.charCodeAt(i))) return false;
  return true;
}

function skipWhitespace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

function skipToken(s: string, i: number, end: number): number {
  while (i < end && isToken(s.charCodeAt(i))) i++;
  return i;
}

/** What `scan` read: a type, a subtype and its parameters. */
interface Scan {
  type: string;
  subtype: string;
  /** Flat `[name, value, name, value, ...]` in order of appearance. */
  params: string[];
  /** Index just after what was consumed (at `end`, or at a `,` when scanning a list). */
  next: number;
}

/**
 * Scans `type/subtype *( OWS ";" OWS [ name=value ] )` from `i`; stops at `end`, or at a
 * comma outside quotes when `inList`. Returns null when the type/subtype is invalid.
 */
function scan(s: string, i: number, end: number, inList: boolean): Scan | null {
  i = skipWhitespace(s, i, end);
  const typeStart = i;
  i = skipToken(s, i, end);
  if (i === typeStart || i >= end || s.charCodeAt(i) !== SLASH) return null;
  const type = s.slice(typeStart, i).toLowerCase();
  const subtypeStart = ++i;
  i = skipToken(s, i, end);
  if (i === subtypeStart) return null;
  const subtype = s.slice(subtypeStart, i).toLowerCase();
  i = skipWhitespace(s, i, end);
  const params: string[] = [];
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === COMMA && inList) break;
    if (c !== SEMICOLON) return null; // garbage after the subtype: "text/html foo"
    i = skipWhitespace(s, i + 1, end);
    const nameStart = i;
    i = skipToken(s, i, end);
    const name = s.slice(nameStart, i).toLowerCase();
    let value: string | null = null;
    if (name.length > 0 && i < end && s.charCodeAt(i) === EQUALS) {
      i++;
      if (i < end && s.charCodeAt(i) === DQUOTE) {
        // quoted-string: backslash escapes one character; an unterminated string ends the
        // value; a control character (CR, LF, NUL, ...; HTAB is allowed) or one beyond
        // Latin-1 makes the parameter malformed (RFC 9110 qdtext and quoted-pair)
        let out = '';
        let valid = true;
        i++;
        while (i < end) {
          const q = s.charCodeAt(i);
          if (q === DQUOTE) {
            i++;
            break;
          }
          if (q === BACKSLASH && i + 1 < end) i++;
          if (!isQuotedText(s.charCodeAt(i))) valid = false;
          out += s[i];
          i++;
        }
        value = valid ? out : null;
      } else {
        const valueStart = i;
        i = skipToken(s, i, end);
        value = i > valueStart ? s.slice(valueStart, i) : null;
      }
    }
    // anything else up to the next separator makes this parameter malformed: skip it
    const beforeJunk = i;
    i = skipWhitespace(s, i, end);
    if (i < end) {
      const n = s.charCodeAt(i);
      if (n !== SEMICOLON && !(n === COMMA && inList)) {
        value = null;
        while (i < end) {
          const m = s.charCodeAt(i);
          if (m === SEMICOLON || (m === COMMA && inList)) break;
          i++;
        }
      }
    } else if (beforeJunk === nameStart) {
      break; // a trailing ";" with nothing after it
    }
    if (value !== null && !hasParam(params, name)) params.push(name, value);
  }
  return { type, subtype, params, next: i };
}

/** A character allowed inside a quoted-string: HTAB, SP, visible ASCII, obs-text (0x80-0xFF). */
function isQuotedText(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

function hasParam(params: string[], name: string): boolean {
  for (let j = 0; j < params.length; j += 2) if (params[j] === name) return true;
  return false;
}

function toRecord(flat: string[], from: number, to: number): Record<string, string> {
  // a null prototype, so a parameter named "__proto__" is just a key
  const record: Record<string, string> = Object.create(null);
  for (let j = from; j < to; j += 2) record[flat[j]] = flat[j + 1];
  return record;
}

/**
 * Parses a media type such as a `Content-Type` value. Type, subtype and parameter names are
 * lowercased; quoted parameter values are unquoted. Returns null when `type/subtype` is not
 * valid; malformed parameters are skipped.
 *
 * @example
 * ```ts
 * parseMediaType('Text/HTML; Charset="utf-8"');
 * // { type: 'text', subtype: 'html', essence: 'text/html', params: { charset: 'utf-8' } }
 * parseMediaType('nonsense'); // null
 * ```
 */
export function parseMediaType(value: string): MediaType | null {
  const result = scan(value, 0, value.length, false);
  if (result === null) return null;
  return {
    type: result.type,
    subtype: result.subtype,
    essence: `${result.type}/${result.subtype}`,
    params: toRecord(result.params, 0, result.params.length),
  };
}

/**
 * Formats a media type with parameters, quoting values that are not tokens.
 *
 * @example
 * ```ts
 * formatMediaType('text/plain', { charset: 'utf-8' }); // 'text/plain; charset=utf-8'
 * formatMediaType('multipart/form-data', { boundary: 'a b' }); // 'multipart/form-data; boundary="a b"'
 * ```
 */
export function formatMediaType(essence: string, params: Readonly<Record<string, string>> = {}): string {
  let out = essence;
  for (const name of Object.keys(params)) {
    const value = params[name];
    out += isTokenString(value) ? `; ${name}=${value}` : `; ${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  }
  return out;
}

/** A media range with its position in the header, for tie-breaking. */
interface RankedRange extends MediaRange {
  readonly order: number;
  readonly specificity: number;
}

function parseRanges(header: string): RankedRange[] {
  const ranges: RankedRange[] = [];
  let i = 0;
  const end = header.length;
  while (i < end) {
    const result = scan(header, i, end, true);
    let next: number;
    if (result === null) {
      next = header.indexOf(',', i); // skip the malformed element
      if (next === -1) break;
    } else {
      next = result.next;
      // `q` ends the media-range parameters; what follows are accept-ext parameters
      const flat = result.params;
      let q = 1;
      let paramsEnd = flat.length;
      for (let j = 0; j < flat.length; j += 2) {
        if (flat[j] === 'q') {
          q = parseWeight(flat[j + 1]);
          paramsEnd = j;
          break;
        }
      }
      const wildType = result.type === '*';
      const wildSubtype = result.subtype === '*';
      if (!Number.isNaN(q) && !(wildType && !wildSubtype)) {
        ranges.push({
          type: result.type,
          subtype: result.subtype,
          params: toRecord(flat, 0, paramsEnd),
          q,
          order: ranges.length,
          specificity: (wildType ? 0 : 4) + (wildSubtype ? 0 : 2) + (paramsEnd > 0 ? 1 : 0),
        });
      }
      if (next >= end) break;
    }
    i = next + 1;
  }
  return ranges;
}

/** RFC 9110 qvalue, read leniently: any number from 0 to 1; NaN when invalid. */
function parseWeight(value: string): number {
  const q = value.length > 0 && value.length <= 8 ? Number(value) : NaN;
  return q >= 0 && q <= 1 ? q : NaN;
}

/**
 * Parses an `Accept` header into media ranges, most preferred first: by weight, then by
 * specificity (`text/html;level=1` > `text/html` > `text/*` > `*\/*`), then header order.
 * Malformed elements (and `*\/html`, or an invalid `q`) are skipped.
 *
 * @example
 * ```ts
 * parseAccept('text/*;q=0.5, application/json');
 * // [{ type: 'application', subtype: 'json', params: {}, q: 1 },
 * //  { type: 'text', subtype: '*', params: {}, q: 0.5 }]
 * ```
 */
export function parseAccept(header: string): MediaRange[] {
  return parseRanges(header)
    .sort(compareRanges)
    .map(({ type, subtype, params, q }) => ({ type, subtype, params, q }));
}

function compareRanges(a: RankedRange, b: RankedRange): number {
  return b.q - a.q || b.specificity - a.specificity || a.order - b.order;
}

/** The last Accept header parsed by `negotiate`: clients repeat the same header. */
let lastHeader: string | undefined;
let lastRanges: RankedRange[] = [];
/** Parsed `available` entries: route configuration, so a small, fixed set. */
const availableCache = new Map<string, MediaType | null>();
const AVAILABLE_CACHE_LIMIT = 512;

function parseAvailable(value: string): MediaType | null {
  let parsed = availableCache.get(value);
  if (parsed === undefined) {
    parsed = parseMediaType(value);
    if (availableCache.size >= AVAILABLE_CACHE_LIMIT) availableCache.clear();
    availableCache.set(value, parsed);
  }
  return parsed;
}

/** The most specific range of `ranges` that matches `type`, or undefined. */
function bestMatch(ranges: RankedRange[], type: MediaType): RankedRange | undefined {
  let best: RankedRange | undefined;
  for (const range of ranges) {
    if (range.type !== '*' && range.type !== type.type) continue;
    if (range.subtype !== '*' && range.subtype !== type.subtype) continue;
    let paramsMatch = true;
    for (const name in range.params) {
      const offered = type.params[name];
      if (offered === undefined || offered.toLowerCase() !== range.params[name].toLowerCase()) {
        paramsMatch = false;
        break;
      }
    }
    if (!paramsMatch) continue;
    if (best === undefined || range.specificity > best.specificity) best = range;
  }
  return best;
}

/**
 * Picks the best of `available` for an `Accept` header (RFC 9110 §12.5.1): each candidate
 * takes the weight of the most specific range that matches it (`text/html` > `text/*` >
 * `*\/*`); `q=0` excludes it. The highest weight wins; ties go to the more specific match,
 * then to the range listed first in the header, then to the order of `available`.
 * A missing or blank header accepts anything: the first available type. Returns null when
 * nothing is acceptable (answer 406). Entries of `available` that are not valid media
 * types never match.
 *
 * @example
 * ```ts
 * negotiate('text/html, application/json;q=0.9', ['application/json', 'text/html']); // 'text/html'
 * negotiate('image/*', ['application/json']); // null
 * negotiate(undefined, ['application/json', 'text/html']); // 'application/json'
 * ```
 */
export function negotiate(acceptHeader: string | undefined, available: readonly string[]): string | null {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return available.length > 0 ? available[0] : null;
  if (acceptHeader !== lastHeader) {
    lastRanges = parseRanges(acceptHeader);
    lastHeader = acceptHeader;
  }
  const ranges = lastRanges;
  let chosen: string | null = null;
  let chosenRange: RankedRange | undefined;
  for (const candidate of available) {
    const type = parseAvailable(candidate);
    if (type === null) continue;
    const range = bestMatch(ranges, type);
    if (range === undefined || range.q === 0) continue;
    if (chosenRange === undefined || compareRanges(range, chosenRange) < 0) {
      chosen = candidate;
      chosenRange = range;
    }
  }
  return chosen;
}
