/**
 * The HttpError family, one class per status with aiohttp's names: `throw new HTTPNotFound()`,
 * `throw new HTTPFound('/login')`. The base classes are in `http-error.ts` and re-exported
 * here. Classes with nothing but a status are made by a small factory from the table below;
 * each is a real class (`instanceof`, `extends`, `name`, a static `status`) and a type.
 */
import { encodeUrlForHeader } from './headers.js';
import { WeftError } from '../errors.js';
import { isOptionsObject, shownValue } from '../option-checks.js';
import {
  HTTPClientError,
  HTTPMove,
  HTTPRedirection,
  HTTPServerError,
  HTTPSuccessful,
  type HttpError,
  type HttpErrorClass,
  type HttpErrorOptions,
  type RedirectErrorClass,
} from './http-error.js';

export * from './http-error.js';

/**
 * 405, with the methods the resource allows: sets `Allow` (sorted, comma-joined, as aiohttp).
 *
 * @example
 * ```ts
 * throw new HTTPMethodNotAllowed(request.method, ['GET', 'HEAD']); // Allow: GET,HEAD
 * ```
 */
export class HTTPMethodNotAllowed extends HTTPClientError {
  static readonly status = 405;
  /** The method that was refused. */
  readonly method: string;
  /** The allowed methods, sorted, without duplicates. */
  readonly allowedMethods: readonly string[];

  /** @param allowedMethods the methods, or one method as a string (not split into letters). */
  constructor(method: string, allowedMethods: Iterable<string>, options?: HttpErrorOptions) {
    super(405, options);
    this.method = method;
    this.allowedMethods = typeof allowedMethods === 'string' ? [allowedMethods] : [...new Set(allowedMethods)].sort();
    this.headers.set('Allow', this.allowedMethods.join(','));
  }
}

/**
 * 413: the request body exceeds the route's `clientMaxSize`. The text names both sizes.
 *
 * @example
 * ```ts
 * throw new HTTPRequestEntityTooLarge(1_048_576, 2_000_000);
 * // text: 'Maximum request body size 1048576 exceeded, actual body size 2000000'
 * ```
 */
export class HTTPRequestEntityTooLarge extends HTTPClientError {
  static readonly status = 413;
  /** The limit, in bytes (for a form limit: that limit, in bytes or items). */
  readonly maxSize: number;
  /** The body size, or what was received when the limit was crossed (the body is larger). */
  readonly actualSize: number;

  constructor(maxSize: number, actualSize: number, options: HttpErrorOptions = {}) {
    const defaultText = `Maximum request body size ${maxSize} exceeded, actual body size ${actualSize}`;
    const hasBody = options.text !== undefined || options.body !== undefined || options.json !== undefined;
    super(413, hasBody ? options : { ...options, text: defaultText });
    this.maxSize = maxSize;
    this.actualSize = actualSize;
  }
}

/**
 * The options of `HTTPUnavailableForLegalReasons`.
 *
 * @example
 * ```ts
 * throw new HTTPUnavailableForLegalReasons({ link: 'https://authority.example/orders/42' });
 * ```
 */
export interface UnavailableForLegalReasonsOptions extends HttpErrorOptions {
  /** The URL of the entity implementing the block: `Link: <link>; rel="blocked-by"`. */
  link?: string;
}

/**
 * 451, optionally naming who demands the block (RFC 7725).
 *
 * @example
 * ```ts
 * throw new HTTPUnavailableForLegalReasons({ link: 'https://authority.example/orders/42' });
 * ```
 */
export class HTTPUnavailableForLegalReasons extends HTTPClientError {
  static readonly status = 451;
  /** The blocking entity, if given. */
  readonly link: string | undefined;

  constructor(options: UnavailableForLegalReasonsOptions = {}) {
    // aiohttp takes the link first: a string's `link` would be String.prototype.link, and a URL has no keys
    if (!isOptionsObject(options) || options instanceof URL) {
      const given = options instanceof URL ? 'a URL' : shownValue(options);
      const hint = typeof options === 'string' || options instanceof URL ? ': the link goes in { link }' : '';
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `new HTTPUnavailableForLegalReasons(): options must be an object ({ link, text, ... }), got ${given}${hint}`);
    }
    const { link, ...rest } = options;
    if (link !== undefined && typeof link !== 'string') {
      throw new WeftError('WEFT_ERR_INVALID_OPTION', `new HTTPUnavailableForLegalReasons(): link must be a URL string, got ${shownValue(link)}`);
    }
    super(451, rest);
    this.link = link;
    // < and > would end the Link header's <URI-reference> early: a URL has them percent-encoded
    if (link !== undefined) this.headers.set('Link', `<${encodeUrlForHeader(link).replace(/[<>]/g, encodeURIComponent)}>; rel="blocked-by"`);
  }
}


type Group = new (status: number, options?: HttpErrorOptions) => HttpError;

function define<E extends HttpError>(name: string, status: number, group: new (status: number, options?: HttpErrorOptions) => E): HttpErrorClass<E> {
  const Base = group as Group;
  const Class = class extends Base {
    constructor(options?: HttpErrorOptions | string) {
      super(status, typeof options === 'string' ? { text: options } : options);
    }
  };
  Object.defineProperty(Class, 'name', { value: name });
  Object.defineProperty(Class, 'status', { value: status, enumerable: true });
  return Class as unknown as HttpErrorClass<E>;
}

function defineMove(name: string, status: number): RedirectErrorClass {
  const Class = class extends HTTPMove {
    constructor(location: string, options?: HttpErrorOptions) {
      super(status, location, options);
    }
  };
  Object.defineProperty(Class, 'name', { value: name });
  Object.defineProperty(Class, 'status', { value: status, enumerable: true });
  return Class as unknown as RedirectErrorClass;
}

/*
 * The table: one line per aiohttp class, each a class (the const) and its instance type
 * (the type of the same name). For all of them:
 *
 * @example
 * ```ts
 * throw new HTTPNotFound({ text: `no user ${id}` });
 * throw new HTTPFound('/login');
 * if (err instanceof HTTPClientError) log.info(err.status, err.reason);
 * ```
 */

/** 200 OK */ export const HTTPOk = define('HTTPOk', 200, HTTPSuccessful);
export type HTTPOk = InstanceType<typeof HTTPOk>;
/** 201 Created */ export const HTTPCreated = define('HTTPCreated', 201, HTTPSuccessful);
export type HTTPCreated = InstanceType<typeof HTTPCreated>;
/** 202 Accepted */ export const HTTPAccepted = define('HTTPAccepted', 202, HTTPSuccessful);
export type HTTPAccepted = InstanceType<typeof HTTPAccepted>;
/** 203 Non-Authoritative Information */ export const HTTPNonAuthoritativeInformation = define('HTTPNonAuthoritativeInformation', 203, HTTPSuccessful);
export type HTTPNonAuthoritativeInformation = InstanceType<typeof HTTPNonAuthoritativeInformation>;
/** 204 No Content (no body) */ export const HTTPNoContent = define('HTTPNoContent', 204, HTTPSuccessful);
export type HTTPNoContent = InstanceType<typeof HTTPNoContent>;
/** 205 Reset Content (no body) */ export const HTTPResetContent = define('HTTPResetContent', 205, HTTPSuccessful);
export type HTTPResetContent = InstanceType<typeof HTTPResetContent>;
/** 206 Partial Content */ export const HTTPPartialContent = define('HTTPPartialContent', 206, HTTPSuccessful);
export type HTTPPartialContent = InstanceType<typeof HTTPPartialContent>;

/** 300 Multiple Choices */ export const HTTPMultipleChoices = defineMove('HTTPMultipleChoices', 300);
export type HTTPMultipleChoices = InstanceType<typeof HTTPMultipleChoices>;
/** 301 Moved Permanently */ export const HTTPMovedPermanently = defineMove('HTTPMovedPermanently', 301);
export type HTTPMovedPermanently = InstanceType<typeof HTTPMovedPermanently>;
/** 302 Found */ export const HTTPFound = defineMove('HTTPFound', 302);
export type HTTPFound = InstanceType<typeof HTTPFound>;
/** 303 See Other */ export const HTTPSeeOther = defineMove('HTTPSeeOther', 303);
export type HTTPSeeOther = InstanceType<typeof HTTPSeeOther>;
/** 304 Not Modified (no location, no body) */ export const HTTPNotModified = define('HTTPNotModified', 304, HTTPRedirection);
export type HTTPNotModified = InstanceType<typeof HTTPNotModified>;
/** 305 Use Proxy (deprecated by RFC 9110, kept for aiohttp parity) */ export const HTTPUseProxy = defineMove('HTTPUseProxy', 305);
export type HTTPUseProxy = InstanceType<typeof HTTPUseProxy>;
/** 307 Temporary Redirect */ export const HTTPTemporaryRedirect = defineMove('HTTPTemporaryRedirect', 307);
export type HTTPTemporaryRedirect = InstanceType<typeof HTTPTemporaryRedirect>;
/** 308 Permanent Redirect */ export const HTTPPermanentRedirect = defineMove('HTTPPermanentRedirect', 308);
export type HTTPPermanentRedirect = InstanceType<typeof HTTPPermanentRedirect>;

/** 400 Bad Request */ export const HTTPBadRequest = define('HTTPBadRequest', 400, HTTPClientError);
export type HTTPBadRequest = InstanceType<typeof HTTPBadRequest>;
/** 401 Unauthorized */ export const HTTPUnauthorized = define('HTTPUnauthorized', 401, HTTPClientError);
export type HTTPUnauthorized = InstanceType<typeof HTTPUnauthorized>;
/** 402 Payment Required */ export const HTTPPaymentRequired = define('HTTPPaymentRequired', 402, HTTPClientError);
export type HTTPPaymentRequired = InstanceType<typeof HTTPPaymentRequired>;
/** 403 Forbidden */ export const HTTPForbidden = define('HTTPForbidden', 403, HTTPClientError);
export type HTTPForbidden = InstanceType<typeof HTTPForbidden>;
/** 404 Not Found */ export const HTTPNotFound = define('HTTPNotFound', 404, HTTPClientError);
export type HTTPNotFound = InstanceType<typeof HTTPNotFound>;
/** 406 Not Acceptable */ export const HTTPNotAcceptable = define('HTTPNotAcceptable', 406, HTTPClientError);
export type HTTPNotAcceptable = InstanceType<typeof HTTPNotAcceptable>;
/** 407 Proxy Authentication Required */ export const HTTPProxyAuthenticationRequired = define('HTTPProxyAuthenticationRequired', 407, HTTPClientError);
export type HTTPProxyAuthenticationRequired = InstanceType<typeof HTTPProxyAuthenticationRequired>;
/** 408 Request Timeout */ export const HTTPRequestTimeout = define('HTTPRequestTimeout', 408, HTTPClientError);
export type HTTPRequestTimeout = InstanceType<typeof HTTPRequestTimeout>;
/** 409 Conflict */ export const HTTPConflict = define('HTTPConflict', 409, HTTPClientError);
export type HTTPConflict = InstanceType<typeof HTTPConflict>;
/** 410 Gone */ export const HTTPGone = define('HTTPGone', 410, HTTPClientError);
export type HTTPGone = InstanceType<typeof HTTPGone>;
/** 411 Length Required */ export const HTTPLengthRequired = define('HTTPLengthRequired', 411, HTTPClientError);
export type HTTPLengthRequired = InstanceType<typeof HTTPLengthRequired>;
/** 412 Precondition Failed */ export const HTTPPreconditionFailed = define('HTTPPreconditionFailed', 412, HTTPClientError);
export type HTTPPreconditionFailed = InstanceType<typeof HTTPPreconditionFailed>;
/** 414 URI Too Long */ export const HTTPRequestURITooLong = define('HTTPRequestURITooLong', 414, HTTPClientError);
export type HTTPRequestURITooLong = InstanceType<typeof HTTPRequestURITooLong>;
/** 415 Unsupported Media Type */ export const HTTPUnsupportedMediaType = define('HTTPUnsupportedMediaType', 415, HTTPClientError);
export type HTTPUnsupportedMediaType = InstanceType<typeof HTTPUnsupportedMediaType>;
/** 416 Range Not Satisfiable */ export const HTTPRequestRangeNotSatisfiable = define('HTTPRequestRangeNotSatisfiable', 416, HTTPClientError);
export type HTTPRequestRangeNotSatisfiable = InstanceType<typeof HTTPRequestRangeNotSatisfiable>;
/** 417 Expectation Failed */ export const HTTPExpectationFailed = define('HTTPExpectationFailed', 417, HTTPClientError);
export type HTTPExpectationFailed = InstanceType<typeof HTTPExpectationFailed>;
/** 421 Misdirected Request */ export const HTTPMisdirectedRequest = define('HTTPMisdirectedRequest', 421, HTTPClientError);
export type HTTPMisdirectedRequest = InstanceType<typeof HTTPMisdirectedRequest>;
/** 422 Unprocessable Entity */ export const HTTPUnprocessableEntity = define('HTTPUnprocessableEntity', 422, HTTPClientError);
export type HTTPUnprocessableEntity = InstanceType<typeof HTTPUnprocessableEntity>;
/** 424 Failed Dependency */ export const HTTPFailedDependency = define('HTTPFailedDependency', 424, HTTPClientError);
export type HTTPFailedDependency = InstanceType<typeof HTTPFailedDependency>;
/** 426 Upgrade Required */ export const HTTPUpgradeRequired = define('HTTPUpgradeRequired', 426, HTTPClientError);
export type HTTPUpgradeRequired = InstanceType<typeof HTTPUpgradeRequired>;
/** 428 Precondition Required */ export const HTTPPreconditionRequired = define('HTTPPreconditionRequired', 428, HTTPClientError);
export type HTTPPreconditionRequired = InstanceType<typeof HTTPPreconditionRequired>;
/** 429 Too Many Requests */ export const HTTPTooManyRequests = define('HTTPTooManyRequests', 429, HTTPClientError);
export type HTTPTooManyRequests = InstanceType<typeof HTTPTooManyRequests>;
/** 431 Request Header Fields Too Large */ export const HTTPRequestHeaderFieldsTooLarge = define('HTTPRequestHeaderFieldsTooLarge', 431, HTTPClientError);
export type HTTPRequestHeaderFieldsTooLarge = InstanceType<typeof HTTPRequestHeaderFieldsTooLarge>;

/** 500 Internal Server Error */ export const HTTPInternalServerError = define('HTTPInternalServerError', 500, HTTPServerError);
export type HTTPInternalServerError = InstanceType<typeof HTTPInternalServerError>;
/** 501 Not Implemented */ export const HTTPNotImplemented = define('HTTPNotImplemented', 501, HTTPServerError);
export type HTTPNotImplemented = InstanceType<typeof HTTPNotImplemented>;
/** 502 Bad Gateway */ export const HTTPBadGateway = define('HTTPBadGateway', 502, HTTPServerError);
export type HTTPBadGateway = InstanceType<typeof HTTPBadGateway>;
/** 503 Service Unavailable */ export const HTTPServiceUnavailable = define('HTTPServiceUnavailable', 503, HTTPServerError);
export type HTTPServiceUnavailable = InstanceType<typeof HTTPServiceUnavailable>;
/** 504 Gateway Timeout */ export const HTTPGatewayTimeout = define('HTTPGatewayTimeout', 504, HTTPServerError);
export type HTTPGatewayTimeout = InstanceType<typeof HTTPGatewayTimeout>;
/** 505 HTTP Version Not Supported */ export const HTTPVersionNotSupported = define('HTTPVersionNotSupported', 505, HTTPServerError);
export type HTTPVersionNotSupported = InstanceType<typeof HTTPVersionNotSupported>;
/** 506 Variant Also Negotiates */ export const HTTPVariantAlsoNegotiates = define('HTTPVariantAlsoNegotiates', 506, HTTPServerError);
export type HTTPVariantAlsoNegotiates = InstanceType<typeof HTTPVariantAlsoNegotiates>;
/** 507 Insufficient Storage */ export const HTTPInsufficientStorage = define('HTTPInsufficientStorage', 507, HTTPServerError);
export type HTTPInsufficientStorage = InstanceType<typeof HTTPInsufficientStorage>;
/** 510 Not Extended */ export const HTTPNotExtended = define('HTTPNotExtended', 510, HTTPServerError);
export type HTTPNotExtended = InstanceType<typeof HTTPNotExtended>;
/** 511 Network Authentication Required */ export const HTTPNetworkAuthenticationRequired = define('HTTPNetworkAuthenticationRequired', 511, HTTPServerError);
export type HTTPNetworkAuthenticationRequired = InstanceType<typeof HTTPNetworkAuthenticationRequired>;
