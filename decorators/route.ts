import { type RouteOptions, methodOwnerMetadata } from './metadata.js';

/**
 * Declares a route on a controller method. `method` is an HTTP method or `'*'` for any;
 * `path` uses aiohttp's syntax (`/users/{id}`, `/{id:\d+}`, `/{tail:.*}`) and is joined to
 * the controller's prefix.
 *
 * @example
 * ```ts
 * @Controller('/files')
 * class FilesController {
 *   @Route('*', '/{path:.*}')
 *   any(request: Request) {
 *     return { method: request.method, path: request.params.path };
 *   }
 * }
 * ```
 */
export function Route(method: string, path: string, options: RouteOptions = {}): MethodDecorator {
  return (target, propertyKey) => {
    // a method that is no string (JavaScript) is recorded as given and refused at compile, naming the route
    methodOwnerMetadata(target).routes.push({ method: typeof method === 'string' ? method.toUpperCase() : method, path, propertyKey, options });
  };
}

const verb =
  (method: string) =>
  (path = '', options: RouteOptions = {}): MethodDecorator =>
    Route(method, path, options);

/**
 * Routes a GET request (which also answers HEAD) to the method.
 *
 * @example
 * ```ts
 * @Get('/{id}', { name: 'user' })
 * show(@Param('id') id: string) { return { id }; }
 * ```
 */
export const Get = verb('GET');
/** Routes a POST request to the method. @example `@Post('') create(@Body() body: NewUser) {}` (at the controller's prefix itself; `'/'` would add a trailing slash) */
export const Post = verb('POST');
/** Routes a PUT request to the method. @example `@Put('/{id}') replace(@Param('id') id: string) {}` */
export const Put = verb('PUT');
/** Routes a PATCH request to the method. @example `@Patch('/{id}') update(@Body() patch: object) {}` */
export const Patch = verb('PATCH');
/** Routes a DELETE request to the method. @example `@Delete('/{id}') remove(@Param('id') id: string) {}` */
export const Delete = verb('DELETE');
/** Routes a HEAD request to the method (GET routes answer HEAD already). @example `@Head('/') probe() {}` */
export const Head = verb('HEAD');
/** Routes an OPTIONS request to the method. @example `@Options('/') allow() {}` */
export const Options = verb('OPTIONS');
