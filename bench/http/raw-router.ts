/**
 * The hand-written router of the raw `node:http` server: what a careful engineer writes
 * without a framework. Static routes by direct map lookup; dynamic routes as segment
 * lists tried in registration order, the path split only when the static lookup misses.
 * It reads the same weft path syntax as S2's route table.
 */

/** Path parameters by name, decoded. */
export type RawParams = Record<string, string>;

type Segment = { kind: 'literal'; text: string } | { kind: 'param'; name: string; pattern?: RegExp } | { kind: 'tail'; name: string };

interface DynamicRoute<H> {
  segments: Segment[];
  handler: H;
}

/**
 * A minimal method + path router.
 *
 * @example
 * ```ts
 * const router = new RawRouter<string>();
 * router.add('GET', '/users/{id}', 'show');
 * router.find('GET', '/users/42'); // { handler: 'show', params: { id: '42' } }
 * ```
 */
export class RawRouter<H> {
  readonly #static = new Map<string, H>();
  readonly #dynamic = new Map<string, DynamicRoute<H>[]>();

  add(method: string, path: string, handler: H): void {
    if (!path.startsWith('/')) throw new Error(`route path ${JSON.stringify(path)} must start with '/'`);
    if (!path.includes('{')) {
      this.#static.set(`${method} ${path}`, handler);
      return;
    }
    const segments = path.slice(1).split('/').map(parseSegment);
    const tail = segments.findIndex((segment) => segment.kind === 'tail');
    if (tail !== -1 && tail !== segments.length - 1) throw new Error(`route path ${path}: a {name:.*} parameter must be the last segment`);
    const routes = this.#dynamic.get(method) ?? [];
    routes.push({ segments, handler });
    this.#dynamic.set(method, routes);
  }

  /** The handler and parameters for a request path (no query string), or undefined. */
  find(method: string, path: string): { handler: H; params: RawParams } | undefined {
    // hot path
    const handler = this.#static.get(`${method} ${path}`);
    if (handler !== undefined) return { handler, params: {} };
    const routes = this.#dynamic.get(method);
    if (routes === undefined) return undefined;
    const parts = path.slice(1).split('/');
    for (const route of routes) {
      const params = matchSegments(route.segments, parts);
      if (params !== undefined) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function parseSegment(text: string): Segment {
  const param = /^\{(\w+)(?::(.+))?\}$/.exec(text);
  if (param === null) {
    if (text.includes('{') || text.includes('}')) throw new Error(`route segment ${JSON.stringify(text)}: a parameter must be a whole segment`);
    return { kind: 'literal', text };
  }
  const [, name, pattern] = param;
  if (pattern === undefined) return { kind: 'param', name };
  if (pattern === '.*') return { kind: 'tail', name };
  return { kind: 'param', name, pattern: new RegExp(`^(?:${pattern})$`) };
}

function matchSegments(segments: Segment[], parts: string[]): RawParams | undefined {
  // hot path
  const params: RawParams = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'tail') {
      params[segment.name] = decode(parts.slice(i).join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (part !== segment.text) return undefined;
      continue;
    }
    if (part === '') return undefined;
    const value = decode(part);
    if (segment.pattern !== undefined && !segment.pattern.test(value)) return undefined;
    params[segment.name] = value;
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(part: string): string {
  return part.includes('%') ? decodeURIComponent(part) : part;
}
