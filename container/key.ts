/**
 * A typed token for values that are not classes: configuration, pools, the current user.
 * It prints its name in errors (`Key(db)`), so a missing provider reads
 * `UsersController -> UsersService -> Key(db)`.
 *
 * @example
 * ```ts
 * const Db = new Key<Pool>('db');
 * container.provide(Db, pool);
 * const db: Pool = scope.get(Db);
 * ```
 */
export class Key<T> {
  /** Never set: carries `T` so that `get(key)` is typed. */
  declare readonly __type?: T;

  /** @param name a name for errors and debugging; two keys with one name stay distinct. */
  constructor(readonly name: string) {}

  toString(): string {
    return `Key(${this.name})`;
  }
}
