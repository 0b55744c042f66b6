/**
 * `weft serve --reload`: watches the app's directory and reports changed files, debounced,
 * so that the supervisor restarts the workers on new code (gunicorn's `--reload`).
 */
import { watch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger.js';

/**
 * Whether a file is code or a template the app loads: JavaScript (`.js`, `.mjs`, `.cjs`),
 * TypeScript run by a loader (`.ts`, `.mts`, `.cts`), JSON, a native addon, a nunjucks
 * template. Only their changes reload the workers (gunicorn watches the loaded modules).
 *
 * @example
 * ```ts
 * isCode('routes/users.js'); // true
 * isCode('app-events.log');  // false
 * ```
 */
export function isCode(relativePath: string): boolean {
  return /\.(?:[cm]?[jt]s|json|node|njk)$/i.test(relativePath);
}

/**
 * Whether a change at `relativePath` (relative to the watched directory) is ignored:
 * anything under `node_modules`, any dotfile or dot directory (`.git`, editor swap files
 * such as `.app.js.swp`), and editor backups ending in `~`.
 *
 * @example
 * ```ts
 * isIgnored('routes/users.js'); // false
 * isIgnored('node_modules/pino/index.js'); // true
 * isIgnored('.git/index'); // true
 * ```
 */
export function isIgnored(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.') || part.endsWith('~'));
}

/**
 * Options of {@link ReloadWatcher}.
 *
 * @example
 * ```ts
 * const options: ReloadWatcherOptions = { directory: 'dist', debounceMs: 100, onChange: (files) => restart(files) };
 * ```
 */
export interface ReloadWatcherOptions {
  /** The directory watched, with its subdirectories (ignored ones left out). */
  directory: string;
  /** Called once changes have been quiet for `debounceMs`, with the changed paths relative to `directory`, in order. */
  onChange: (files: string[]) => void;
  /** Quiet time before `onChange` (default 100 ms: an editor or `tsc` writing several files makes one reload). */
  debounceMs?: number;
}

/**
 * Watches a directory tree for changes. One `fs.watch` per directory, so that ignored
 * trees (`node_modules`, `.git`) cost nothing: node 20's `recursive` option on Linux
 * watches every file of the tree, `node_modules` included. Directories created later are
 * watched as they appear.
 *
 * @example
 * ```ts
 * const watcher = new ReloadWatcher({ directory: '/srv/app/dist', onChange: (files) => console.log(files) }).start();
 * // ...
 * watcher.close();
 * ```
 */
export class ReloadWatcher {
  readonly directory: string;
  readonly #onChange: (files: string[]) => void;
  readonly #debounceMs: number;
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ReloadWatcherOptions) {
    this.directory = path.resolve(options.directory);
    this.#onChange = options.onChange;
    this.#debounceMs = options.debounceMs ?? 100;
  }

  /** Starts watching; returns the watcher. @throws node's error when the directory cannot be watched. */
  start(): this {
    this.#watchTree(this.directory, true);
    return this;
  }

  /** The directories watched now, absolute. */
  get watched(): string[] {
    return [...this.#watchers.keys()];
  }

  /** Stops watching; a pending `onChange` is dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #watchTree(directory: string, root = false): void {
    if (this.#closed || this.#watchers.has(directory)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(directory, (_event, name) => this.#onEvent(directory, name));
    } catch (err) {
      if (root) throw err;
      return; // removed again before we got to it
    }
    // e.g. the directory was deleted: forget it (a new one with its name is watched when it appears)
    watcher.on('error', () => this.#unwatch(directory));
    this.#watchers.set(directory, watcher);
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !isIgnored(entry.name)) this.#watchTree(path.join(directory, entry.name));
    }
  }

  #unwatch(directory: string): void {
    for (const [watched, watcher] of this.#watchers) {
      if (watched === directory || watched.startsWith(directory + path.sep)) {
        watcher.close();
        this.#watchers.delete(watched);
      }
    }
  }

  #onEvent(directory: string, name: string | Buffer | null): void {
    if (this.#closed || name === null) return;
    const file = path.join(directory, name.toString());
    const relative = path.relative(this.directory, file);
    if (isIgnored(relative)) return;
    let isDirectory = false;
    let deleted = false;
    try {
      isDirectory = statSync(file).isDirectory();
    } catch {
      deleted = true;
      this.#unwatch(file); // deleted (a directory's watchers go with it)
    }
    if (isDirectory) this.#watchTree(file);
    // a directory appearing or going counts (code moved in or out); among files only what
    // node loads: a log, a database or an upload the app writes beside its code would reload it forever
    else if (!isCode(relative) && !(deleted && path.extname(relative) === '')) return;
    this.#changed.add(relative);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const files = [...this.#changed];
      this.#changed.clear();
      this.#onChange(files);
    }, this.#debounceMs);
  }
}

/**
 * `--reload`: watches `directory` and asks for a rolling restart when files change,
 * logging one line per reload that names the changed file. Returns the function that
 * stops watching.
 *
 * @example
 * ```ts
 * const stopWatching = reloadOnChange('/srv/app/dist', supervisor, logger);
 * try { return await supervisor.run(); } finally { stopWatching(); }
 * ```
 */
export function reloadOnChange(directory: string, supervisor: { restart(reason: string): void }, logger: Logger): () => void {
  const watcher = new ReloadWatcher({
    directory,
    onChange: (files) => {
      const first = path.relative(process.cwd(), path.join(directory, files[0])) || files[0];
      supervisor.restart(`reloading: ${first} changed${files.length > 1 ? ` (and ${files.length - 1} more)` : ''}`);
    },
  }).start();
  logger.info({ directory: watcher.directory }, `--reload: watching ${watcher.directory} (${watcher.watched.length} directories; node_modules and dotfiles ignored)`);
  return () => watcher.close();
}
