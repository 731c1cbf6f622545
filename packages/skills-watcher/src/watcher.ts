import { stat } from "node:fs/promises";
import path from "node:path";
import type { FSWatcher } from "chokidar";

let chokidarModule: Promise<typeof import("chokidar")> | undefined;

/** Folder depth watched below a root (matches the loader's scan depth). */
const WATCH_DEPTH = 6;

/** What one burst of changes touched. */
export interface SkillsChangedEvent {
  /** Threads with at least one changed root, sorted. */
  threadIds: string[];
  /** Roots that saw changes, sorted. */
  roots: string[];
  /** Changed paths (files and folders), sorted. */
  paths: string[];
}

export type SkillsChangedListener = (event: SkillsChangedEvent) => void;

/** Anything with an `invalidate()` — normally a `SkillsCache`. */
export interface Invalidatable {
  invalidate(cwd?: string): void;
}

export interface SkillsWatcherOptions {
  /** Quiet time that ends a burst; default 150 ms. */
  debounceMs?: number;
  /** A burst that keeps going is still reported after this long; default 2000 ms. */
  maxWaitMs?: number;
  /** Invalidated (every cwd) before listeners hear about a burst. */
  cache?: Invalidatable;
  /** Called with watcher errors (permission problems and the like); default: ignored. */
  onError?: (error: Error, root: string) => void;
}

/** A root given to `register`: a path, or anything with a `path` (e.g. a loader `SkillRoot`). */
export type WatchRoot = string | { path: string };

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Nearest existing folder at or above `p`. */
async function nearestExistingDir(p: string): Promise<string> {
  let cur = p;
  while (!(await isDirectory(cur))) {
    const parent = path.dirname(cur);
    if (parent === cur) return cur;
    cur = parent;
  }
  return cur;
}

/** Whether a change at `changed` (inside `root`) can alter the skills loaded from `root`. */
function isRelevant(root: string, changed: string, isDirEvent: boolean): boolean {
  const rel = path.relative(root, changed);
  if (rel === "") return true;
  if (rel.startsWith("..") || path.isAbsolute(rel)) return false;
  const parts = rel.split(path.sep);
  if (parts.some((part) => part.startsWith("."))) return false;
  if (isDirEvent) return true;
  const base = parts[parts.length - 1];
  if (base === "SKILL.md") return true;
  return base === "openai.yaml" && parts[parts.length - 2] === "agents";
}

/**
 * Watches one root. While the root does not exist, it watches the nearest existing ancestor
 * (one level deep) for the next path component to appear, then switches to the root itself;
 * when the root disappears it goes back to waiting. Appearing and disappearing count as changes.
 */
class RootWatch {
  readonly root: string;
  #watcher: FSWatcher | undefined;
  /** True while the root does not exist and an ancestor is watched instead. */
  #waiting = false;
  #closed = false;
  #queue: Promise<void> = Promise.resolve();
  #onChange: (paths: string[]) => void;
  #onError: (error: Error) => void;

  constructor(root: string, onChange: (paths: string[]) => void, onError: (error: Error) => void) {
    this.root = root;
    this.#onChange = onChange;
    this.#onError = onError;
  }

  /** Resolves once the first watcher is ready. */
  start(): Promise<void> {
    return this.#enqueue(() => this.#arm());
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#enqueue(() => this.#disarm());
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(step, step).catch((error: unknown) => this.#onError(error as Error));
    return this.#queue;
  }

  async #disarm(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (watcher) await watcher.close();
  }

  /**
   * Close whatever is open and watch again from scratch (a path component appeared, or the root
   * vanished). Reports a change unless it only moved from waiting to waiting deeper down.
   */
  #rearm(changed: string): void {
    void this.#enqueue(async () => {
      if (this.#closed) return;
      const wasWaiting = this.#waiting;
      await this.#disarm();
      await this.#arm();
      if (!(wasWaiting && this.#waiting)) this.#onChange([changed]);
    });
  }

  async #arm(): Promise<void> {
    if (this.#closed) return;
    // chokidar is loaded when the first watch starts: a process that never watches (`exec`) skips it.
    chokidarModule ??= import("chokidar");
    const { watch } = await chokidarModule;
    if (this.#closed) return;
    let watcher: FSWatcher;
    const waiting = !(await isDirectory(this.root));
    this.#waiting = waiting;
    if (!waiting) {
      const root = this.root;
      watcher = watch(root, {
        ignoreInitial: true,
        depth: WATCH_DEPTH,
        followSymlinks: true,
        ignorePermissionErrors: true,
        ignored: (p: string) => {
          const rel = path.relative(root, p);
          return (
            rel !== "" && !rel.startsWith("..") && rel.split(path.sep).some((part) => part.startsWith("."))
          );
        },
      });
      watcher.on("all", (event, changed) => {
        if (this.#watcher !== watcher) return;
        if (event === "unlinkDir" && changed === root) {
          this.#rearm(changed);
          return;
        }
        const isDirEvent = event === "addDir" || event === "unlinkDir";
        if (isRelevant(root, changed, isDirEvent)) this.#onChange([changed]);
      });
    } else {
      const ancestor = await nearestExistingDir(path.dirname(this.root));
      const rel = path.relative(ancestor, this.root);
      const next = path.join(ancestor, rel.split(path.sep)[0] as string);
      watcher = watch(ancestor, { ignoreInitial: true, depth: 0, ignorePermissionErrors: true });
      watcher.on("all", (event, changed) => {
        if (this.#watcher !== watcher) return;
        if ((event === "addDir" || event === "add") && changed === next) this.#rearm(changed);
      });
    }
    watcher.on("error", (error) => this.#onError(error as Error));
    this.#watcher = watcher;
    await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
    // The root may have appeared or vanished between the existence check and `ready`.
    if (this.#watcher === watcher && (await isDirectory(this.root)) === waiting) this.#rearm(this.root);
  }
}

/**
 * Watches the skill roots of loaded threads and reports bursts of skill changes.
 *
 * - `register(threadId, roots)` sets the roots of a thread (replacing earlier ones) and resolves
 *   once every new root is being watched; `unregister(threadId)` drops them. A root is watched
 *   while at least one thread has it; the last `unregister` closes its watcher.
 * - Changes to `SKILL.md` files, `agents/openai.yaml` files and skill folders (hidden entries
 *   ignored) are collected until `debounceMs` of quiet (or `maxWaitMs`), then the cache is
 *   invalidated and every `onChanged` listener is called once for the burst.
 * - `close()` stops everything and resolves when all file handles are closed.
 */
export class SkillsWatcher {
  #roots = new Map<string, { watch: RootWatch; threads: Set<string> }>();
  #threads = new Map<string, Set<string>>();
  #listeners = new Set<SkillsChangedListener>();
  #pending: { roots: Set<string>; paths: Set<string>; since: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #debounceMs: number;
  #maxWaitMs: number;
  #cache: Invalidatable | undefined;
  #onError: ((error: Error, root: string) => void) | undefined;

  constructor(options: SkillsWatcherOptions = {}) {
    this.#debounceMs = options.debounceMs ?? 150;
    this.#maxWaitMs = options.maxWaitMs ?? 2000;
    this.#cache = options.cache;
    this.#onError = options.onError;
  }

  /** Adds a listener; returns a function that removes it. */
  onChanged(listener: SkillsChangedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Roots currently watched, sorted. */
  get watchedRoots(): string[] {
    return [...this.#roots.keys()].sort();
  }

  /** Threads currently registered, sorted. */
  get threadIds(): string[] {
    return [...this.#threads.keys()].sort();
  }

  /** Sets the roots watched for `threadId`; resolves when new roots are watched and dropped ones closed. */
  async register(threadId: string, roots: readonly WatchRoot[]): Promise<void> {
    if (this.#closed) return;
    const wanted = new Set(roots.map((r) => path.resolve(typeof r === "string" ? r : r.path)));
    const previous = this.#threads.get(threadId) ?? new Set<string>();
    this.#threads.set(threadId, wanted);
    const work: Promise<void>[] = [];
    for (const root of wanted) {
      let entry = this.#roots.get(root);
      if (!entry) {
        const watch = new RootWatch(
          root,
          (paths) => this.#record(root, paths),
          (error) => this.#onError?.(error, root),
        );
        entry = { watch, threads: new Set() };
        this.#roots.set(root, entry);
        work.push(watch.start());
      }
      entry.threads.add(threadId);
    }
    for (const root of previous) if (!wanted.has(root)) work.push(this.#release(root, threadId));
    await Promise.all(work);
  }

  /** Drops the roots of `threadId`; resolves when watchers no thread needs any more are closed. */
  async unregister(threadId: string): Promise<void> {
    const roots = this.#threads.get(threadId);
    if (!roots) return;
    this.#threads.delete(threadId);
    await Promise.all([...roots].map((root) => this.#release(root, threadId)));
  }

  /** Stops every watcher and pending notification; resolves when all watchers are closed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    const watches = [...this.#roots.values()].map((e) => e.watch);
    this.#roots.clear();
    this.#threads.clear();
    this.#listeners.clear();
    await Promise.all(watches.map((w) => w.close()));
  }

  async #release(root: string, threadId: string): Promise<void> {
    const entry = this.#roots.get(root);
    if (!entry) return;
    entry.threads.delete(threadId);
    if (entry.threads.size > 0) return;
    this.#roots.delete(root);
    await entry.watch.close();
  }

  #record(root: string, paths: string[]): void {
    if (this.#closed || !this.#roots.has(root)) return;
    const now = Date.now();
    this.#pending ??= { roots: new Set(), paths: new Set(), since: now };
    this.#pending.roots.add(root);
    for (const p of paths) this.#pending.paths.add(p);
    if (this.#timer) clearTimeout(this.#timer);
    const wait = Math.max(0, Math.min(this.#debounceMs, this.#pending.since + this.#maxWaitMs - now));
    this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending || this.#closed) return;
    const threadIds = new Set<string>();
    for (const root of pending.roots) for (const t of this.#roots.get(root)?.threads ?? []) threadIds.add(t);
    this.#cache?.invalidate();
    const event: SkillsChangedEvent = {
      threadIds: [...threadIds].sort(),
      roots: [...pending.roots].sort(),
      paths: [...pending.paths].sort(),
    };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#onError?.(error as Error, event.roots[0] ?? "");
      }
    }
  }
}
