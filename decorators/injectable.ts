import { recordInjectable, type InjectableOptions } from '../container/injection-metadata.js';

/**
 * Marks a class as built by the container and records its default scope (`singleton` when
 * not given). It also makes TypeScript emit the constructor's parameter types
 * (`design:paramtypes`), which is how dependencies are found without `@Inject`. Records and
 * returns: registering the class is still needed (`container.register(Class)` or a module's
 * `providers`).
 *
 * @throws DiError `WEFT_DI_INVALID_PROVIDER` at class definition for an unknown scope.
 * @example
 * ```ts
 * @Injectable({ scope: 'request' })
 * class UserRepo {
 *   constructor(private readonly db: Db, @Inject(CurrentUser) private readonly user: User) {}
 * }
 * ```
 */
export function Injectable(options: InjectableOptions = {}): ClassDecorator {
  return (target) => {
    recordInjectable(target, options);
  };
}
