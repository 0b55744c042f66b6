import { type ParamMetadata, methodOwnerMetadata } from './metadata.js';

type ParamRecord = ParamMetadata extends infer P ? (P extends { index: number } ? Omit<P, 'index'> : never) : never;

/** Records how parameter `index` of a method is filled. */
export function recordParam(target: object, propertyKey: string | symbol | undefined, index: number, param: ParamRecord): void {
  if (propertyKey === undefined) {
    throw new TypeError(`parameter decorators like @${param.kind} go on route methods, not on constructors`);
  }
  // on a static method the target is the class itself: recorded there, refused at compile
  const params = methodOwnerMetadata(target).params;
  const list = params.get(propertyKey) ?? [];
  list.push({ ...param, index } as ParamMetadata);
  params.set(propertyKey, list);
}

/**
 * Injects a path parameter (a string, decoded once), or all of them without a name.
 *
 * @example
 * ```ts
 * @Get('/users/{id}')
 * show(@Param('id') id: string) { return { id }; }
 * ```
 */
export function Param(name?: string): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'param', name });
}

/**
 * Injects a query parameter (its first value, or undefined), or the whole query without a name.
 *
 * @example
 * ```ts
 * @Get('/search')
 * search(@Query('q') q: string | undefined) { return { q }; }
 * ```
 */
export function Query(name?: string): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'query', name });
}

/**
 * Injects the request body, parsed by its content type: JSON, form data (urlencoded or
 * multipart) or text; any other type is 415.
 *
 * @example
 * ```ts
 * @Post('/users')
 * create(@Body() user: { name: string }) { return user; }
 * ```
 */
export function Body(): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'body' });
}

/**
 * Injects one request header (undefined when absent), or the headers without a name.
 *
 * @example
 * ```ts
 * @Get('/')
 * agent(@Headers('user-agent') ua: string | undefined) { return { ua }; }
 * ```
 */
export function Headers(name?: string): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'headers', name: name?.toLowerCase() });
}

/**
 * Injects the `Request`.
 *
 * @example
 * ```ts
 * @Get('/')
 * index(@Req() request: Request) { return request.path; }
 * ```
 */
export function Req(): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'req' });
}

/**
 * Injects the request's `AbortSignal`, aborted when the handler is cancelled.
 *
 * @example
 * ```ts
 * @Get('/slow')
 * slow(@Signal() signal: AbortSignal) { return fetchSlowly({ signal }); }
 * ```
 */
export function Signal(): ParameterDecorator {
  return (target, key, index) => recordParam(target, key, index, { kind: 'signal' });
}
