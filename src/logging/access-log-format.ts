/**
 * aiohttp's access log format language, compiled once into a function that builds a line.
 */
import { WeftError } from '../errors.js';
import type { Request } from '../http/request.js';
import type { StreamResponse } from '../http/stream-response.js';

/**
 * aiohttp's default access log format (Apache's "combined" minus the user fields).
 *
 * @example
 * ```ts
 * const format = compileAccessLogFormat(DEFAULT_ACCESS_LOG_FORMAT);
 * ```
 */
export const DEFAULT_ACCESS_LOG_FORMAT = '%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i"';

/**
 * Builds one access log line: the request, the response that went out, how long the
 * exchange took (ms, from the request's arrival to the response's last byte) and how many
 * bytes were written for it (status line and headers included, as aiohttp counts).
 *
 * @example
 * ```ts
 * const line: string = format(request, response, 12.5, 1043);
 * ```
 */
export type AccessLogFormatter = (request: Request, response: StreamResponse, timeMs: number, bytesSent: number) => string;

type Field = AccessLogFormatter;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * `[10/Oct/2000:13:55:36 +0200]`: the local time with its UTC offset, as aiohttp and Apache
 * write `%t`.
 *
 * @example
 * ```ts
 * formatLogTime(new Date()); // '[10/Oct/2000:13:55:36 +0200]'
 * ```
 */
export function formatLogTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `[${pad2(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()}:` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}]`
  );
}

/** One second's `%t`, kept: a busy server logs many lines per second. */
let cachedSecond = -1;
let cachedTime = '';

function requestStartTime(timeMs: number): string {
  const start = Date.now() - timeMs;
  const second = Math.floor(start / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedTime = formatLogTime(new Date(second * 1000));
  }
  return cachedTime;
}

const PID = `<${process.pid}>`;

/** The one-letter (and `Tf`) directives. */
/**
 * What the client sent, made safe for a log line as Apache does (CVE-2003-0020): `"` and `\`
 * become `\"` and `\\`, control characters and bytes from 0x7f as `\xhh`, so a header cannot
 * close a quoted field or start a line of its own (U+0085 is a line break to some readers).
 */
function escapeLogText(text: string): string {
  let i = 0;
  // hot path: most values need nothing
  while (i < text.length && !needsEscape(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  let out = text.slice(0, i);
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!needsEscape(code)) out += text[i];
    else if (code === 0x22 || code === 0x5c) out += `\\${text[i]}`;
    else out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

function needsEscape(code: number): boolean {
  return code < 0x20 || code >= 0x7f || code === 0x22 || code === 0x5c;
}

const SIMPLE: Record<string, Field> = {
  a: (request) => request.remote ?? '-',
  t: (_request, _response, timeMs) => requestStartTime(timeMs),
  P: () => PID,
  r: (request) => `${request.method} ${escapeLogText(request.target)} HTTP/${request.httpVersion}`,
  s: (_request, response) => String(response.status),
  b: (_request, _response, _timeMs, bytesSent) => String(bytesSent),
  T: (_request, _response, timeMs) => String(Math.round(timeMs / 1000)),
  Tf: (_request, _response, timeMs) => (timeMs / 1000).toFixed(6),
  D: (_request, _response, timeMs) => String(Math.round(timeMs * 1000)),
};

/** `%{Name}i`, `%{Name}o`, `%{NAME}e`. */
const KEYED: Record<string, (key: string) => Field> = {
  i: (key) => (request) => escapeLogText(request.headers.get(key) ?? '-'),
  o: (key) => (_request, response) => escapeLogText(response.headers.get(key) ?? '-'),
  e: (key) => () => process.env[key] ?? '-',
};

const KNOWN = '%a %t %P %r %s %b %T %Tf %D %{Header}i %{Header}o %{VAR}e %%';

function formatError(format: string, at: number, what: string): WeftError {
  return new WeftError('WEFT_ERR_ACCESS_LOG_FORMAT', `${what} at position ${at} of ${JSON.stringify(format)}; known directives: ${KNOWN}`);
}

/**
 * Compiles an access log format once into a function (aiohttp's format language):
 *
 * | directive | value |
 * |---|---|
 * | `%a` | the peer's IP address, `-` when unknown |
 * | `%t` | when the request arrived: `[10/Oct/2000:13:55:36 +0000]` (local time) |
 * | `%P` | the process id, as `<1234>` |
 * | `%r` | the request line: `GET /path?q=1 HTTP/1.1` |
 * | `%s` | the response status |
 * | `%b` | bytes written for the response, status line and headers included (aiohttp's `body_length`) |
 * | `%T` / `%Tf` / `%D` | time taken: whole seconds / seconds with 6 decimals / microseconds |
 * | `%{Name}i` / `%{Name}o` | a request / response header, `-` when absent |
 * | `%{NAME}e` | an environment variable, `-` when unset |
 * | `%%` | a percent sign |
 *
 * @throws WeftError `WEFT_ERR_ACCESS_LOG_FORMAT` for an unknown directive, a lone `%`, or
 * a `%{...}` without a valid name or kind, naming the position.
 * @example
 * ```ts
 * const format = compileAccessLogFormat('%a "%r" %s %Tf');
 * format(request, response, 12.3, 512); // '127.0.0.1 "GET / HTTP/1.1" 200 0.012300'
 * ```
 */
export function compileAccessLogFormat(format: string): AccessLogFormatter {
  if (typeof format !== 'string') throw new WeftError('WEFT_ERR_ACCESS_LOG_FORMAT', `the format must be a string, got ${typeof format}`);
  const parts: Array<string | Field> = [];
  let literal = '';
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent === -1) {
      literal += format.slice(i);
      break;
    }
    literal += format.slice(i, percent);
    const next = format[percent + 1];
    if (next === '%') {
      literal += '%';
      i = percent + 2;
      continue;
    }
    let field: Field;
    if (next === '{') {
      const close = format.indexOf('}', percent + 2);
      const key = close === -1 ? '' : format.slice(percent + 2, close);
      const kind = close === -1 ? undefined : format[close + 1];
      if (!/^[A-Za-z0-9_-]+$/.test(key)) throw formatError(format, percent, `"%{" needs a name of letters, digits, "-" or "_" and a closing "}"`);
      const keyed = kind === undefined ? undefined : KEYED[kind];
      if (keyed === undefined) throw formatError(format, percent, `%{${key}} must be followed by i (request header), o (response header) or e (environment)`);
      field = keyed(key);
      i = close + 2;
    } else {
      const name = next === 'T' && format[percent + 2] === 'f' ? 'Tf' : next;
      const simple = name === undefined ? undefined : SIMPLE[name];
      if (simple === undefined) throw formatError(format, percent, name === undefined ? 'a lone "%" at the end (write %% for a percent sign)' : `unknown directive %${name}`);
      field = simple;
      i = percent + 1 + name.length;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(field);
  }
  if (literal !== '') parts.push(literal);
  return joinParts(parts);
}

function joinParts(parts: Array<string | Field>): AccessLogFormatter {
  return (request, response, timeMs, bytesSent) => {
    let line = '';
    for (const part of parts) line += typeof part === 'string' ? part : part(request, response, timeMs, bytesSent);
    return line;
  };
}
