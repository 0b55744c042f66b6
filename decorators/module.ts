import { type ModuleMetadata, ownMetadata } from './metadata.js';

/**
 * Groups controllers, providers and middlewares; `imports` pulls in other modules.
 * Lifecycle providers (`OnStartup`, `CleanupContext`, …) listed here are found without
 * further wiring.
 *
 * @example
 * ```ts
 * @Module({ controllers: [UsersController], providers: [UsersService] })
 * class UsersModule {}
 *
 * const app = createApp({ modules: [UsersModule] });
 * ```
 */
export function Module(metadata: ModuleMetadata): ClassDecorator {
  return (target) => {
    ownMetadata(target).module = metadata;
  };
}
