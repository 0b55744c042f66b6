import { DiError } from './errors.js';
import type { Registration } from './registration.js';
import type { Token } from './token.js';

/**
 * The registrations of one container before `freeze()`: normal ones (a second one for the
 * same token is an error unless it asks to override) and test overrides, which win over
 * normal registrations made before or after them.
 *
 * @example
 * ```ts
 * const table = new RegistrationTable('root');
 * table.add(registration, false);
 * table.effective(); // what freeze() compiles
 * ```
 */
export class RegistrationTable {
  #registrations = new Map<Token, Registration>();
  #overrides = new Map<Token, Registration>();

  /** @param containerName how errors name the container. */
  constructor(readonly containerName: string) {}

  /**
   * Adds a registration.
   *
   * @throws DiError `WEFT_DI_DUPLICATE` when the token is registered already and `override` is false.
   */
  add(registration: Registration, override: boolean): void {
    if (this.#registrations.has(registration.token) && !override) {
      throw new DiError(
        'WEFT_DI_DUPLICATE',
        `${registration.name} is already registered in container "${this.containerName}"; pass { override: true } to replace it, or use container.override() in tests`,
        [registration.name],
      );
    }
    this.#registrations.set(registration.token, registration);
  }

  /** Records a test override; the last one for a token wins. */
  override(registration: Registration): void {
    this.#overrides.set(registration.token, registration);
  }

  /** Whether the token is registered or overridden here. */
  has(token: Token): boolean {
    return this.#registrations.has(token) || this.#overrides.has(token);
  }

  /** The registrations to compile: registration order, overrides replacing (or appended). */
  effective(): Map<Token, Registration> {
    const effective = new Map(this.#registrations);
    for (const [token, registration] of this.#overrides) effective.set(token, registration);
    return effective;
  }
}
