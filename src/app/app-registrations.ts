import { type Container, type Provider, type ProviderDefinition, type ProviderToken } from '../../container/index.js';

/** A class reference as registrations take it (abstract classes included). */
export type ClassRef = abstract new (...args: never[]) => unknown;

/**
 * A provider as apps and modules take it: a class; a provider object
 * (`{ provide, useClass | useValue | useFactory | useExisting }`); or the declaration of a
 * value only ever provided per request (`{ provide: CurrentUser, scope: 'request' }`).
 */
export type ProviderLike = ClassRef | ProviderDefinition<unknown> | RequestValueDeclaration;

/** Declares a token whose value a middleware provides per request with `request.scope.provide`. */
export interface RequestValueDeclaration {
  readonly provide: ProviderToken<unknown>;
  readonly scope: 'request';
}

/** What `app.override(token, provider)` and `TestClient.override` take. */
export type OverrideProvider = ClassRef | Provider<unknown> | ProviderDefinition<unknown>;

/** What an application holds until it is compiled. */
export interface AppRegistrations {
  modules: ClassRef[];
  controllers: ClassRef[];
  providers: ProviderLike[];
  values: Array<{ token: unknown; value: unknown }>;
  overrides: Array<{ token: unknown; provider: OverrideProvider }>;
  container: Container | undefined;
}
