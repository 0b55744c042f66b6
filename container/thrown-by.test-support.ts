/**
 * Test support (not built into dist): the error `fn` throws, checked to be a `type`, so a
 * test can assert on its code, path and message. Fails the test when nothing is thrown.
 *
 * @example
 * ```ts
 * expect(thrownBy(() => container.freeze(), DiError).code).toBe('WEFT_DI_CYCLE');
 * ```
 */
export function thrownBy<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, none was thrown`);
}
