import { ContainerState } from './container-state.js';
import { DiError } from './errors.js';

describe('ContainerState', () => {
  test('open: registration allowed, resolution refused', () => {
    const state = new ContainerState('root');
    expect(() => state.assertOpen('register', undefined)).not.toThrow();
    expect(() => state.assertFrozen('get')).toThrow('WEFT_DI_NOT_FROZEN: container "root" is not frozen: call freeze() before get()');
  });

  test('frozen: registration refused, naming the token', () => {
    const state = new ContainerState('admin');
    state.phase = 'frozen';
    expect(() => state.assertFrozen('get')).not.toThrow();
    expect(() => state.assertOpen('provide', 'x')).toThrow(
      'WEFT_DI_FROZEN: container "admin" is frozen: cannot provide() "x" after freeze(); register everything before the application starts',
    );
  });

  test('disposed: everything refused with WEFT_DI_DISPOSED', () => {
    const state = new ContainerState('root');
    state.phase = 'disposed';
    const message = 'WEFT_DI_DISPOSED: container "root" was disposed: cannot get()';
    expect(() => state.assertFrozen('get')).toThrow(message);
    expect(state.error('get')).toBeInstanceOf(DiError);
    expect(() => state.assertOpen('register', undefined)).toThrow('WEFT_DI_DISPOSED: container "root" was disposed: cannot register()');
  });
});
