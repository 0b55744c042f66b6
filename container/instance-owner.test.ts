import { DiError } from './errors.js';
import { InstanceOwner } from './instance-owner.js';

describe('InstanceOwner', () => {
  test('disposes what it tracked in reverse order, once', async () => {
    const log: string[] = [];
    const owner = new InstanceOwner('container "root"');
    owner.track({ dispose: () => log.push('first') });
    owner.track({ dispose: () => log.push('second') });
    expect(owner.disposed).toBe(false);
    await owner.dispose();
    expect(owner.disposed).toBe(true);
    await owner.dispose();
    expect(log).toEqual(['second', 'first']);
  });

  test('assertCanCreate throws WEFT_DI_DISPOSED once disposed', async () => {
    const owner = new InstanceOwner('container "admin"');
    owner.assertCanCreate('Pool');
    await owner.dispose();
    expect(() => owner.assertCanCreate('Pool')).toThrow(DiError);
    expect(() => owner.assertCanCreate('Pool')).toThrow('WEFT_DI_DISPOSED: cannot create Pool: container "admin" was already disposed');
  });

  test('failures name the owner', async () => {
    const owner = new InstanceOwner('container "admin"');
    owner.track({
      dispose: () => {
        throw new Error('nope');
      },
    });
    await expect(owner.dispose()).rejects.toThrow('WEFT_DI_DISPOSE: disposing container "admin" failed for 1 instance: Error: nope');
  });
});
