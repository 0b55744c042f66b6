/**
 * A tree of the literal segments dynamic patterns start with: `/users/{id}` hangs under
 * `users`, `/api/v1/items/{id}` under `api` → `v1` → `items`, `/{slug}` at the root. A
 * request walks down by its own segments as far as they go, then tries the groups of
 * each node on the way back up, deepest first; so it only tries patterns whose literal
 * start it shares, instead of every pattern in the table.
 *
 * Deepest first is the specificity order: where a deeper node's pattern still has a
 * literal segment, a shallower node's pattern has a parameter. Within a node, groups are
 * sorted by specificity, then registration order.
 *
 * @example
 * ```ts
 * const root = new LiteralPrefixNode<string>(null);
 * root.descendant(['users']).groups.push('/users/{id}');
 * deepestNode(root, '/users/42').groups; // ['/users/{id}']
 * ```
 */
export class LiteralPrefixNode<G> {
  readonly parent: LiteralPrefixNode<G> | null;
  /** Children by raw segment text; null while there are none (the walk stops at once). */
  children: Map<string, LiteralPrefixNode<G>> | null = null;
  /** The key of the only child, compared directly instead of hashing a slice. */
  soleKey: string | null = null;
  /** The only child, with `soleKey`. */
  soleChild: LiteralPrefixNode<G> | null = null;
  /** Bit n is set when a child key is n characters long (bit 31: 31 or more): a free filter. */
  keyLengths = 0;
  /** The groups whose literal start ends here, in the order to try them. */
  groups: G[] = [];

  constructor(parent: LiteralPrefixNode<G> | null) {
    this.parent = parent;
  }

  /** The node for a path of literal segments below this one, created as needed. */
  descendant(segments: readonly string[]): LiteralPrefixNode<G> {
    if (segments.length === 0) return this;
    const key = segments[0];
    this.children ??= new Map();
    let child = this.children.get(key);
    if (child === undefined) {
      child = new LiteralPrefixNode(this);
      this.children.set(key, child);
      this.keyLengths |= lengthBit(key.length);
      this.soleKey = this.children.size === 1 ? key : null;
      this.soleChild = this.children.size === 1 ? child : null;
    }
    return child.descendant(segments.slice(1));
  }

  /** This node and every node below it. */
  *nodes(): IterableIterator<LiteralPrefixNode<G>> {
    yield this;
    if (this.children !== null) for (const child of this.children.values()) yield* child.nodes();
  }
}

function lengthBit(length: number): number {
  return 1 << Math.min(length, 31);
}

/**
 * The deepest node whose segments start the raw path (which starts with `/`): the path
 * there is that node's literal segments followed by `/` or its end.
 *
 * @example
 * ```ts
 * deepestNode(root, '/users/42'); // the `users` node
 * ```
 */
export function deepestNode<G>(root: LiteralPrefixNode<G>, path: string): LiteralPrefixNode<G> {
  // hot path
  let node = root;
  let pos = 1;
  while (node.children !== null && pos <= path.length) {
    let end = path.indexOf('/', pos);
    if (end === -1) end = path.length;
    if ((node.keyLengths & lengthBit(end - pos)) === 0) break;
    const segment = path.substring(pos, end);
    const child = node.soleKey !== null ? (segment === node.soleKey ? node.soleChild : null) : node.children.get(segment);
    if (child === undefined || child === null) break;
    node = child;
    pos = end + 1;
  }
  return node;
}
