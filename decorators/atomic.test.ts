import { Atomic } from './atomic.js';
import { readMetadata } from './metadata.js';
import { Post } from './route.js';

describe('@Atomic()', () => {
  test('records the method, whatever the decorator order, and returns nothing else', () => {
    class Orders {
      @Post('/a')
      @Atomic()
      create() {}

      @Atomic()
      @Post('/b')
      replace() {}

      @Post('/c')
      plain() {}
    }
    const meta = readMetadata(Orders)!;
    expect([...meta.atomic]).toEqual(['create', 'replace']);
    expect(meta.routes.map((r) => r.propertyKey)).toEqual(['create', 'replace', 'plain']);
    expect(typeof Orders.prototype.create).toBe('function');
  });

  test('is kept per class: a subclass records its own marks only', () => {
    class Base {
      @Atomic()
      save() {}
    }
    class Derived extends Base {
      @Atomic()
      other() {}
    }
    expect([...readMetadata(Base)!.atomic]).toEqual(['save']);
    expect([...readMetadata(Derived)!.atomic]).toEqual(['other']);
  });
});
