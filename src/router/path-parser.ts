import { WeftError } from '../errors.js';
import { requoteLiteral } from './percent-encoding.js';

/** Literal text of a pattern, requoted into raw (percent-encoded) form. */
export interface LiteralToken {
  readonly kind: 'literal';
  readonly text: string;
}

/** A parameter: `{name}` (one segment, `[^{}/]+`) or `{name:regex}`. */
export interface ParamToken {
  readonly kind: 'param';
  readonly name: string;
  /** The custom regex, or null for `{name}`. */
  readonly regex: string | null;
  /** Capture groups inside the custom regex, so the matcher can skip over them. */
  readonly groups: number;
}

/** One piece of a parsed route pattern. */
export type PathToken = LiteralToken | ParamToken;

/** The regex of a plain `{name}` parameter, as aiohttp's `DynamicResource.GOOD`. */
export const SEGMENT_PARAM_REGEX = '[^{}/]+';

const NAME_CHAR = /[A-Za-z0-9_]/;
const NAME_START = /[A-Za-z_]/;

/**
 * The coded error for an invalid pattern, naming the pattern and the problem.
 *
 * @example
 * ```ts
 * throw invalidPath('/users/{id', "'{' at position 7 is never closed");
 * // WeftError: WEFT_ERR_INVALID_PATH: '/users/{id': '{' at position 7 is never closed
 * ```
 */
export function invalidPath(pattern: string, problem: string): WeftError {
  return new WeftError('WEFT_ERR_INVALID_PATH', `${JSON.stringify(pattern)}: ${problem}`);
}

/**
 * Parses a route pattern in aiohttp's syntax into literal and parameter tokens:
 * `/users/{id}`, `/items/{n:\d+}`, `/files/{tail:.*}`, `/{name}.{ext}`. Literal text is
 * requoted (`/héllo` → `/h%C3%A9llo`). Throws `WEFT_ERR_INVALID_PATH` for a path not
 * starting with `/`, a segment starting with `:name` (Express's parameter syntax, almost
 * surely meant as `{name}`), unbalanced braces, an empty or badly named parameter, a duplicate
 * parameter name, a `?` or `#` (a route has no query or fragment), an invalid regex, and a
 * regex whose backreferences or named groups would break once embedded in the route's
 * regex. Plain capture groups are allowed: the matcher counts and skips them.
 *
 * @example
 * ```ts
 * parsePath('/users/{id:\\d+}');
 * // [{ kind: 'literal', text: '/users/' }, { kind: 'param', name: 'id', regex: '\\d+', groups: 0 }]
 * ```
 */
export function parsePath(pattern: string): PathToken[] {
  if (typeof pattern !== 'string') throw invalidPath(String(pattern), `a path must be a string, not ${typeof pattern}`);
  if (!pattern.startsWith('/')) throw invalidPath(pattern, "a route path must start with '/'");
  const tokens: PathToken[] = [];
  const names = new Set<string>();
  let literalStart = 0;
  const flushLiteral = (end: number): void => {
    if (end <= literalStart) return;
    const raw = pattern.slice(literalStart, end);
    let text: string;
    try {
      text = requoteLiteral(raw);
    } catch {
      throw invalidPath(pattern, `${JSON.stringify(raw)} is not well-formed unicode (a lone surrogate)`);
    }
    tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '{') {
      flushLiteral(i);
      const { token, end } = parseParam(pattern, i);
      if (names.has(token.name)) throw invalidPath(pattern, `the parameter name '${token.name}' is used twice`);
      names.add(token.name);
      tokens.push(token);
      i = literalStart = end;
    } else if (ch === '}') {
      throw invalidPath(pattern, `'}' at position ${i} has no matching '{'`);
    } else if (ch === ':' && pattern[i - 1] === '/' && NAME_START.test(pattern[i + 1] ?? '')) {
      // '/users/:id' would be a literal route that only '/users/:id' itself matches
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(pattern.slice(i + 1))![0];
      throw invalidPath(pattern, `':${name}' at position ${i} looks like an Express or NestJS parameter: weft writes '{${name}}' (write %3A to match a ':' itself)`);
    } else if (ch === '?' || ch === '#') {
      const escaped = ch === '?' ? '%3F' : '%23';
      throw invalidPath(pattern, `'${ch}' at position ${i}: a route path has no query or fragment (write ${escaped} to match the character itself)`);
    } else {
      i++;
    }
  }
  flushLiteral(pattern.length);
  // a client removes dot segments before it sends a path (RFC 3986 5.2.4): '/a/../b' is
  // requested as '/b', so the route could never answer, and url() could not name it
  const dotted = tokens
    .map((token) => (token.kind === 'literal' ? token.text : '\0'))
    .join('')
    .split('/')
    .find((segment) => segment === '.' || segment === '..');
  if (dotted !== undefined) throw invalidPath(pattern, `a '${dotted}' segment is removed by clients before they send a path, so no request would reach this route`);
  return tokens;
}

/** Parses the parameter whose `{` is at `start`; returns the token and the index after `}`. */
function parseParam(pattern: string, start: number): { token: ParamToken; end: number } {
  let i = start + 1;
  while (i < pattern.length && NAME_CHAR.test(pattern[i])) i++;
  const name = pattern.slice(start + 1, i);
  if (i >= pattern.length || pattern.indexOf('}', start) === -1) {
    throw invalidPath(pattern, `'{' at position ${start} is never closed`);
  }
  const next = pattern[i];
  if (name === '') {
    throw invalidPath(pattern, next === '}' ? `empty parameter '{}' at position ${start}` : `the parameter at position ${start} has no name`);
  }
  if (/^[0-9]/.test(name)) throw invalidPath(pattern, `the parameter name '${name}' must start with a letter or '_'`);
  if (name === '__proto__') throw invalidPath(pattern, "'__proto__' cannot be a parameter name");
  if (next === '}') return { token: { kind: 'param', name, regex: null, groups: 0 }, end: i + 1 };
  if (next !== ':') {
    throw invalidPath(pattern, `the parameter '{${name}' at position ${start} continues with '${next}': names are letters, digits and '_', then '}' or ':regex}'`);
  }
  const regexStart = i + 1;
  const regexEnd = findRegexEnd(pattern, regexStart);
  if (regexEnd === -1) throw invalidPath(pattern, `'{' at position ${start} is never closed`);
  const regex = pattern.slice(regexStart, regexEnd);
  const groups = checkParamRegex(pattern, name, regex);
  return { token: { kind: 'param', name, regex, groups }, end: regexEnd + 1 };
}

/** The index of the `}` closing a parameter's regex: nested `{m,n}`, escapes and classes skipped. */
function findRegexEnd(pattern: string, from: number): number {
  let depth = 0;
  let inClass = false;
  for (let j = from; j < pattern.length; j++) {
    const c = pattern[j];
    if (c === '\\') j++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/** Validates a parameter's regex and returns how many capture groups it has. */
function checkParamRegex(pattern: string, name: string, regex: string): number {
  if (regex === '') throw invalidPath(pattern, `the parameter '{${name}:}' has an empty regex`);
  try {
    new RegExp(regex);
  } catch (err) {
    throw invalidPath(pattern, `the regex of '{${name}}' is not valid: ${(err as Error).message}`);
  }
  let inClass = false;
  for (let j = 0; j < regex.length; j++) {
    const c = regex[j];
    if (c === '\\') {
      const n = regex[j + 1];
      if (!inClass && n >= '1' && n <= '9') {
        throw invalidPath(pattern, `the regex of '{${name}}' uses the backreference '\\${n}', which would point at another group once the route is compiled`);
      }
      if (!inClass && n === 'k' && regex[j + 2] === '<') {
        throw invalidPath(pattern, `the regex of '{${name}}' uses a named backreference; use a plain or (?:...) group`);
      }
      j++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '^' || c === '$') {
      // the route's regex anchors the whole path: inside it, '^' or '$' matches (almost) never
      throw invalidPath(pattern, `the regex of '{${name}}' has the anchor '${c}': a parameter's regex always matches the whole value, leave it out (write \\${c} to match the character)`);
    } else if (c === '(' && regex.startsWith('?<', j + 1) && regex[j + 3] !== '=' && regex[j + 3] !== '!') {
      throw invalidPath(pattern, `the regex of '{${name}}' has a named group, which could clash with other parameters; use (...) or (?:...)`);
    }
  }
  // An alternative that matches the empty string reports every group of the regex.
  return new RegExp(`${regex}|`).exec('')!.length - 1;
}
