/**
 * HTTP primitives: requests, headers, cookies, media types, responses and the HttpError
 * family.
 *
 * @packageDocumentation
 */
export { parseCookies, serializeCookie, serializeExpiredCookie, type CookieOptions, type DeleteCookieOptions } from './cookies.js';
export { parseFormData, type FormDataLimits, type FormDataOptions } from './form-data.js';
export {
  RequestHeaders,
  ResponseHeaders,
  encodeUrlForHeader,
  type RequestHeaderSource,
  type RequestHeadersInit,
  type ResponseHeadersInit,
} from './headers.js';
export * from './http-errors.js';
export { parseJsonBody } from './json-body.js';
export { formatMediaType, isTokenString, negotiate, parseAccept, parseMediaType, type MediaRange, type MediaType } from './media-type.js';
export { DEFAULT_CLIENT_MAX_SIZE, Request, type PrepareHook, type RequestCloneOptions, type RequestOptions } from './request.js';
export { ResponseLocals } from './response-locals.js';
export { Response, html, json, redirect, text, type ResponseBody, type ResponseInit, type ResponseOptions } from './response.js';
export { sendResponse } from './send-response.js';
export { StreamResponse, type StreamResponseInit } from './stream-response.js';
export { toResponse } from './to-response.js';
