import { Key } from './key.js';

/**
 * A concrete class: something `new` can build. The parameters are typed `never[]` so that
 * every constructor fits, whatever it takes; weft supplies the arguments itself.
 *
 * @example
 * ```ts
 * const cls: Class<UsersService> = UsersService;
 * ```
 */
export type Class<T> = new (...args: never[]) => T;

/**
 * A class that may be abstract: usable as a token (`abstract class Clock`), bound to a
 * concrete class with `{ useClass: SystemClock }`.
 *
 * @example
 * ```ts
 * abstract class Clock { abstract now(): number }
 * container.register(Clock, { useClass: SystemClock });
 * ```
 */
export type AbstractClass<T> = abstract new (...args: never[]) => T;

/**
 * A token weft can register a provider for: a class (abstract classes too) or a typed {@link Key}.
 *
 * @example
 * ```ts
 * const Db = new Key<Pool>('db');
 * const tokens: ProviderToken<unknown>[] = [UsersService, Db];
 * ```
 */
export type ProviderToken<T> = Key<T> | AbstractClass<T>;

/**
 * A token that can be looked up or injected. Strings and symbols are accepted only for
 * interop: they resolve from a fallback container (inversify or tsyringe identifiers) and
 * can never be registered in weft.
 *
 * @example
 * ```ts
 * const legacy = scope.get<Mailer>('Mailer'); // bound in an inversify container
 * ```
 */
export type Token<T = unknown> = ProviderToken<T> | string | symbol;

/**
 * How a token reads in errors: a class by its name, a key as `Key(name)`, a string quoted,
 * a symbol as `Symbol(description)`.
 *
 * @example
 * ```ts
 * tokenName(new Key('db')); // 'Key(db)'
 * tokenName(UsersService);  // 'UsersService'
 * ```
 */
export function tokenName(token: unknown): string {
  if (token instanceof Key) return token.toString();
  if (typeof token === 'function') return token.name === '' ? '<anonymous class>' : token.name;
  if (typeof token === 'string') return JSON.stringify(token);
  if (typeof token === 'symbol') return token.toString();
  return `<not a token: ${describeValue(token)}>`;
}

/**
 * Whether a value can be registered in weft: a function (a class) or a {@link Key}.
 *
 * @example
 * ```ts
 * isProviderToken(new Key('db')); // true
 * isProviderToken('db');          // false: strings only resolve from a fallback
 * ```
 */
export function isProviderToken(value: unknown): value is ProviderToken<unknown> {
  return value instanceof Key || typeof value === 'function';
}

/**
 * Whether a value can be looked up: a provider token, a string or a symbol.
 *
 * @example
 * ```ts
 * isToken(Symbol.for('Mailer')); // true
 * isToken(42);                   // false
 * ```
 */
export function isToken(value: unknown): value is Token {
  return isProviderToken(value) || typeof value === 'string' || typeof value === 'symbol';
}

/** A short description of a value that is not a token, for error messages. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
