import { recordParameterOptional, recordParameterToken } from '../container/injection-metadata.js';
import type { Token } from '../container/token.js';

/**
 * Injects `token` into a constructor parameter (or a handler parameter). Needed when the
 * parameter's type leaves no runtime token: an interface, a union, a primitive, a `Key`.
 * Records and returns; the container reads it at `freeze()`.
 *
 * @throws DiError `WEFT_DI_INVALID_TOKEN` at class definition when `token` is not a token
 *   (`undefined` usually means a circular import).
 * @example
 * ```ts
 * const Db = new Key<Pool>('db');
 *
 * @Injectable()
 * class UsersService {
 *   constructor(@Inject(Db) private readonly db: Pool) {}
 * }
 * ```
 */
export function Inject(token: Token): ParameterDecorator {
  return (target, propertyKey, index) => {
    recordParameterToken(target, propertyKey, index, token);
  };
}

/**
 * Marks a parameter optional: with no provider (or a per-request token nobody provided in
 * this request), it receives `undefined` instead of failing validation or resolution.
 *
 * @example
 * ```ts
 * @Injectable({ scope: 'request' })
 * class Greeting {
 *   constructor(@Optional() @Inject(CurrentUser) private readonly user?: User) {}
 *   text() { return `Hello ${this.user?.name ?? 'stranger'}`; }
 * }
 * ```
 */
export function Optional(): ParameterDecorator {
  return (target, propertyKey, index) => {
    recordParameterOptional(target, propertyKey, index);
  };
}
