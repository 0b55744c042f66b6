import { readRender } from '../../decorators/render.js';
import { type Application } from '../app/application.js';
import { HttpError } from '../http/http-error.js';
import type { Request } from '../http/request.js';
import { StreamResponse } from '../http/stream-response.js';
import { checkTemplate, render } from '../templates/templates.js';

/**
 * Wraps a controller handler whose method has `@Render(name)`: the template is checked at
 * startup, and the handler's result (the context) is rendered; a `StreamResponse` or
 * `HttpError` result is sent as is. Methods without `@Render` keep their handler unchanged.
 *
 * @example
 * ```ts
 * const handler = withRender(compileControllerHandler(Pages, 'home', params, container), Pages, 'home', app, 'Pages.home');
 * ```
 */
export function withRender(
  handler: (request: Request) => unknown,
  controller: abstract new (...args: never[]) => unknown,
  propertyKey: string | symbol,
  app: Application,
  label: string,
): (request: Request) => unknown {
  const recorded = readRender(controller, propertyKey);
  if (recorded === undefined) return handler;
  checkTemplate(app, recorded.template, label);
  return async (request) => {
    const context = await handler(request);
    if (context instanceof StreamResponse || context instanceof HttpError) return context;
    return render(request, recorded.template, (context ?? {}) as Record<string, unknown>, { status: recorded.status });
  };
}
