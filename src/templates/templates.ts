/**
 * Templates with nunjucks (jinja2's syntax, as aiohttp_jinja2 offers): one environment per
 * application, set up with {@link setupTemplates}, used by {@link render} and `@Render`.
 */
import path from 'node:path';
import type nunjucks from 'nunjucks';
import { type Application } from '../app/application.js';
import { WeftError } from '../errors.js';
import { checkKnownOptions } from '../option-checks.js';
import { HTTPInternalServerError } from '../http/http-errors.js';
import type { Request } from '../http/request.js';
import { Response } from '../http/response.js';

/**
 * Options of {@link setupTemplates}.
 *
 * @example
 * ```ts
 * const options: TemplateOptions = { directory: './templates', filters: { upper: (s: string) => s.toUpperCase() } };
 * ```
 */
export interface TemplateOptions {
  /** Where templates are looked up, first match wins. */
  directory: string | string[];
  /** HTML-escape every `{{ value }}` unless marked `| safe`. Default true. */
  autoescape?: boolean;
  /** Reload templates when they change (development). Default false. */
  watch?: boolean;
  /** Template filters by name. */
  filters?: Record<string, (...args: never[]) => unknown>;
  /** Values visible in every template. */
  globals?: Record<string, unknown>;
  /**
   * Merged into each context before the handler's (aiohttp_jinja2's context processors),
   * e.g. the current user. `request` is always available as `request`.
   */
  contextProcessors?: Array<(request: Request) => Record<string, unknown> | Promise<Record<string, unknown>>>;
}

interface TemplateSetup {
  env: nunjucks.Environment;
  processors: NonNullable<TemplateOptions['contextProcessors']>;
}

const setups = new WeakMap<Application, TemplateSetup>();

/** The options `setupTemplates()` takes. */
const TEMPLATE_OPTIONS: readonly string[] = ['directory', 'autoescape', 'watch', 'filters', 'globals', 'contextProcessors'];

/**
 * Sets up templates for `app` and its sub-applications (a sub-app may have its own).
 * Throws `WEFT_ERR_TEMPLATE` for a missing directory option.
 *
 * @example
 * ```ts
 * const app = createApp({ controllers: [Pages] });
 * setupTemplates(app, { directory: path.join(__dirname, 'templates') });
 * ```
 */
export function setupTemplates(app: Application, options: TemplateOptions): nunjucks.Environment {
  app.assertNotFrozen('set up templates');
  checkKnownOptions(options, TEMPLATE_OPTIONS, 'setupTemplates()', 'WEFT_ERR_TEMPLATE');
  const dirs = Array.isArray(options?.directory) ? options.directory : [options?.directory];
  if (dirs.length === 0 || dirs.some((d) => typeof d !== 'string' || d === '')) {
    throw new WeftError('WEFT_ERR_TEMPLATE', 'setupTemplates needs { directory: "<path>" } (a path or a list of paths)');
  }
  if (options.watch === true && !canWatch()) {
    throw new WeftError('WEFT_ERR_TEMPLATE', 'setupTemplates: watch needs the chokidar package (npm install chokidar), which nunjucks uses to see changed templates');
  }
  // loaded on first use: most apps render no templates and need not carry nunjucks
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engine = require('nunjucks') as typeof nunjucks;
  const loader = containedLoader(engine, dirs as string[], options.watch ?? false);
  const env = new engine.Environment(loader, { autoescape: options.autoescape ?? true, throwOnUndefined: false });
  for (const [name, filter] of Object.entries(options.filters ?? {})) env.addFilter(name, filter as (...args: unknown[]) => unknown);
  for (const [name, value] of Object.entries(options.globals ?? {})) env.addGlobal(name, value);
  setups.set(app, { env, processors: [...(options.contextProcessors ?? [])] });
  return env;
}

/** The template setup of `app` or its nearest parent, or undefined. */
function setupOf(app: Application): TemplateSetup | undefined {
  for (let current: Application | undefined = app; current !== undefined; current = current.parent) {
    const setup = setups.get(current);
    if (setup !== undefined) return setup;
  }
  return undefined;
}

/**
 * @internal checks at startup that `template` exists and compiles for `app`; throws
 * `WEFT_ERR_TEMPLATE` naming it and the route otherwise.
 */
export function checkTemplate(app: Application, template: string, where: string): void {
  const setup = setupOf(app);
  if (setup === undefined) throw new WeftError('WEFT_ERR_TEMPLATE', `${where} uses @Render(${JSON.stringify(template)}) but ${app.name} has no templates: call setupTemplates(app, { directory })`);
  try {
    setup.env.getTemplate(template, true);
  } catch (err) {
    throw new WeftError('WEFT_ERR_TEMPLATE', `${where}: template ${JSON.stringify(template)} cannot be loaded: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Renders a template of the request's application into a `text/html` Response. A missing
 * template, a missing setup or a failing template raise a 500 naming the template (as
 * aiohttp_jinja2 does); autoescaping is on unless set up otherwise. An unknown key in `init`
 * is `WEFT_ERR_INVALID_OPTION` (a misspelt `status` would send a 200).
 *
 * @example
 * ```ts
 * app.router.add('GET', '/', (request) => render(request, 'home.njk', { title: 'Home' }));
 * ```
 */
export async function render(request: Request, template: string, context: Record<string, unknown> = {}, init: { status?: number } = {}): Promise<Response> {
  checkKnownOptions(init, ['status'], 'render()');
  const setup = setupOf(request.app);
  if (setup === undefined) throw new HTTPInternalServerError({ text: `Template engine is not set up: cannot render ${JSON.stringify(template)}` });
  if (typeof template !== 'string' || template === '') {
    request.log.error({ template, requestId: request.id }, 'a template name must be a non-empty string');
    throw new HTTPInternalServerError({ text: `Template ${JSON.stringify(template) ?? String(template)} not found` });
  }
  if (context === null || typeof context !== 'object' || Array.isArray(context)) {
    throw new HTTPInternalServerError({ text: `the context of template ${JSON.stringify(template)} must be an object` });
  }
  const full: Record<string, unknown> = { request };
  for (const processor of setup.processors) Object.assign(full, await processor(request));
  Object.assign(full, context);
  const html = await new Promise<string>((resolve, reject) => {
    const failed = (err: Error): void => {
      request.log.error({ err, template, requestId: request.id }, 'rendering a template failed');
      reject(templateError(template, err));
    };
    try {
      setup.env.render(template, full, (err, result) => (err === null ? resolve(result ?? '') : failed(err)));
    } catch (err) {
      // nunjucks throws some errors at once rather than passing them to the callback
      failed(err as Error);
    }
  });
  return new Response({ text: html, contentType: 'text/html', status: init.status });
}

function templateError(template: string, err: Error): HTTPInternalServerError {
  // the template itself; a missing include inside it is a render failure (aiohttp_jinja2's words)
  const missing = err.message === `template not found: ${template}`;
  return new HTTPInternalServerError({ text: missing ? `Template ${JSON.stringify(template)} not found` : `Template ${JSON.stringify(template)} failed to render` });
}

/** Whether nunjucks can watch templates: it needs chokidar, an optional dependency of it. */
function canWatch(): boolean {
  try {
    require.resolve('chokidar', { paths: [require.resolve('nunjucks')] });
    return true;
  } catch {
    return false;
  }
}

/**
 * nunjucks' file loader, kept inside its directories: it accepts any path that starts with
 * a directory's path as a string, so `../templates-old/x.njk`, the same as an absolute path
 * or a relative `{% include %}`, reached a sibling directory. A name resolving outside every
 * directory, or to a directory, is not found, as with jinja2's FileSystemLoader.
 */
function containedLoader(engine: typeof nunjucks, dirs: string[], watch: boolean): nunjucks.FileSystemLoader {
  const roots = dirs.map((dir) => {
    const root = path.resolve(dir);
    return root.endsWith(path.sep) ? root : root + path.sep;
  });
  const loader = new engine.FileSystemLoader(dirs, { watch, noCache: watch });
  const getSource = loader.getSource.bind(loader);
  loader.getSource = (name: string) => {
    if (typeof name !== 'string' || name.includes('\0')) return null as never;
    let source;
    try {
      source = getSource(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') return null as never;
      throw err;
    }
    if (source === null || source === undefined) return source as never;
    return (roots.some((root) => source.path.startsWith(root)) ? source : null) as never;
  };
  return loader;
}
