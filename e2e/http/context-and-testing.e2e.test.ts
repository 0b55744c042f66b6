import request from 'supertest';
import { ContextVar, Controller, Get, createApp, createLogger, type Request } from 'weft';
import { TestClient } from 'weft/testing';

const logger = createLogger({ level: 'silent' });

describe('ContextVar', () => {
  test("the seed's semantics: startup and cleanup share a context, each request gets a copy", async () => {
    const VAR = new ContextVar<string>('VAR', { default: 'default' });
    const log: string[] = [];
    const app = createApp({ logger });
    app.router.add('GET', '/', async () => {
      const before = VAR.get();
      VAR.set('handler');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return [before, VAR.get()].join('\n');
    });
    app.onStartup.push(() => {
      log.push(`on_startup ${VAR.get()}`);
      VAR.set('on_startup');
    });
    app.onCleanup.push(() => {
      log.push(`on_cleanup ${VAR.get()}`);
      VAR.set('on_cleanup');
    });
    const client = await new TestClient(app).start();
    const [a, b] = await Promise.all([client.get('/'), client.get('/')]);
    expect(a.text).toBe('on_startup\nhandler');
    expect(b.text).toBe('on_startup\nhandler');
    await client.close();
    expect(log).toEqual(['on_startup default', 'on_cleanup on_startup']);
    expect(VAR.get()).toBe('default');
  });
});

@Controller('/hello')
class Hello {
  @Get('/{name}')
  greet(request: Request) {
    return { hello: request.params.name };
  }
}

describe('supertest', () => {
  test("works against app.callback(): the app starts on the first request", async () => {
    const started: string[] = [];
    const app = createApp({ controllers: [Hello], logger });
    app.onStartup.push(() => void started.push('started'));
    await request(app.callback()).get('/hello/ada').expect(200, { hello: 'ada' });
    await request(app.callback()).get('/nope').expect(404);
    expect(started).toEqual(['started']);
    await app.cleanup();
  });

  test("works against the TestClient's server", async () => {
    const client = await new TestClient(createApp({ controllers: [Hello], logger })).start();
    await request(client.server).get('/hello/bob').expect('content-type', /json/).expect(200, { hello: 'bob' });
    await client.close();
  });
});
