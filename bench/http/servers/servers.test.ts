import { type Framework } from '../bench-options.js';
import { SCENARIOS, SCENARIO_IDS, type ScenarioId } from '../scenarios.js';
import { verifyResponse } from '../verify-response.js';
import { type StartedServer } from './serve.js';

// The three implementations must do the same work: each is checked against the same
// answers, in-process (the runner checks the compiled ones again before measuring).
const STARTERS: Record<Framework, () => Promise<(scenario: ScenarioId) => Promise<StartedServer>>> = {
  weft: async () => (await import('./weft.js')).startWeft,
  raw: async () => (await import('./raw.js')).startRaw,
  fastify: async () => (await import('./fastify.js')).startFastify,
};

async function call(port: number, method: string, path: string, init: { body?: string; type?: string } = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    body: init.body,
    headers: init.type === undefined ? {} : { 'content-type': init.type },
  });
  return { status: response.status, body: await response.text() };
}

describe.each(Object.keys(STARTERS) as Framework[])('%s servers', (framework) => {
  const servers = new Map<ScenarioId, StartedServer>();

  beforeAll(async () => {
    const start = await STARTERS[framework]();
    for (const scenario of SCENARIO_IDS) servers.set(scenario, await start(scenario));
  });

  afterAll(async () => {
    for (const server of servers.values()) await server.close();
  });

  const port = (scenario: ScenarioId) => servers.get(scenario)!.port;

  it.each(SCENARIO_IDS)('answer %s exactly as expected', async (scenario) => {
    await verifyResponse(port(scenario), SCENARIOS[scenario], framework);
  });

  it('route S2 among the other routes of the REST set', async () => {
    expect(await call(port('S2'), 'GET', '/users/me')).toEqual({ status: 200, body: '{"route":"users.me"}' });
    expect(await call(port('S2'), 'DELETE', '/users/42')).toEqual({ status: 200, body: '{"route":"users.delete"}' });
    expect(await call(port('S2'), 'GET', '/posts/1/comments/2')).toEqual({ status: 200, body: '{"route":"comments.show"}' });
    expect(await call(port('S2'), 'GET', '/orders/12/items/3')).toEqual({ status: 200, body: '{"route":"orders.item"}' });
    expect(await call(port('S2'), 'GET', '/files/a/b.txt')).toEqual({ status: 200, body: '{"route":"files"}' });
    expect(await call(port('S2'), 'GET', '/users/a%20b')).toEqual({ status: 200, body: '{"id":"a b"}' });
    expect((await call(port('S2'), 'GET', '/orders/abc')).status).toBe(404);
    expect((await call(port('S2'), 'GET', '/nowhere')).status).toBe(404);
  });

  it('build S4 service per request: repeated requests all succeed', async () => {
    for (let i = 0; i < 3; i++) await verifyResponse(port('S4'), SCENARIOS.S4, framework);
  });

  it('reject bad S5 bodies: invalid JSON 400, other media type 415', async () => {
    expect((await call(port('S5'), 'POST', '/echo', { body: '{"a":', type: 'application/json' })).status).toBe(400);
    expect((await call(port('S5'), 'POST', '/echo', { body: '<a/>', type: 'application/xml' })).status).toBe(415);
  });
});
