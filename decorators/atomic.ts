import { methodOwnerMetadata } from './metadata.js';

/**
 * Marks a route method as atomic (aiojobs' `@atomic`): it runs to completion even if the
 * client disconnects. With the runner's `handlerCancellation` on, the request's `signal`
 * of an atomic handler does not abort when the client goes away; it still aborts when the
 * server's shutdown timeout is reached, since a shutdown must end. Without
 * `handlerCancellation` every handler already runs to completion, and `@Atomic()` only
 * documents the intent. For a plain function route, pass `{ atomic: true }` to
 * `app.router.add`. Inherited by subclasses with the route.
 *
 * @example
 * ```ts
 * @Controller('/orders')
 * class OrdersController {
 *   constructor(private readonly orders: OrdersRepository) {}
 *
 *   @Post('')
 *   @Atomic()
 *   async create(@Body() order: NewOrder) {
 *     // saved even if the client has already left
 *     return this.orders.save(order);
 *   }
 * }
 * ```
 */
export function Atomic(): MethodDecorator {
  return (target, propertyKey) => {
    methodOwnerMetadata(target).atomic.add(propertyKey);
  };
}
