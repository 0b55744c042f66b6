/**
 * Framework errors: every error weft itself throws at startup or on misuse carries a
 * stable code (`WEFT_ERR_*`) and says what to do. They are not HTTP errors: those are
 * the `HttpError` family in `http/http-errors.ts`, raised by user code to answer a
 * request. DI errors have their own coded family in `container/errors.ts`.
 */

/**
 * Every code weft's framework errors can carry, with its default explanation.
 *
 * @example
 * ```ts
 * try {
 *   app.router.add('GET', '/', handler);
 * } catch (err) {
 *   if (err instanceof WeftError) console.error(err.code, ERROR_CODES[err.code]);
 * }
 * ```
 */
export const ERROR_CODES = {
  // application and compile
  WEFT_ERR_APP_FROZEN: 'the application is frozen after startup; register before it starts',
  WEFT_ERR_DUPLICATE_ROUTE: 'two routes have the same method, path and predicates',
  WEFT_ERR_INVALID_CONTROLLER: 'a class used as a controller is not decorated with @Controller',
  WEFT_ERR_INVALID_MIDDLEWARE: 'a middleware is neither a function nor a @Middleware() class',
  WEFT_ERR_INVALID_MODULE: 'a class used as a module is not decorated with @Module',
  WEFT_ERR_INVALID_HANDLER: 'a route handler is missing or not a function',
  WEFT_ERR_MOUNT: 'a sub-application cannot be mounted there',
  WEFT_ERR_NOT_STARTED: 'the application has not been started yet',
  WEFT_ERR_LIFECYCLE: 'a lifecycle hook or cleanup context misbehaved',
  // lifecycle and jobs
  WEFT_ERR_STARTUP: 'a startup hook, cleanup context or lifecycle provider failed; the cause is the original error',
  WEFT_ERR_LIFECYCLE_SCOPE: 'a lifecycle provider must be a singleton (it is resolved once, at startup)',
  WEFT_ERR_JOBS_OPTIONS: 'a scheduler option or a spawn() argument is not valid',
  WEFT_ERR_JOBS_CLOSED: 'the scheduler is closed: the application is shutting down',
  WEFT_ERR_JOBS_FULL: 'the scheduler is at its limit and its pending queue is full',
  // router
  WEFT_ERR_INVALID_PATH: 'a route path is not valid',
  WEFT_ERR_ROUTE_NAME: 'a route name is unknown, duplicated or invalid',
  WEFT_ERR_URL_PARAMS: 'the parameters given to build a URL do not fit the route',
  WEFT_ERR_INVALID_ROUTE: 'a route definition is not valid (method, accept, predicates) or a resource lacks resolve()',
  // http
  WEFT_ERR_HEADERS_SENT: 'the response headers were already sent; change them before prepare()',
  WEFT_ERR_RESPONSE_STATE: 'the response cannot do that in its current state',
  WEFT_ERR_BODY_CONSUMED: 'the request body was already read as a stream',
  WEFT_ERR_CLIENT_GONE: 'the client closed the connection',
  WEFT_ERR_INVALID_HEADER: 'a header name or value is not valid (names are tokens; values have no CR, LF or NUL)',
  WEFT_ERR_INVALID_COOKIE: 'a cookie name, value or attribute is not valid',
  WEFT_ERR_INVALID_STATUS: 'a response status must be an integer from 200 to 599 (and a reason phrase one line)',
  WEFT_ERR_INVALID_BODY: 'a response body cannot be sent as given',
  WEFT_ERR_CONTENT_LENGTH: 'a streamed body does not match the Content-Length it declared: the excess is not sent; a short body closes the connection',
  // server and running
  WEFT_ERR_RUNNER_STATE: 'the runner cannot do that in its current state: setup() once, then start sites, then cleanup()',
  WEFT_ERR_SITE: 'a site could not start (address in use, bad path, not a socket) or belongs to another runner',
  WEFT_ERR_INVALID_OPTION: 'an option is unknown or not valid (createApp(), a route, a response, a runner, a site, runApp, the logger)',
  WEFT_ERR_SHUTDOWN_TIMEOUT: 'the server shut down before the handler finished (shutdownTimeout reached)',
  WEFT_ERR_ACCESS_LOG_FORMAT: 'an access log format is not valid',
  // static files and templates
  WEFT_ERR_STATIC: 'app.static() was given a bad prefix, directory or option',
  WEFT_ERR_TEMPLATE: 'a template is missing, the template setup is invalid, or rendering failed',
  // cli and cluster
  WEFT_ERR_CLI_USAGE: 'a weft command line is not valid (unknown command or option, missing or bad value); see weft --help',
  WEFT_ERR_CLI_TARGET: 'the <module>:<export> given to weft cannot be loaded, or the export is neither an Application nor a zero-argument factory',
  WEFT_ERR_WORKER_BOOT: 'a cluster worker failed to boot (its app could not be loaded or started); the supervisor stops',
  // websockets
  WEFT_ERR_WS_CONCURRENT_RECEIVE: 'a websocket is read by one task at a time: receive() was called while another receive() waits',
  WEFT_ERR_WS_CLOSED: 'the websocket is closing or closed: nothing more can be sent',
  WEFT_ERR_WS_OPTIONS: 'a websocket option is not valid',
  WEFT_ERR_WS_TIMEOUT: 'receive() got no message within its timeout (the websocket stays open)',
  WEFT_ERR_WS_HANDSHAKE: 'the TestClient could not complete a websocket handshake the server answered with 101',
  WEFT_ERR_TEST_TIMEOUT: 'a TestClient request got no complete response within its timeout',
  WEFT_ERR_TEST_CLIENT_CLOSED: 'the TestClient was closed: its server is stopped; a closed client does not start again',
  WEFT_ERR_WS_HEARTBEAT: 'the websocket peer did not answer a heartbeat ping in time',
  WEFT_ERR_WS_MESSAGE_TYPE: 'receiveStr/receiveBytes/receiveJson got a message of another type',
  WEFT_ERR_WS_UPGRADED: 'an HTTP response was returned for a request whose websocket handshake was done: the connection speaks websocket, so it is closed with 1011 instead',
  WEFT_ERR_PUBSUB_CLOSED: 'the broadcaster or its pub/sub backend is closed',
  WEFT_ERR_PUBSUB_CONCURRENT_READ: 'a subscription has one reader: next() was called while another next() waits',
  WEFT_ERR_REDIS_OPTIONS: 'a RedisPubSub option is not valid',
} as const;

/** A code of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error raised by weft itself, with a stable code.
 *
 * @example
 * ```ts
 * try {
 *   app.router.add('GET', '/late', handler);
 * } catch (err) {
 *   if (err instanceof WeftError && err.code === 'WEFT_ERR_APP_FROZEN') console.error(err.message);
 * }
 * ```
 */
export class WeftError extends Error {
  override name = 'WeftError';

  /** @param code the stable code. @param detail what happened, in this instance. */
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${detail ?? ERROR_CODES[code]}`, options);
  }
}
