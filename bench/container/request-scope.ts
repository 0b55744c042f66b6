/**
 * Request-scope benchmark: per iteration, create a request scope and resolve a
 * request-scoped service that depends on two singletons, the way a framework does per HTTP
 * request. Side by side in one process:
 *
 * - `new`: hand-written `new UserService(db, config)` (the floor),
 * - a hand-written holder object per request plus the `new`, both kept (what any scope must do),
 * - weft: `container.createScope()`, the compiled `resolverFor` closure, `scope.dispose()`,
 * - tsyringe 4: a child container per request (`createChildContainer()`), the service
 *   registered `Lifecycle.ContainerScoped` (one per child container),
 * - inversify 8: a child container per request (`new Container({ parent })`), the service
 *   bound in it as a singleton (inversify has no per-child scope; its `Request` scope is
 *   per `get()` call).
 *
 * Each candidate is warmed up, then measured in several interleaved rounds (the fast ones
 * apart from the child-container ones, whose garbage would skew them); the median round
 * gives ns/op. About 15 seconds. Run: `npm run build && node dist/bench/container/request-scope.js`.
 */
import 'reflect-metadata';
import { Container as InversifyContainer, injectable as inversifyInjectable } from 'inversify';
import { Lifecycle, container as tsyringeRoot, injectable as tsyringeInjectable } from 'tsyringe';
import { Container } from '../../container/index.js';
import { Injectable } from '../../decorators/injectable.js';

const ROUNDS = 9;
const ROUND_MS = 120;
const WARMUP_MS = 300;

/** One measured way of doing the work; returns something so that nothing is optimised away. */
interface Candidate {
  readonly name: string;
  readonly run: () => unknown;
}

// The same classes for every candidate; the service is declared again (same shape, no
// subclassing, which would slow `new`) by each candidate, with that container's decorator.
class Config {
  readonly url = 'postgres://localhost/app';
}
class Db {
  query(sql: string): string {
    return sql;
  }
}
class UserService {
  constructor(
    readonly db: Db,
    readonly config: Config,
  ) {}
}

function handWritten(): Candidate {
  const db = new Db();
  const config = new Config();
  return { name: 'hand-written new', run: () => new UserService(db, config) };
}

/**
 * What any request scope must at least do: allocate a per-request holder and the service,
 * both kept (returning the holder stops V8 from optimising it away, as a real server keeps
 * the scope on the request). Shown for reference; the targets are against plain `new`.
 */
function handWrittenScope(): Candidate {
  const db = new Db();
  const config = new Config();
  return {
    name: 'hand-written holder + new',
    run: () => {
      const holder: { service: UserService | undefined } = { service: undefined };
      holder.service = new UserService(db, config);
      return holder;
    },
  };
}

function weft(): Candidate {
  @Injectable({ scope: 'request' })
  class WeftUserService {
    constructor(
      readonly db: Db,
      readonly config: Config,
    ) {}
  }
  const container = new Container().register(Db).register(Config).register(WeftUserService).freeze();
  const resolve = container.resolverFor(WeftUserService);
  if (!container.needsScope(WeftUserService)) throw new Error('weft: the service should need a request scope');
  return {
    name: 'weft request scope',
    run: () => {
      const scope = container.createScope();
      const service = resolve(scope);
      scope.dispose();
      return service;
    },
  };
}

function tsyringe(): Candidate {
  @tsyringeInjectable()
  class TsyringeUserService {
    constructor(
      readonly db: Db,
      readonly config: Config,
    ) {}
  }
  const root = tsyringeRoot.createChildContainer();
  root.registerSingleton(Db);
  root.registerSingleton(Config);
  root.register(TsyringeUserService, { useClass: TsyringeUserService }, { lifecycle: Lifecycle.ContainerScoped });
  return {
    name: 'tsyringe child container',
    run: () => root.createChildContainer().resolve(TsyringeUserService),
  };
}

function inversify(): Candidate {
  @inversifyInjectable()
  class InversifyUserService {
    constructor(
      readonly db: Db,
      readonly config: Config,
    ) {}
  }
  const root = new InversifyContainer();
  root.bind(Db).toSelf().inSingletonScope();
  root.bind(Config).toSelf().inSingletonScope();
  return {
    name: 'inversify child container',
    run: () => {
      const child = new InversifyContainer({ parent: root });
      child.bind(InversifyUserService).toSelf().inSingletonScope();
      return child.get(InversifyUserService);
    },
  };
}

/**
 * Runs `candidate` for about `ms` milliseconds; returns iterations and elapsed nanoseconds.
 * The loop is compiled once per candidate (`new Function`) so that each call site sees one
 * function only: a loop shared by all candidates would be megamorphic and slow them all.
 */
function runFor(candidate: Candidate, ms: number, batch: number): { ops: number; ns: number } {
  return loops.get(candidate)!(candidate.run, ms, batch);
}

type Loop = (run: () => unknown, ms: number, batch: number) => { ops: number; ns: number };
const loops = new Map<Candidate, Loop>();
const LOOP_SOURCE = `
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1000000n;
  const start = process.hrtime.bigint();
  let ops = 0;
  let now = start;
  let last;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) last = run();
    ops += batch;
    now = process.hrtime.bigint();
  }
  sink.value = last;
  return { ops, ns: Number(now - start) };
`;
const sinkBox: { value: unknown } = { value: undefined };
function loopFor(candidate: Candidate): void {
  const factory = new Function('process', 'sink', `return (run, ms, batch) => {${LOOP_SOURCE}};`) as (
    proc: NodeJS.Process,
    sink: { value: unknown },
  ) => Loop;
  loops.set(candidate, factory(process, sinkBox));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function checkSemantics(): void {
  const container = new Container().register(Db).register(Config);
  container.register(UserService, { useClass: UserService, scope: 'request', deps: [Db, Config] }).freeze();
  const one = container.createScope();
  const two = container.createScope();
  if (one.get(UserService) !== one.get(UserService)) throw new Error('weft: one instance per scope expected');
  if (one.get(UserService) === two.get(UserService)) throw new Error('weft: another scope, another instance expected');
  if (one.get(UserService).db !== two.get(UserService).db) throw new Error('weft: singletons are shared');
}

/**
 * Measures a group of candidates: warm-up, then rounds in which each runs in turn
 * (interleaving spreads drift evenly); returns the median ns/op of each.
 */
function measure(group: readonly Candidate[]): number[] {
  group.forEach(loopFor);
  // a batch large enough that reading the clock is noise, small enough for slow candidates
  const batches = group.map((candidate) => {
    const probe = runFor(candidate, 20, 1);
    return Math.max(1, Math.round(100_000 / Math.max(1, probe.ns / probe.ops)));
  });
  group.forEach((candidate, i) => runFor(candidate, WARMUP_MS, batches[i]));
  const samples = group.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    group.forEach((candidate, i) => {
      const { ops, ns } = runFor(candidate, ROUND_MS, batches[i]);
      samples[i].push(ns / ops);
    });
  }
  return samples.map(median);
}

function main(): void {
  checkSemantics();
  // Two groups: the garbage the child-container candidates leave would otherwise be
  // collected during the next (nanosecond-scale) candidate's rounds and skew them.
  const fast = [handWritten(), handWrittenScope(), weft()];
  const slow = [tsyringe(), inversify()];
  const nsPerOp = [...measure(fast), ...measure(slow)];
  const candidates = [...fast, ...slow];
  if (sinkBox.value === undefined) throw new Error('nothing was resolved');

  const results = candidates.map((candidate, i) => ({ name: candidate.name, nsPerOp: nsPerOp[i] }));
  const floor = results[0].nsPerOp;
  const weftNs = results[2].nsPerOp;
  console.log(`request scope + request-scoped service with two singleton deps (node ${process.version}, median of ${ROUNDS} rounds)`);
  console.log('');
  console.log(`${'candidate'.padEnd(28)}${'ns/op'.padStart(10)}${'x new'.padStart(10)}${'x weft'.padStart(10)}`);
  for (const { name, nsPerOp } of results) {
    console.log(
      `${name.padEnd(28)}${nsPerOp.toFixed(1).padStart(10)}${(nsPerOp / floor).toFixed(2).padStart(10)}${(nsPerOp / weftNs).toFixed(2).padStart(10)}`,
    );
  }
  const inversifyNs = results[4].nsPerOp;
  console.log('');
  console.log(`target: weft within 3x of hand-written new: ${(weftNs / floor).toFixed(2)}x ${weftNs <= 3 * floor ? 'ok' : 'MISSED'}`);
  console.log(`target: weft at least 10x faster than inversify: ${(inversifyNs / weftNs).toFixed(1)}x ${inversifyNs >= 10 * weftNs ? 'ok' : 'MISSED'}`);
}

main();
