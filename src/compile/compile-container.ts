import { type Class, Container, DiError, type Provider, type ProviderDefinition, type ProviderToken } from '../../container/index.js';
import { readMetadata } from '../../decorators/metadata.js';
import { WeftError } from '../errors.js';
import { checkListEntries } from '../app/check-options.js';
import { checkKnownOptions, isOptionsObject } from '../option-checks.js';
import { type Application } from '../app/application.js';
import { type ClassRef, type ProviderLike, type RequestValueDeclaration } from '../app/app-registrations.js';
import { Scheduler } from '../jobs/scheduler.js';

/** What the modules of one app contribute, imports flattened, each class once. */
export interface ModuleContents {
  controllers: ClassRef[];
  providers: ProviderLike[];
  /** Every module middleware, for DI registration of middleware classes. */
  middlewares: import('../../decorators/metadata.js').MiddlewareRef[];
  /**
   * A module's middlewares run for the controllers that module declares (not for the
   * app's other routes, nor for misses): what NestJS users expect of module middleware.
   */
  controllerMiddlewares: Map<ClassRef, import('../../decorators/metadata.js').MiddlewareRef[]>;
  /** The module that listed each provider (the first, for one listed twice), for error messages. */
  providerModules: Map<ProviderLike, string>;
}

/** Flattens modules depth first: a module's imports come before its own contents. */
export function flattenModules(modules: ClassRef[]): ModuleContents {
  const contents: ModuleContents = { controllers: [], providers: [], middlewares: [], controllerMiddlewares: new Map(), providerModules: new Map() };
  const seen = new Set<ClassRef>();
  const visit = (module: ClassRef, path: string[]) => {
    if (seen.has(module)) return;
    seen.add(module);
    const meta = readMetadata(module)?.module;
    if (meta === undefined) {
      throw new WeftError('WEFT_ERR_INVALID_MODULE', `${[...path, module.name || 'anonymous'].join(' -> ')}: ${module.name || 'an anonymous class'} is not decorated with @Module()`);
    }
    const where = `@Module() on ${module.name}${path.length === 0 ? '' : ` (imported by ${path.join(' -> ')})`}`;
    checkModuleKeys(meta, where);
    for (const list of ['imports', 'controllers', 'providers'] as const) checkListEntries(meta[list], list, where, 'WEFT_ERR_INVALID_MODULE');
    if (meta.middlewares !== undefined && !Array.isArray(meta.middlewares)) {
      throw new WeftError('WEFT_ERR_INVALID_MODULE', `${where}: middlewares must be an array, got ${meta.middlewares === null ? 'null' : typeof meta.middlewares}`);
    }
    for (const imported of meta.imports ?? []) visit(imported, [...path, module.name]);
    contents.controllers.push(...(meta.controllers ?? []));
    for (const provider of (meta.providers ?? []) as ProviderLike[]) {
      contents.providers.push(provider);
      if (!contents.providerModules.has(provider)) contents.providerModules.set(provider, `@Module ${module.name}`);
    }
    contents.middlewares.push(...(meta.middlewares ?? []));
    for (const controller of meta.controllers ?? []) {
      contents.controllerMiddlewares.set(controller, [...(contents.controllerMiddlewares.get(controller) ?? []), ...(meta.middlewares ?? [])]);
    }
  };
  modules.forEach((module) => visit(module, []));
  return contents;
}

const MODULE_KEYS = ['imports', 'controllers', 'providers', 'middlewares'];

/** A misspelt key (`provider:`) would leave its list out silently; NestJS's `exports` has no meaning here. */
function checkModuleKeys(meta: object, where: string): void {
  if (isOptionsObject(meta) && 'exports' in meta) {
    throw new WeftError('WEFT_ERR_INVALID_MODULE', `${where}: weft has no exports: a module does not encapsulate, every provider it lists is visible to the whole app; remove exports`);
  }
  checkKnownOptions(meta, MODULE_KEYS, where, 'WEFT_ERR_INVALID_MODULE');
}

/**
 * Builds the app's container (a child of the parent's for a sub-app) and registers its
 * providers, then its controllers and DI-built middlewares as transient classes (the
 * compile step decides whether they are built once or per request), then app values and
 * test overrides. Not frozen here: the caller freezes the whole tree at once.
 */
export function buildContainer(app: Application, contents: ModuleContents, extraClasses: ClassRef[]): Container {
  const { registrations } = app;
  const container =
    app.parent === undefined ? (registrations.container ?? new Container({ name: app.name })) : app.parent.container.createChild(app.name);
  // a provider listed by two modules (the same class or object, or the same per-request
  // declaration written twice) is one provider; two different definitions of one token
  // still conflict (WEFT_DI_DUPLICATE, naming where each came from)
  const registered = new Map<unknown, string>();
  const declared = new Set<unknown>();
  for (const provider of new Set([...contents.providers, ...registrations.providers])) {
    const token = tokenOf(provider);
    const source = contents.providerModules.get(provider) ?? `createApp({ providers }) of ${app.name}`;
    if (isDeclaration(provider) && declared.has(token)) continue;
    try {
      registerProvider(container, provider);
    } catch (err) {
      if (!(err instanceof DiError && err.code === 'WEFT_DI_DUPLICATE' && registered.has(token))) throw err;
      throw new DiError('WEFT_DI_DUPLICATE', `${err.path[0] ?? String(token)} is provided twice in ${app.name}: by ${registered.get(token)} and by ${source}. List it once (a module both need can import it), or override it in tests with app.override()`, err.path, { cause: err });
    }
    registered.set(token, source);
    if (isDeclaration(provider)) declared.add(token);
  }
  if (app.parent === undefined && !container.hasOwn(Scheduler)) {
    // Every root app has a scheduler for background jobs (a factory, so it exists after init()).
    const options = { ...app.jobOptions, logger: app.logger };
    container.register(Scheduler, { useFactory: () => new Scheduler(options) });
  }
  const classes = new Set<ClassRef>([...contents.controllers, ...registrations.controllers, ...extraClasses]);
  for (const cls of classes) {
    if (!container.hasOwn(cls)) container.register(cls as Class<unknown>, { scope: 'transient' });
  }
  for (const { token, value } of registrations.values) container.provide(token as ProviderToken<unknown>, value);
  for (const { token, provider } of registrations.overrides) container.override(token as ProviderToken<unknown>, provider as Provider<unknown> | Class<unknown>);
  app.attachContainer(container);
  return container;
}

/** The token a provider registers: the class itself, or its `provide`. */
function tokenOf(provider: ProviderLike): unknown {
  return typeof provider === 'function' ? provider : (provider as { provide?: unknown }).provide;
}

/** `{ provide: token, scope: 'request' }`: a per-request declaration, the same wherever it is written. */
function isDeclaration(provider: ProviderLike): boolean {
  if (typeof provider !== 'object' || provider === null) return false;
  const keys = Object.keys(provider);
  return keys.length === 2 && keys.includes('provide') && (provider as { scope?: unknown }).scope === 'request';
}

/**
 * Registers one provider as modules and `createApp` list them: a class, a provider object
 * (`{ provide, useClass | useValue | useFactory | useExisting }`), or a declaration of a
 * per-request value (`{ provide: CurrentUser, scope: 'request' }`, filled by middlewares
 * with `request.scope.provide`).
 */
function registerProvider(container: Container, provider: ProviderLike): void {
  // the container checks every shape, declarations included: a misspelt `value:` or a
  // missing `use…` is WEFT_DI_INVALID_PROVIDER at startup, not a value no request has
  container.register(provider as Class<unknown> | ProviderDefinition<unknown> | RequestValueDeclaration);
}
