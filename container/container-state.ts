import { DiError } from './errors.js';
import { tokenName } from './token.js';

/** Where a container is in its life: registering, frozen (resolving), or disposed. */
export type ContainerPhase = 'open' | 'frozen' | 'disposed';

/**
 * The life of one container, `open → frozen → disposed`, and the coded errors for calls
 * made in the wrong phase (`WEFT_DI_FROZEN`, `WEFT_DI_NOT_FROZEN`, `WEFT_DI_DISPOSED`).
 *
 * @example
 * ```ts
 * const state = new ContainerState('root');
 * state.assertOpen('register', UsersService);
 * state.phase = 'frozen';
 * state.assertFrozen('createScope');
 * ```
 */
export class ContainerState {
  phase: ContainerPhase = 'open';

  /** @param containerName how errors name the container. */
  constructor(readonly containerName: string) {}

  /** Throws unless registration is still open. */
  assertOpen(method: string, token: unknown): void {
    if (this.phase === 'open') return;
    if (this.phase === 'disposed') throw this.disposedError(method);
    const what = token === undefined ? '' : ` ${tokenName(token)}`;
    throw new DiError(
      'WEFT_DI_FROZEN',
      `container "${this.containerName}" is frozen: cannot ${method}()${what} after freeze(); register everything before the application starts`,
      token === undefined ? [] : [tokenName(token)],
    );
  }

  /** Throws unless the container is frozen and not disposed. */
  assertFrozen(method: string): void {
    if (this.phase !== 'frozen') throw this.error(method);
  }

  /** The error for `method` called while not frozen: not frozen yet, or disposed. */
  error(method: string): DiError {
    if (this.phase === 'disposed') return this.disposedError(method);
    return new DiError('WEFT_DI_NOT_FROZEN', `container "${this.containerName}" is not frozen: call freeze() before ${method}()`);
  }

  /** The error for `method` called after dispose(). */
  disposedError(method: string): DiError {
    return new DiError('WEFT_DI_DISPOSED', `container "${this.containerName}" was disposed: cannot ${method}()`);
  }
}
