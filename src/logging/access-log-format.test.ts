import { WeftError } from '../errors.js';
import type { Request } from '../http/request.js';
import { ResponseHeaders } from '../http/response-headers.js';
import type { StreamResponse } from '../http/stream-response.js';
import { compileAccessLogFormat, DEFAULT_ACCESS_LOG_FORMAT, formatLogTime } from './access-log-format.js';

function fakeRequest(init: { remote?: string; method?: string; target?: string; httpVersion?: string; headers?: Record<string, string> } = {}): Request {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    remote: init.remote,
    method: init.method ?? 'GET',
    target: init.target ?? '/',
    httpVersion: init.httpVersion ?? '1.1',
    headers: { get: (name: string) => headers.get(name.toLowerCase()) },
  } as unknown as Request;
}

function fakeResponse(status = 200, headers: Record<string, string> = {}): StreamResponse {
  return { status, headers: new ResponseHeaders(headers) } as unknown as StreamResponse;
}

const request = fakeRequest({
  remote: '10.1.2.3',
  method: 'POST',
  target: '/notes/1?draft=yes',
  headers: { Referer: 'https://example.com/', 'User-Agent': 'curl/8.0', 'X-Id': 'abc' },
});
const response = fakeResponse(201, { 'Content-Type': 'application/json', 'X-Served-By': 'w1' });

describe('compileAccessLogFormat', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test("the default format is aiohttp's combined format", () => {
    const now = Date.UTC(2000, 9, 10, 13, 55, 36, 500);
    jest.useFakeTimers({ now });
    const line = compileAccessLogFormat(DEFAULT_ACCESS_LOG_FORMAT)(request, response, 250, 1234);
    const time = formatLogTime(new Date(now - 500));
    expect(time).toMatch(/^\[10\/Oct\/2000:\d\d:\d5:36 [+-]\d{4}\]$/);
    expect(line).toBe(`10.1.2.3 ${time} "POST /notes/1?draft=yes HTTP/1.1" 201 1234 "https://example.com/" "curl/8.0"`);
  });

  test('what the client sent is escaped as Apache does: no forged quoted field, no second line', () => {
    const format = compileAccessLogFormat('"%r" "%{User-Agent}i" %{X-Echo}o');
    const hostile = fakeRequest({ target: '/a"b\\c', headers: { 'User-Agent': 'x" 200 1 "-" "forged\u0085127.0.0.1 [01/Jan/2026] "GET /admin"' } });
    const line = format(hostile, fakeResponse(200, { 'X-Echo': 'caf\u00e9' }), 1, 0);
    expect(line).toBe('"GET /a\\"b\\\\c HTTP/1.1" "x\\" 200 1 \\"-\\" \\"forged\\x85127.0.0.1 [01/Jan/2026] \\"GET /admin\\"" caf\\xe9');
    expect(line.split(/\r\n|[\n\r\u0085\u2028\u2029]/)).toHaveLength(1);
    // plain values are written as they are
    expect(compileAccessLogFormat('%r %{User-Agent}i')(request, response, 1, 0)).toBe('POST /notes/1?draft=yes HTTP/1.1 curl/8.0');
  });

  test('every directive, field by field', () => {
    const format = compileAccessLogFormat('%a|%P|%r|%s|%b|%T|%Tf|%D|%{X-Id}i|%{x-served-by}o|%{WEFT_TEST_VAR}e|%%|100%%');
    process.env.WEFT_TEST_VAR = 'on';
    try {
      expect(format(request, response, 1534.5678, 99).split('|')).toEqual([
        '10.1.2.3',
        `<${process.pid}>`,
        'POST /notes/1?draft=yes HTTP/1.1',
        '201',
        '99',
        '2',
        '1.534568',
        '1534568',
        'abc',
        'w1',
        'on',
        '%',
        '100%',
      ]);
    } finally {
      delete process.env.WEFT_TEST_VAR;
    }
  });

  test('what is unknown is "-": peer address, headers, environment variables', () => {
    const format = compileAccessLogFormat('%a %{Referer}i %{X-Missing}o %{WEFT_UNSET_VAR}e');
    expect(format(fakeRequest(), fakeResponse(), 1, 0)).toBe('- - - -');
  });

  test('%t is when the request arrived: now minus the time it took', () => {
    const now = Date.UTC(2024, 0, 31, 23, 59, 59, 900);
    jest.useFakeTimers({ now });
    const format = compileAccessLogFormat('%t');
    expect(format(request, response, 0, 0)).toBe(formatLogTime(new Date(Date.UTC(2024, 0, 31, 23, 59, 59))));
    expect(format(request, response, 3_000, 0)).toBe(formatLogTime(new Date(Date.UTC(2024, 0, 31, 23, 59, 56))));
    expect(format(request, response, 3_000, 0)).toMatch(/:56 [+-]\d{4}\]$/);
  });

  test('%T rounds to whole seconds, %Tf keeps six decimals, %D is microseconds', () => {
    const format = compileAccessLogFormat('%T %Tf %D');
    expect(format(request, response, 0.4, 0)).toBe('0 0.000400 400');
    expect(format(request, response, 2_600, 0)).toBe('3 2.600000 2600000');
  });

  test('literal text, quotes and brackets pass through', () => {
    expect(compileAccessLogFormat('static [text] "quoted"')(request, response, 0, 0)).toBe('static [text] "quoted"');
    expect(compileAccessLogFormat('')(request, response, 0, 0)).toBe('');
  });

  test.each([
    ['%q', 'unknown directive %q at position 0'],
    ['ok %x', 'unknown directive %x at position 3'],
    ['trailing %', 'a lone "%" at the end (write %% for a percent sign) at position 9'],
    ['%{Referer}', '%{Referer} must be followed by i (request header), o (response header) or e (environment) at position 0'],
    ['%{Referer}x', '%{Referer} must be followed by i (request header), o (response header) or e (environment) at position 0'],
    ['%{}i', '"%{" needs a name of letters, digits, "-" or "_" and a closing "}" at position 0'],
    ['%{Bad Name}i', '"%{" needs a name of letters, digits, "-" or "_" and a closing "}" at position 0'],
    ['%{Referer', '"%{" needs a name of letters, digits, "-" or "_" and a closing "}" at position 0'],
  ])('rejects %j with a coded error naming the position', (format, message) => {
    let error: unknown;
    try {
      compileAccessLogFormat(format);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(WeftError);
    expect((error as WeftError).code).toBe('WEFT_ERR_ACCESS_LOG_FORMAT');
    expect((error as WeftError).message).toContain(message);
    expect((error as WeftError).message).toContain('known directives: %a %t %P %r');
  });

  test('rejects a format that is not a string', () => {
    expect(() => compileAccessLogFormat(42 as unknown as string)).toThrow('WEFT_ERR_ACCESS_LOG_FORMAT: the format must be a string, got number');
  });
});

describe('formatLogTime', () => {
  /** A date as a given time zone shows it (jest's sandboxed process.env cannot switch TZ). */
  function localDate(fields: { y: number; mo: number; d: number; h: number; mi: number; s: number; offsetMinutes: number }): Date {
    return {
      getFullYear: () => fields.y,
      getMonth: () => fields.mo,
      getDate: () => fields.d,
      getHours: () => fields.h,
      getMinutes: () => fields.mi,
      getSeconds: () => fields.s,
      getTimezoneOffset: () => -fields.offsetMinutes,
    } as Date;
  }

  test('local time with its UTC offset, as Apache and aiohttp write it', () => {
    expect(formatLogTime(localDate({ y: 2000, mo: 9, d: 10, h: 13, mi: 55, s: 36, offsetMinutes: 0 }))).toBe('[10/Oct/2000:13:55:36 +0000]');
    expect(formatLogTime(localDate({ y: 2000, mo: 9, d: 10, h: 19, mi: 25, s: 36, offsetMinutes: 330 }))).toBe('[10/Oct/2000:19:25:36 +0530]');
    expect(formatLogTime(localDate({ y: 2000, mo: 9, d: 10, h: 9, mi: 55, s: 36, offsetMinutes: -240 }))).toBe('[10/Oct/2000:09:55:36 -0400]');
    expect(formatLogTime(localDate({ y: 2000, mo: 9, d: 10, h: 3, mi: 25, s: 36, offsetMinutes: -570 }))).toBe('[10/Oct/2000:03:25:36 -0930]');
  });

  test('pads day, hours, minutes and seconds; months are English abbreviations', () => {
    expect(formatLogTime(localDate({ y: 2021, mo: 1, d: 3, h: 4, mi: 5, s: 6, offsetMinutes: 60 }))).toBe('[03/Feb/2021:04:05:06 +0100]');
    expect(formatLogTime(localDate({ y: 2021, mo: 11, d: 31, h: 23, mi: 59, s: 59, offsetMinutes: 0 }))).toBe('[31/Dec/2021:23:59:59 +0000]');
  });

  test('a real date gives its local fields', () => {
    const date = new Date(Date.UTC(2000, 9, 10, 13, 55, 36));
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(formatLogTime(date)).toContain(`${pad(date.getDate())}/Oct/2000:${pad(date.getHours())}:${pad(date.getMinutes())}:36 `);
  });
});
