/**
 * The DI metadata format and its reader. Decorators in `decorators/` call the `record…`
 * functions; the container (and the HTTP compile step, for handler parameters) calls the
 * `read…` functions, once, at startup. Metadata lives on the class through reflect-metadata,
 * beside the `design:paramtypes` TypeScript emits.
 */
import 'reflect-metadata';
import { DiError } from './errors.js';
import type { Scope } from './scope.js';
import { isScope } from './scope.js';
import type { Token } from './token.js';
import { isToken, tokenName } from './token.js';

const INJECTABLE = 'weft:di:injectable';
const PARAMETERS = 'weft:di:parameters';
const PARAMTYPES = 'design:paramtypes';

/**
 * What `@Injectable()` records about a class.
 *
 * @example
 * ```ts
 * const options: InjectableOptions = { scope: 'request' };
 * ```
 */
export interface InjectableOptions {
  /** The scope `container.register(Class)` uses when none is given. */
  readonly scope?: Scope;
}

/**
 * What `@Inject()` / `@Optional()` record about one parameter.
 *
 * @example
 * ```ts
 * const injection: ParameterInjection = { token: Db, optional: false };
 * ```
 */
export interface ParameterInjection {
  readonly token?: Token;
  readonly optional: boolean;
}

/**
 * One parameter, as the container will inject it. `token` is undefined when no token is
 * known (an interface, union or primitive type with no `@Inject`); `designType` is what
 * TypeScript emitted, for the error message.
 *
 * @example
 * ```ts
 * for (const p of readConstructorParameters(UsersService) ?? []) console.log(p.index, p.token, p.optional);
 * ```
 */
export interface ParameterDependency {
  readonly index: number;
  readonly token: Token | undefined;
  readonly optional: boolean;
  readonly designType: unknown;
}

/** Functions (constructors): what class decorators are given. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a decorator target is any constructor
type Constructor = Function;

/**
 * Records `@Injectable(options)` on a class.
 *
 * @example
 * ```ts
 * recordInjectable(UsersService, { scope: 'request' });
 * ```
 */
export function recordInjectable(target: Constructor, options: InjectableOptions = {}): void {
  if (options.scope !== undefined && !isScope(options.scope)) {
    throw new DiError(
      'WEFT_DI_INVALID_PROVIDER',
      `@Injectable() on ${tokenName(target)} has scope ${JSON.stringify(options.scope)}; use 'singleton', 'request' or 'transient'`,
      [tokenName(target)],
    );
  }
  Reflect.defineMetadata(INJECTABLE, { ...options }, target);
}

/**
 * What `@Injectable()` recorded on a class or the nearest decorated base class.
 *
 * @example
 * ```ts
 * readInjectable(UsersService)?.scope; // 'request'
 * ```
 */
export function readInjectable(target: Constructor): InjectableOptions | undefined {
  return Reflect.getMetadata(INJECTABLE, target) as InjectableOptions | undefined;
}

/**
 * Records the token of one parameter (`@Inject(token)`). `propertyKey` is undefined for a
 * constructor parameter, the method name for a method parameter (a handler, for example).
 *
 * @example
 * ```ts
 * recordParameterToken(UsersService, undefined, 0, Db); // constructor(@Inject(Db) db: Pool)
 * ```
 */
export function recordParameterToken(
  target: object,
  propertyKey: string | symbol | undefined,
  index: number,
  token: Token,
): void {
  if (!isToken(token)) {
    const where = `parameter #${index + 1} of ${describeTarget(target, propertyKey)}`;
    throw new DiError(
      'WEFT_DI_INVALID_TOKEN',
      `@Inject() on ${where} got ${tokenName(token)}; ` +
        (token === undefined
          ? 'the token is undefined when the decorator runs, usually because of a circular import: move the token (a Key) to a module of its own'
          : 'give a class, a Key, a string or a symbol'),
      [where],
    );
  }
  updateParameter(target, propertyKey, index, (p) => ({ ...p, token }));
}

/**
 * Records that one parameter is optional (`@Optional()`): missing means `undefined`.
 *
 * @example
 * ```ts
 * recordParameterOptional(UsersService, undefined, 1); // constructor(db: Db, @Optional() cache?: Cache)
 * ```
 */
export function recordParameterOptional(target: object, propertyKey: string | symbol | undefined, index: number): void {
  updateParameter(target, propertyKey, index, (p) => ({ ...p, optional: true }));
}

/**
 * The `@Inject()` / `@Optional()` records of one constructor (`propertyKey` undefined) or
 * method, by parameter index. Only what was recorded on `target` itself.
 *
 * @example
 * ```ts
 * readParameterInjections(UsersController.prototype, 'list').get(0)?.token; // CurrentUser
 * ```
 */
export function readParameterInjections(
  target: object,
  propertyKey?: string | symbol,
): ReadonlyMap<number, ParameterInjection> {
  return (getOwn(PARAMETERS, target, propertyKey) as Map<number, ParameterInjection> | undefined) ?? new Map();
}

/**
 * The constructor parameters of a class as the container injects them: the `@Inject` token
 * or else the emitted design type, per position. A class without a constructor of its own
 * uses the metadata of the nearest base class that has some. Returns `undefined` when the
 * class has no metadata of its own and constructor parameters (an undecorated class or
 * subclass, or `emitDecoratorMetadata` off).
 *
 * @example
 * ```ts
 * readConstructorParameters(UsersService)?.map((p) => p.token); // [Db, Logger]
 * ```
 */
export function readConstructorParameters(cls: Constructor): ParameterDependency[] | undefined {
  for (let owner: unknown = cls; typeof owner === 'function' && owner !== Function.prototype; owner = Object.getPrototypeOf(owner)) {
    const types = getOwn(PARAMTYPES, owner, undefined) as unknown[] | undefined;
    const injections = getOwn(PARAMETERS, owner, undefined) as Map<number, ParameterInjection> | undefined;
    if (types === undefined && injections === undefined) continue;
    // an inherited constructor has length 0: a class with parameters of its own but no
    // metadata must not get its base class's (an undecorated subclass)
    if (owner !== cls && cls.length > 0) return undefined;
    return describeParameters(types ?? [], injections);
  }
  return undefined;
}

/**
 * The parameters of a method (a route handler) as they would be injected, like
 * {@link readConstructorParameters}: `@Inject` tokens, else design types.
 *
 * @example
 * ```ts
 * readMethodParameters(UsersController.prototype, 'show'); // [{ index: 0, token: CurrentUser, ... }]
 * ```
 */
export function readMethodParameters(prototype: object, propertyKey: string | symbol): ParameterDependency[] {
  const types = (Reflect.getMetadata(PARAMTYPES, prototype, propertyKey) as unknown[] | undefined) ?? [];
  return describeParameters(types, getOwn(PARAMETERS, prototype, propertyKey) as Map<number, ParameterInjection> | undefined);
}

/**
 * Why a design type cannot be a token, or `undefined` if it can (a class of the user's).
 *
 * @example
 * ```ts
 * unresolvableTypeReason(Object); // 'its type is Object: an interface, union or any leaves no runtime token'
 * ```
 */
export function unresolvableTypeReason(designType: unknown): string | undefined {
  if (designType === undefined) {
    return 'its type was undefined when the class was decorated (a circular import, or a type weft cannot see)';
  }
  if (designType === Object) return 'its type is Object: an interface, union or any leaves no runtime token';
  if (BUILT_INS.has(designType)) return `its type is the built-in ${(designType as Constructor).name}, which weft cannot build`;
  if (typeof designType !== 'function') return `its type is ${String(designType)}, not a class`;
  return undefined;
}

/** Built-in constructors TypeScript emits for primitives, functions, arrays and promises. */
const BUILT_INS = new Set<unknown>([String, Number, Boolean, Symbol, BigInt, Function, Array, Promise, Date, Map, Set]);

function describeParameters(types: readonly unknown[], injections: Map<number, ParameterInjection> | undefined): ParameterDependency[] {
  let count = types.length;
  if (injections !== undefined) for (const index of injections.keys()) count = Math.max(count, index + 1);
  const parameters: ParameterDependency[] = [];
  for (let index = 0; index < count; index++) {
    const injection = injections?.get(index);
    const designType = types[index];
    const token = injection?.token ?? (unresolvableTypeReason(designType) === undefined ? (designType as Token) : undefined);
    parameters.push({ index, token, optional: injection?.optional ?? false, designType });
  }
  return parameters;
}

function updateParameter(
  target: object,
  propertyKey: string | symbol | undefined,
  index: number,
  update: (previous: ParameterInjection) => ParameterInjection,
): void {
  let injections = getOwn(PARAMETERS, target, propertyKey) as Map<number, ParameterInjection> | undefined;
  if (injections === undefined) {
    injections = new Map();
    if (propertyKey === undefined) Reflect.defineMetadata(PARAMETERS, injections, target);
    else Reflect.defineMetadata(PARAMETERS, injections, target, propertyKey);
  }
  injections.set(index, update(injections.get(index) ?? { optional: false }));
}

function getOwn(key: string, target: object, propertyKey: string | symbol | undefined): unknown {
  return propertyKey === undefined ? Reflect.getOwnMetadata(key, target) : Reflect.getOwnMetadata(key, target, propertyKey);
}

function describeTarget(target: object, propertyKey: string | symbol | undefined): string {
  if (propertyKey === undefined) return tokenName(target);
  const cls = (target as { constructor?: unknown }).constructor;
  return `${tokenName(cls)}.${String(propertyKey)}()`;
}
