import { HTTPBadRequest, HTTPMethodNotAllowed, HTTPNotAcceptable, HTTPNotFound, type HttpError } from '../http/http-errors.js';
import { type Request } from '../http/request.js';
import { type MatchResult } from '../router/index.js';

/** The HTTP error a router miss raises inside the owning app's middleware chain. */
export function matchError(match: Exclude<MatchResult<unknown, unknown>, { kind: 'found' }>, request: Request): HttpError {
  switch (match.kind) {
    case 'not-found':
      return new HTTPNotFound();
    case 'method-not-allowed':
      return new HTTPMethodNotAllowed(request.method, match.allow);
    case 'not-acceptable':
      return new HTTPNotAcceptable({ text: `406: Not Acceptable (available: ${match.available.join(', ')})` });
    case 'bad-request':
      return new HTTPBadRequest({ text: `400: Bad Request (${match.reason})` });
  }
}
