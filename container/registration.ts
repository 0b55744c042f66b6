/**
 * Registration records: what `register`, `provide`, `declare` and `override` store before
 * `freeze()`, checked and normalised at once so that a malformed provider fails where it
 * was written, not later at startup.
 */
import { checkOptions } from './container-options.js';
import { DiError } from './errors.js';
import { readInjectable } from './injection-metadata.js';
import { Key } from './key.js';
import type { Dependency } from './provider.js';
import {
  isClassProvider,
  isExistingProvider,
  isFactoryProvider,
  isOptionalDependency,
  isValueProvider,
} from './provider.js';
import type { Scope } from './scope.js';
import { isScope } from './scope.js';
import type { Class, ProviderToken, Token } from './token.js';
import { isProviderToken, isToken, tokenName } from './token.js';

/**
 * A provider after validation, tagged by kind. `declared` is a token only ever provided per
 * request (`container.declare`).
 *
 * @example
 * ```ts
 * const recipe: Recipe = { kind: 'value', value: config };
 * ```
 */
export type Recipe =
  | { readonly kind: 'class'; readonly useClass: Class<unknown>; readonly scope: Scope; readonly deps?: readonly Dependency[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | {
      readonly kind: 'factory';
      readonly factory: (...args: never[]) => unknown;
      readonly scope: Scope;
      readonly deps: readonly Dependency[];
    }
  | { readonly kind: 'existing'; readonly target: Token }
  | { readonly kind: 'declared' };

/**
 * One registration in one container.
 *
 * @example
 * ```ts
 * const registration: Registration = { token: Db, name: 'Key(db)', recipe: { kind: 'value', value: pool } };
 * ```
 */
export interface Registration {
  readonly token: ProviderToken<unknown>;
  readonly name: string;
  readonly recipe: Recipe;
}

/** The `use…` members, exactly one of which makes an object a provider. */
const PROVIDER_MEMBERS = ['useClass', 'useValue', 'useFactory', 'useExisting'] as const;

/**
 * Whether the second argument of `register(token, x)` is a provider (it has a `use…` member)
 * rather than options.
 *
 * @example
 * ```ts
 * looksLikeProvider({ useValue: 1 }); // true
 * looksLikeProvider({ scope: 'request' }); // false
 * ```
 */
export function looksLikeProvider(value: unknown): boolean {
  return typeof value === 'object' && value !== null && PROVIDER_MEMBERS.some((member) => member in value);
}

/**
 * Checks a token given to a registration method: a class or a Key.
 *
 * @example
 * ```ts
 * assertProviderToken('db', 'register'); // throws WEFT_DI_INVALID_TOKEN
 * ```
 */
export function assertProviderToken(token: unknown, method: string): asserts token is ProviderToken<unknown> {
  if (isProviderToken(token)) return;
  const foreign = typeof token === 'string' || typeof token === 'symbol';
  const hint = !foreign
    ? 'give a class or a Key'
    : method === 'override'
      ? 'strings and symbols are only looked up in a fallback container (inversify, tsyringe), never provided by weft, so weft cannot override them; ' +
        'replace the binding in that container for the test (inversify: rebind(id).toConstantValue(fake); tsyringe: register(id, { useValue: fake })), ' +
        'or inject the service through a class or a Key, which override() takes'
      : 'strings and symbols are only looked up in a fallback container (inversify, tsyringe); register a class or a Key';
  throw new DiError('WEFT_DI_INVALID_TOKEN', `${method}() got ${tokenName(token)} as token: ${hint}`, [tokenName(token)]);
}

/**
 * The registration made by `register(SomeClass, { scope })`: scope given, else the class's
 * `@Injectable({ scope })`, else `singleton`.
 *
 * @example
 * ```ts
 * classRegistration(UsersService, undefined).recipe; // { kind: 'class', useClass: UsersService, scope: 'singleton' }
 * ```
 */
export function classRegistration(cls: Class<unknown>, scope: unknown): Registration {
  const name = tokenName(cls);
  return { token: cls, name, recipe: { kind: 'class', useClass: cls, scope: checkScope(scope, name) ?? defaultScope(cls) } };
}

/** What each kind of provider takes besides `provide`. */
const MEMBERS_OF: Record<(typeof PROVIDER_MEMBERS)[number], readonly string[]> = {
  useValue: ['useValue'],
  useExisting: ['useExisting'],
  useClass: ['useClass', 'scope', 'deps'],
  useFactory: ['useFactory', 'scope', 'deps'],
};

/** A member a provider's kind does not take is a mistake (`{ useValue, scope: 'request' }` would stay one value). */
function checkMembers(provider: object, kind: (typeof PROVIDER_MEMBERS)[number], name: string): void {
  const allowed = MEMBERS_OF[kind];
  const extra = Object.keys(provider).filter((key) => !allowed.includes(key));
  if (extra.length === 0) return;
  const hint = kind === 'useValue' && extra.includes('scope') ? ' (a value is one instance: give useFactory a scope for one per request)' : '';
  throw invalid(name, `a ${kind} provider takes ${allowed.join(', ')}; ${extra.map((key) => JSON.stringify(key)).join(', ')} would be ignored${hint}`);
}

/**
 * Validates a provider object and turns it into a registration.
 *
 * @throws DiError `WEFT_DI_INVALID_PROVIDER` or `WEFT_DI_INVALID_TOKEN`, naming the token.
 * @example
 * ```ts
 * providerRegistration(Clock, { useClass: SystemClock });
 * ```
 */
export function providerRegistration(token: ProviderToken<unknown>, provider: unknown): Registration {
  const name = tokenName(token);
  const members = PROVIDER_MEMBERS.filter((member) => typeof provider === 'object' && provider !== null && member in provider);
  if (members.length !== 1) {
    const found = members.length === 0 ? 'none' : members.join(' and ');
    throw invalid(name, `a provider needs exactly one of useClass, useValue, useFactory, useExisting (found ${found})`);
  }
  checkMembers(provider as object, members[0]!, name);
  if (isValueProvider(provider)) return { token, name, recipe: { kind: 'value', value: provider.useValue } };
  if (isExistingProvider(provider)) {
    if (!isToken(provider.useExisting)) throw invalid(name, `useExisting must be a token, got ${tokenName(provider.useExisting)}`);
    if (provider.useExisting === token) throw invalid(name, 'useExisting points to the token itself');
    return { token, name, recipe: { kind: 'existing', target: provider.useExisting } };
  }
  if (isClassProvider(provider)) {
    if (typeof provider.useClass !== 'function') throw invalid(name, `useClass must be a class, got ${tokenName(provider.useClass)}`);
    const scope = checkScope(provider.scope, name) ?? defaultScope(provider.useClass);
    const deps = provider.deps === undefined ? undefined : checkDeps(provider.deps, name);
    if (deps !== undefined && deps.length < provider.useClass.length) {
      throw invalid(name, `deps lists ${deps.length} of the ${provider.useClass.length} constructor parameters of ${tokenName(provider.useClass)}: the rest would be undefined`);
    }
    return { token, name, recipe: { kind: 'class', useClass: provider.useClass, scope, deps } };
  }
  if (isFactoryProvider(provider)) {
    if (typeof provider.useFactory !== 'function') throw invalid(name, 'useFactory must be a function');
    const deps = checkDeps(provider.deps ?? [], name);
    const scope = checkScope(provider.scope, name) ?? 'singleton';
    return { token, name, recipe: { kind: 'factory', factory: provider.useFactory, scope, deps } };
  }
  throw invalid(name, 'unknown provider kind');
}

/**
 * Reads the arguments of `container.register()` in its three forms: `(Class, options?)`,
 * `(token, provider, options?)` and `({ provide: token, ...provider }, options?)`, where
 * `{ provide: token, scope: 'request' }` (no `use…` member) declares a per-request token.
 * `assertOpen` is called with the token before anything else is checked.
 *
 * @example
 * ```ts
 * registerArguments(Clock, { useClass: SystemClock }, undefined, () => {});
 * // { registration: { token: Clock, ... }, override: false }
 * ```
 */
export function registerArguments(
  token: unknown,
  second: unknown,
  third: unknown,
  assertOpen: (token: unknown) => void,
): { registration: Registration; override: boolean } {
  if (typeof token === 'object' && token !== null && !(token instanceof Key) && 'provide' in token) {
    const { provide, ...provider } = token;
    assertOpen(provide);
    assertProviderToken(provide, 'register');
    const override = checkOptions(second, ['override'], tokenName(provide))?.override === true;
    // `{ provide: CurrentUser, scope: 'request' }` in a module's providers is a declaration
    const declaration = !looksLikeProvider(provider) && Object.keys(provider).join() === 'scope';
    return { registration: declaration ? declaredRegistration(provide, provider) : providerRegistration(provide, provider), override };
  }
  assertOpen(token);
  assertProviderToken(token, 'register');
  if (looksLikeProvider(second)) {
    const override = checkOptions(third, ['override'], tokenName(token))?.override === true;
    return { registration: providerRegistration(token, second), override };
  }
  if (token instanceof Key) {
    throw invalid(
      token.toString(),
      `a Key needs a provider, e.g. container.register(${token}, { useValue | useClass | useFactory | useExisting }) or container.provide(${token}, value)`,
    );
  }
  const options = checkOptions(second, ['scope', 'override'], tokenName(token));
  return { registration: classRegistration(token as Class<unknown>, options?.scope), override: options?.override === true };
}

/**
 * The registration made by `declare(token, { scope: 'request' })`.
 *
 * @example
 * ```ts
 * declaredRegistration(CurrentUser, { scope: 'request' });
 * ```
 */
export function declaredRegistration(token: ProviderToken<unknown>, options: unknown): Registration {
  const name = tokenName(token);
  const scope = (options as { scope?: unknown } | undefined)?.scope;
  if (scope !== 'request') {
    throw invalid(name, `declare(${name}, options) needs { scope: 'request' } (got ${JSON.stringify(scope)}): only per-request values are declared`);
  }
  return { token, name, recipe: { kind: 'declared' } };
}

function defaultScope(cls: Class<unknown>): Scope {
  return readInjectable(cls)?.scope ?? 'singleton';
}

function checkScope(scope: unknown, name: string): Scope | undefined {
  if (scope === undefined || isScope(scope)) return scope;
  throw invalid(name, `scope ${JSON.stringify(scope)} is not one of 'singleton', 'request', 'transient'`);
}

function checkDeps(deps: unknown, name: string): readonly Dependency[] {
  if (!Array.isArray(deps)) throw invalid(name, 'deps must be an array of tokens');
  deps.forEach((dep: unknown, index) => {
    const token = isOptionalDependency(dep) ? dep.token : dep;
    if (!isToken(token)) {
      throw new DiError(
        'WEFT_DI_INVALID_TOKEN',
        `dependency #${index + 1} of ${name} is ${tokenName(token)}, not a token (undefined often means a circular import)`,
        [name],
      );
    }
  });
  return deps as readonly Dependency[];
}

function invalid(name: string, detail: string): DiError {
  return new DiError('WEFT_DI_INVALID_PROVIDER', `invalid provider for ${name}: ${detail}`, [name]);
}
