import { type MiddlewareRef, ownMetadata } from './metadata.js';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /** Middlewares for every route of the controller, after the app's and before the route's. */
  middlewares?: MiddlewareRef[];
}

/**
 * Marks a class as a controller whose decorated methods are routes under `prefix`.
 * The class is built by dependency injection: per request when it depends on a
 * request-scoped token, once otherwise.
 *
 * @example
 * ```ts
 * @Controller('/users')
 * class UsersController {
 *   constructor(private readonly users: UsersService) {}
 *
 *   @Get('/{id}')
 *   show(@Param('id') id: string) {
 *     return this.users.find(id);
 *   }
 * }
 * ```
 */
export function Controller(prefix = '', options: ControllerOptions = {}): ClassDecorator {
  return (target) => {
    ownMetadata(target).controller = { prefix, options };
  };
}
