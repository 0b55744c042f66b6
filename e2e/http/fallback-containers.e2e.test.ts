import { Container as InversifyContainer } from 'inversify';
import { container as tsyringeRoot } from 'tsyringe';
import { Container, Controller, Get, Inject, Injectable, createApp, createLogger, fromInversify, fromTsyringe } from 'weft';
import { TestClient } from 'weft/testing';

// Services an app already has in inversify or tsyringe, served by weft controllers: what
// those containers make anew each time must not become one instance shared by every request.

const logger = createLogger({ level: 'silent' });
let made = 0;

class UnitOfWork {
  readonly id = ++made;
}

class Clock {
  readonly id = ++made;
}

@Injectable({ scope: 'request' })
class Work {
  constructor(
    @Inject('UnitOfWork') readonly unit: UnitOfWork,
    @Inject('Clock') readonly clock: Clock,
  ) {}
}

@Controller()
class WorkController {
  @Get('/param')
  param(@Inject('UnitOfWork') unit: UnitOfWork, @Inject('Clock') clock: Clock) {
    return { unit: unit.id, clock: clock.id };
  }

  @Get('/service')
  service(@Inject(Work) work: Work) {
    return { unit: work.unit.id, clock: work.clock.id };
  }
}

async function twoRequests(fallback: Container, path: string): Promise<Array<{ unit: number; clock: number }>> {
  const app = createApp({ controllers: [WorkController], providers: [Work], container: fallback, logger });
  const client = await new TestClient(app, { transport: 'inject' }).start();
  try {
    const first = await client.get(path);
    const second = await client.get(path);
    expect([first.status, second.status]).toEqual([200, 200]);
    return [(await first.json()) as { unit: number; clock: number }, (await second.json()) as { unit: number; clock: number }];
  } finally {
    await client.close();
  }
}

describe.each(['/param', '/service'])('a fallback container behind weft (%s)', (path) => {
  test("inversify: a transient binding is new for every request, a singleton is the app's one", async () => {
    const inversify = new InversifyContainer();
    inversify.bind('UnitOfWork').to(UnitOfWork); // inversify's default scope: transient
    inversify.bind('Clock').to(Clock).inSingletonScope();
    const [first, second] = await twoRequests(new Container({ fallback: fromInversify(inversify) }), path);
    expect(first.unit).not.toBe(second.unit);
    expect(first.clock).toBe(second.clock);
  });

  test("tsyringe: a registered class is new for every request, a registered singleton is the app's one", async () => {
    const tsyringe = tsyringeRoot.createChildContainer();
    tsyringe.register('UnitOfWork', { useClass: UnitOfWork }); // tsyringe's default: transient
    tsyringe.registerSingleton('Clock', Clock);
    const [first, second] = await twoRequests(new Container({ fallback: fromTsyringe(tsyringe) }), path);
    expect(first.unit).not.toBe(second.unit);
    expect(first.clock).toBe(second.clock);
  });
});
