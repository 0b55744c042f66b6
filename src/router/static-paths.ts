/**
 * A lookup of exact paths that does not hash the request's path. Every request brings a
 * fresh path string; a `Map` lookup hashes it first (about 400 instructions for
 * `/quotes/sku-7`), where comparing it with the few known paths of the same length stops
 * at the length or the first differing character. Paths are kept in buckets by length;
 * a bucket of more than {@link LINEAR_MAX} paths is a `Map`, so a table with many static
 * paths of one length still costs one hash, not a long scan.
 *
 * @example
 * ```ts
 * const paths = new StaticPaths<string>();
 * paths.set('/health', 'health check');
 * paths.get('/health'); // 'health check'
 * paths.get('/healt');  // undefined: no path of that length is compared at all
 * ```
 */
export class StaticPaths<G> {
  /** Bucket by path length; undefined where no path has that length. */
  #byLength: Array<Bucket<G> | undefined> = [];
  readonly #all = new Map<string, G>();

  /** The value of exactly this path, or undefined. */
  get(path: string): G | undefined {
    // hot path
    const length = path.length;
    if (length >= this.#byLength.length) return undefined;
    const bucket = this.#byLength[length];
    if (bucket === undefined) return undefined;
    if (bucket.map !== null) return bucket.map.get(path);
    const paths = bucket.paths;
    for (let i = 0; i < paths.length; i++) if (paths[i] === path) return bucket.values[i];
    return undefined;
  }

  /** Adds or replaces the value of a path. */
  set(path: string, value: G): this {
    this.#all.set(path, value);
    const length = path.length;
    while (this.#byLength.length <= length) this.#byLength.push(undefined);
    const bucket = (this.#byLength[length] ??= { paths: [], values: [], map: null });
    const at = bucket.paths.indexOf(path);
    if (at !== -1) bucket.values[at] = value;
    else {
      bucket.paths.push(path);
      bucket.values.push(value);
    }
    if (bucket.map !== null) bucket.map.set(path, value);
    else if (bucket.paths.length > LINEAR_MAX) bucket.map = new Map(bucket.paths.map((known, i) => [known, bucket.values[i]]));
    return this;
  }

  /** Every value, in the order the paths were first set. */
  values(): IterableIterator<G> {
    return this.#all.values();
  }
}

/** Above this many paths of one length, a bucket hashes instead of comparing each. */
export const LINEAR_MAX = 8;

interface Bucket<G> {
  readonly paths: string[];
  readonly values: G[];
  /** Set once the bucket holds more than {@link LINEAR_MAX} paths. */
  map: Map<string, G> | null;
}
