/**
 * Header collections: the read-only, lazy view of a request's headers
 * (`request-headers.ts`) and the mutable headers of an outgoing response
 * (`response-headers.ts`). Both are case-insensitive and keep repeated fields.
 */
export { RequestHeaders, type RequestHeaderSource, type RequestHeadersInit } from './request-headers.js';
export { ResponseHeaders, encodeUrlForHeader, type ResponseHeadersInit } from './response-headers.js';
