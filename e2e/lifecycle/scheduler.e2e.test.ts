import { setTimeout as sleep } from 'node:timers/promises';
import {
  ContextVar,
  Controller,
  Get,
  HTTPServiceUnavailable,
  type Job,
  JobsFullError,
  type Logger,
  Param,
  Post,
  Scheduler,
  WeftError,
  createApp,
  createLogger,
  json,
  spawn,
} from 'weft';
import { TestClient } from 'weft/testing';

// at module level, before any app runs in this file, as the docs ask (WEFT_CONTEXTVAR_LATE otherwise)
const RequestId = new ContextVar<string>('requestId', { default: '-' });
const Stage = new ContextVar<string>('stage', { default: '-' });

interface Entry {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}

function recordingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Scheduler: background jobs of an application', () => {
  // Every client is closed even when an assertion fails, so no server or job outlives its test.
  const clients: TestClient[] = [];
  const startClient = async (client: TestClient) => {
    clients.push(client);
    return client.start();
  };
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  });

  test('injected into a controller; a job outlives its request and shutdown can wait for it', async () => {
    const done: string[] = [];
    const release = gate();

    @Controller('/reports')
    class ReportsController {
      constructor(private readonly jobs: Scheduler) {}

      @Post('/{id}')
      create(@Param('id') id: string) {
        const job = this.jobs.spawn(
          async () => {
            await release.promise;
            done.push(id);
          },
          { name: `report ${id}` },
        );
        return json({ job: job.name, active: this.jobs.activeCount }, { status: 202 });
      }
    }

    const client = await startClient(new TestClient(createApp({ controllers: [ReportsController], logger: createLogger({ level: 'silent' }) })));
    const res = await client.post('/reports/7');
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ job: 'report 7', active: 1 });
    expect(done).toEqual([]);
    expect(client.app.scheduler.activeCount).toBe(1);
    expect(client.app.container.get(Scheduler)).toBe(client.app.scheduler);

    await expect(client.app.scheduler.wait(20)).resolves.toBe(false);
    release.open();
    await expect(client.app.scheduler.wait(1000)).resolves.toBe(true);
    expect(done).toEqual(['7']);
    await client.close();
  });

  test("a job's error is logged by the app logger with the job name and kept on the job, never lost", async () => {
    const logger = recordingLogger();
    const jobs: Job[] = [];
    const app = createApp({ logger });
    app.router.add('POST', '/sync', (request) => {
      jobs.push(
        spawn(request, async () => {
          throw new Error('upstream 503');
        }, { name: 'sync-upstream' }),
      );
      return json({ queued: true }, { status: 202 });
    });
    const client = await startClient(new TestClient(app));
    expect((await client.post('/sync')).status).toBe(202);
    await app.scheduler.wait(1000);
    await flush();

    expect(jobs[0].state).toBe('failed');
    expect((jobs[0].error as Error).message).toBe('upstream 503');
    await expect(jobs[0].promise).rejects.toThrow('upstream 503');
    const failures = logger.entries.filter((entry) => entry.level === 'error');
    expect(failures).toHaveLength(1);
    expect(failures[0].msg).toBe('background job sync-upstream failed');
    expect(failures[0].obj.job).toBe('sync-upstream');
    expect((failures[0].obj.err as Error).message).toBe('upstream 503');
    await client.close();
  });

  test('createApp({ jobs }) sets the limit; jobs beyond it wait and start in FIFO order', async () => {
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const app = createApp({ jobs: { limit: 2, pendingLimit: 2 }, logger: createLogger({ level: 'silent' }) });
    app.router.add('POST', '/jobs/{name}', (request) => {
      const name = request.params.name;
      gates.set(name, gate());
      spawn(request, async () => {
        started.push(name);
        await gates.get(name)!.promise;
      }, { name });
      return json({ active: app.scheduler.activeCount, pending: app.scheduler.pendingCount });
    });
    const client = await startClient(new TestClient(app));

    const states = [];
    for (const name of ['a', 'b', 'c', 'd']) states.push((await client.post(`/jobs/${name}`)).json());
    expect(states).toEqual([
      { active: 1, pending: 0 },
      { active: 2, pending: 0 },
      { active: 2, pending: 1 },
      { active: 2, pending: 2 },
    ]);
    expect(started).toEqual(['a', 'b']);
    // The queue is full: one more spawn is refused with a coded error, nothing is silently dropped.
    expect(() => app.scheduler.spawn(async () => undefined, { name: 'e' })).toThrow('WEFT_ERR_JOBS_FULL');

    gates.get('b')!.open();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('a')!.open();
    await flush();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates.get('c')!.open();
    gates.get('d')!.open();
    await expect(app.scheduler.wait(1000)).resolves.toBe(true);
    await client.close();
  });

  test('a full scheduler in a handler answers 503 Service Unavailable, not a 500 logged as an unhandled error', async () => {
    const logger = recordingLogger();
    const app = createApp({ jobs: { limit: 1, pendingLimit: 0 }, logger });
    const hold = gate();
    app.router.add('POST', '/report', (request) => {
      spawn(request, () => hold.promise, { name: 'report' });
      return json({ queued: true }, { status: 202 });
    });
    const client = await startClient(new TestClient(app));
    expect((await client.post('/report')).status).toBe(202);
    const refused = await client.post('/report');
    expect(refused.status).toBe(503);
    expect(refused.text).toBe('503: Service Unavailable');
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);

    let error: unknown;
    try {
      app.scheduler.spawn(async () => undefined, { name: 'more' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JobsFullError);
    expect(error).toBeInstanceOf(HTTPServiceUnavailable);
    expect((error as JobsFullError).code).toBe('WEFT_ERR_JOBS_FULL');
    expect((error as JobsFullError).message).toBe('WEFT_ERR_JOBS_FULL: cannot spawn more: 1 jobs are running (limit 1) and 0 are waiting (pendingLimit 0)');
    hold.open();
    await expect(app.scheduler.wait(1000)).resolves.toBe(true);
    await client.close();
  });

  test('close (the start of app.cleanup(), before the cleanups) aborts running jobs, drops pending ones and refuses new spawns', async () => {
    const seen: string[] = [];
    const app = createApp({ jobs: { limit: 1 }, logger: createLogger({ level: 'silent' }) });
    let running: Job | undefined;
    let pending: Job | undefined;
    app.onStartup.push(() => {
      running = app.scheduler.spawn(async (signal) => {
        try {
          await sleep(60_000, undefined, { signal });
        } finally {
          seen.push(`running job stopped: ${(signal.reason as WeftError).code}`);
        }
      }, { name: 'poller' });
      pending = app.scheduler.spawn(async () => void seen.push('pending job ran'), { name: 'never' });
    });
    app.onCleanup.push(() => void seen.push(`cleanup hook ran with ${app.scheduler.activeCount} job(s) still active`));
    const client = await startClient(new TestClient(app));
    expect([app.scheduler.activeCount, app.scheduler.pendingCount]).toEqual([1, 1]);
    await client.close();

    // the job stopped while what it uses was still open
    expect(seen).toEqual(['running job stopped: WEFT_ERR_JOBS_CLOSED', 'cleanup hook ran with 0 job(s) still active']);
    expect(running!.state).toBe('cancelled');
    expect(pending!.state).toBe('cancelled');
    expect(app.scheduler.closed).toBe(true);
    expect(() => app.scheduler.spawn(async () => undefined, { name: 'late' })).toThrow(
      'WEFT_ERR_JOBS_CLOSED: cannot spawn late: the scheduler is closed (the application is shutting down)',
    );
  });

  test("a sub-app's handlers use the root's scheduler, and a job sees its request's ContextVar", async () => {
    const seen: string[] = [];

    @Controller()
    class AdminController {
      constructor(private readonly jobs: Scheduler) {}

      @Get('/rebuild/{id}')
      rebuild(@Param('id') id: string) {
        RequestId.set(`req-${id}`);
        this.jobs.spawn(async () => {
          await sleep(1);
          seen.push(RequestId.get());
        });
        return { same: this.jobs === root.scheduler };
      }
    }
    const root = createApp({ name: 'main', logger: createLogger({ level: 'silent' }) });
    const admin = createApp({ name: 'admin', controllers: [AdminController], logger: createLogger({ level: 'silent' }) });
    root.mount('/admin/', admin);
    const client = await startClient(new TestClient(root));
    expect((await client.get('/admin/rebuild/1')).json()).toEqual({ same: true });
    expect((await client.get('/admin/rebuild/2')).json()).toEqual({ same: true });
    expect(admin.scheduler).toBe(root.scheduler);
    await root.scheduler.wait(1000);
    expect(seen.sort()).toEqual(['req-1', 'req-2']);
    await client.close();
  });

  test("a job runs in a copy of its spawner's ContextVars: what it sets is not seen by its request, nor by later ones", async () => {
    const seen: string[] = [];
    const app = createApp({ logger: createLogger({ level: 'silent' }) });
    app.onStartup.push(() => {
      Stage.set('startup');
      app.scheduler.spawn(async () => {
        Stage.set('changed by the startup job');
      });
    });
    app.router.add('GET', '/', async () => {
      seen.push(`request sees ${Stage.get()}`);
      const job = app.scheduler.spawn(async () => {
        seen.push(`job sees ${Stage.get()}`);
        Stage.set('changed by the request job');
      });
      await job.promise;
      return Stage.get();
    });
    const client = await startClient(new TestClient(app));
    await app.scheduler.wait(1000);
    expect((await client.get('/')).text).toBe('startup');
    expect((await client.get('/')).text).toBe('startup');
    expect(seen).toEqual(['request sees startup', 'job sees startup', 'request sees startup', 'job sees startup']);
    await client.close();
  });

  test('a job sees the values of the moment it was spawned, also when it waited in the queue', async () => {
    const seen: string[] = [];
    const app = createApp({ logger: createLogger({ level: 'silent' }), jobs: { limit: 1 } });
    app.router.add('POST', '/notify', async () => {
      const blocker = gate();
      app.scheduler.spawn(() => blocker.promise, { name: 'blocker' });
      for (const user of ['ann', 'bob', 'cy']) {
        RequestId.set(user); // one job per user: the jobs wait in the queue behind the blocker
        app.scheduler.spawn(async () => void seen.push(RequestId.get()), { name: `notify ${user}` });
      }
      RequestId.set('done');
      blocker.open();
      return 'queued';
    });
    const client = await startClient(new TestClient(app));
    expect((await client.post('/notify')).text).toBe('queued');
    await app.scheduler.wait(1000);
    expect(seen).toEqual(['ann', 'bob', 'cy']);
    await client.close();
  });

  test('the scheduler can be replaced like any provider (override), and is still closed at cleanup', async () => {
    const custom = new Scheduler({ limit: 3, logger: createLogger({ level: 'silent' }) });
    const client = new TestClient(createApp({ logger: createLogger({ level: 'silent' }) }));
    client.override(Scheduler, { useValue: custom });
    await startClient(client);
    expect(client.app.scheduler).toBe(custom);
    expect(client.app.scheduler.limit).toBe(3);
    await client.close();
    expect(custom.closed).toBe(true);
  });

  test('misuse is refused with coded errors', () => {
    expect(() => createApp({ jobs: { limit: -1 } })).toThrow('WEFT_ERR_JOBS_OPTIONS: jobs.limit must be an integer >= 1 or Infinity, got -1');
    const root = createApp({ logger: createLogger({ level: 'silent' }) });
    expect(() => root.mount('/admin/', createApp({ name: 'admin', jobs: { limit: 5 } }))).toThrow(
      "WEFT_ERR_MOUNT: admin has jobs options: a sub-application shares its root's scheduler; set jobs on the root app",
    );
    expect(() => root.scheduler).toThrow('WEFT_ERR_NOT_STARTED: app: the scheduler exists once the app has started (await app.startup())');
  });
});
