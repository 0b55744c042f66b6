/**
 * weft's dependency-injection container: tokens, providers, scopes, request scopes,
 * validation at startup, compiled resolvers, disposal and interop. Re-exported by `weft`.
 *
 * @example
 * ```ts
 * import { Container, Key } from 'weft';
 * const Db = new Key<Pool>('db');
 * const container = new Container().provide(Db, pool).freeze();
 * ```
 *
 * @packageDocumentation
 */
export { Key } from './key.js';
export { type AbstractClass, type Class, type ProviderToken, type Token, tokenName } from './token.js';
export { type Scope } from './scope.js';
export {
  type ClassProvider,
  type DeclarationDefinition,
  type Dependency,
  type ExistingProvider,
  type FactoryProvider,
  type OptionalDependency,
  type Provider,
  type ProviderDefinition,
  type ResolvedDependencies,
  type ResolvedDependency,
  type ValueProvider,
  isClassProvider,
  isExistingProvider,
  isFactoryProvider,
  isOptionalDependency,
  isValueProvider,
  optional,
} from './provider.js';
export { Container } from './container.js';
export {
  type ClassRegisterOptions,
  type ContainerOptions,
  type DeclareOptions,
  type RegisterOptions,
  type ResolverOptions,
} from './container-options.js';
export { RequestScope } from './request-scope.js';
export { type Resolver } from './binding.js';
export { DI_ERROR_CODES, DiError, type DiErrorCode, DisposeError } from './errors.js';
export { type DisposableInstance, isDisposable } from './disposal.js';
export {
  type ExternalContainer,
  type ExternalIdentifier,
  type InversifyContainerLike,
  type TsyringeContainerLike,
  fromInversify,
  fromTsyringe,
} from './external-container.js';
export {
  type InjectableOptions,
  type ParameterDependency,
  type ParameterInjection,
  readConstructorParameters,
  readInjectable,
  readMethodParameters,
  readParameterInjections,
} from './injection-metadata.js';
