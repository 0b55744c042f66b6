/**
 * Router benchmark: time per `match` for a static, a one-parameter and a regex route among
 * 50 routes, weft's RouteTable against find-my-way (Fastify's router), same table, same
 * paths. Lookups only: no sockets, no handlers. This is the measurement behind the choice
 * written at the top of src/router/route-table.ts.
 *
 *   npm run build && node dist/bench/router/match.js [iterations]
 *
 * find-my-way comes with fastify (a devDependency), it is not a direct dependency.
 */
import FindMyWay from 'find-my-way';
import { RouteTable } from '../../src/router/index.js';

const RESOURCES = ['users', 'posts', 'comments', 'orders', 'products', 'invoices', 'teams', 'projects', 'tickets', 'reports'];

/** The 50 routes: per resource, a static list, a static sub-page, a `{id}` route, a nested `{id}` route and a regex route. */
function routes(): Array<{ weft: string; fmw: string }> {
  const list: Array<{ weft: string; fmw: string }> = [];
  for (const name of RESOURCES) {
    list.push({ weft: `/api/${name}`, fmw: `/api/${name}` });
    list.push({ weft: `/api/${name}/stats`, fmw: `/api/${name}/stats` });
    list.push({ weft: `/api/${name}/{id}`, fmw: `/api/${name}/:id` });
    list.push({ weft: `/api/${name}/{id}/history`, fmw: `/api/${name}/:id/history` });
    list.push({ weft: `/api/${name}/by-number/{n:\\d+}`, fmw: `/api/${name}/by-number/:n(^\\d+$)` });
  }
  return list;
}

const CASES = [
  { name: 'static', path: '/api/tickets/stats' },
  { name: '1 param', path: '/api/tickets/1234' },
  { name: 'regex', path: '/api/tickets/by-number/98765' },
];

const request = { headers: { get: (): undefined => undefined } };

function time(label: string, iterations: number, lookup: (path: string) => unknown, path: string): number {
  let sink = 0;
  for (let i = 0; i < 100_000; i++) if (lookup(path) !== null) sink++; // warm-up, let the JIT settle
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (lookup(path) !== null) sink++;
    const ns = Number(process.hrtime.bigint() - start) / iterations;
    best = Math.min(best, ns);
  }
  if (sink === 0) throw new Error(`${label}: no lookup found ${path}`);
  return best;
}

function main(): void {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const table = new RouteTable<string, string>('root');
  const fmw = FindMyWay();
  for (const route of routes()) {
    table.add({ method: 'GET', path: route.weft, value: route.weft, owner: 'root', label: route.weft });
    fmw.on('GET', route.fmw, () => undefined);
  }
  table.freeze();

  for (const { path } of CASES) {
    const ours = table.match('GET', path, request);
    if (ours.kind !== 'found' || fmw.find('GET', path) === null) throw new Error(`${path} is not routed by both routers`);
  }

  const weft = (path: string): unknown => {
    const result = table.match('GET', path, request);
    return result.kind === 'found' ? result : null;
  };
  const findMyWay = (path: string): unknown => fmw.find('GET', path);

  console.log(`router match, 50 routes, best of 5 rounds of ${iterations} lookups (ns/op, lower is better)`);
  console.log('case      weft    find-my-way   ratio (weft / find-my-way)');
  for (const { name, path } of CASES) {
    const ours = time('weft', iterations, weft, path);
    const theirs = time('find-my-way', iterations, findMyWay, path);
    console.log(`${name.padEnd(9)} ${ours.toFixed(1).padStart(6)}  ${theirs.toFixed(1).padStart(11)}   ${(ours / theirs).toFixed(2)}`);
  }
}

main();
