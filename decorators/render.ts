import 'reflect-metadata';

/** The metadata key of `@Render`, read by the compile step. */
export const RENDER_METADATA = Symbol.for('weft:render');

/**
 * Renders the method's result with a template (aiohttp_jinja2's `@template`): the handler
 * returns the template context and the route answers `text/html`. A returned
 * `StreamResponse` (a redirect, a file) is sent as is. Only records the name: it works
 * above or below `@Get`, and the compile step checks at startup that the template exists
 * (a missing one fails startup, naming it). Needs `setupTemplates(app, ...)`.
 *
 * @example
 * ```ts
 * @Controller('/users')
 * class UsersPages {
 *   @Get('/{id}')
 *   @Render('users/show.njk')
 *   show(@Param('id') id: string) {
 *     return { user: { id, name: 'Ada' } };
 *   }
 * }
 * ```
 */
export function Render(template: string, options: { status?: number } = {}): MethodDecorator {
  if (typeof template !== 'string' || template === '') throw new TypeError('@Render needs a template name, such as @Render("page.njk")');
  return (target, propertyKey) => {
    Reflect.defineMetadata(RENDER_METADATA, { template, status: options.status ?? 200 }, target, propertyKey);
  };
}

/** What `@Render` recorded on a method, or undefined; inherited through the prototype chain. */
export function readRender(controller: abstract new (...args: never[]) => unknown, propertyKey: string | symbol): { template: string; status: number } | undefined {
  return Reflect.getMetadata(RENDER_METADATA, controller.prototype as object, propertyKey) as { template: string; status: number } | undefined;
}
