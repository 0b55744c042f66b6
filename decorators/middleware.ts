import { type MiddlewareRef, methodOwnerMetadata, ownMetadata } from './metadata.js';

/**
 * Marks a class as a middleware built by dependency injection. Its
 * `handle(request, next)` runs around the handlers it is attached to.
 *
 * @example
 * ```ts
 * @Middleware()
 * class Auth {
 *   constructor(private readonly sessions: Sessions) {}
 *   async handle(request: Request, next: Next) {
 *     const user = this.sessions.find(request.cookies.sid);
 *     if (!user) throw new HTTPUnauthorized();
 *     request.scope.provide(CurrentUser, user);
 *     return next();
 *   }
 * }
 * ```
 */
export function Middleware(): ClassDecorator {
  return (target) => {
    ownMetadata(target).middleware = true;
  };
}

/**
 * Attaches middlewares (functions or `@Middleware()` classes) to a controller or to one
 * route method. Controller middlewares run outside route middlewares.
 *
 * @example
 * ```ts
 * @Controller('/admin')
 * @Use(Auth)
 * class AdminController {
 *   @Get('/audit')
 *   @Use(timing)
 *   audit() { return []; }
 * }
 * ```
 */
export function Use(...middlewares: MiddlewareRef[]): ClassDecorator & MethodDecorator {
  return ((target: object, propertyKey?: string | symbol) => {
    if (propertyKey === undefined) {
      ownMetadata(target).uses.push(...middlewares);
      return;
    }
    const methodUses = methodOwnerMetadata(target).methodUses;
    methodUses.set(propertyKey, [...(methodUses.get(propertyKey) ?? []), ...middlewares]);
  }) as ClassDecorator & MethodDecorator;
}
