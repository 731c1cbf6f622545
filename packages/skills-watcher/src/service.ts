import path from "node:path";
import {
  describeZodError,
  JSONRPCErrorCode,
  v2,
} from "@codex-ts/protocol";
import type { z } from "zod";
import { SkillsCache, type SkillsCacheOptions } from "./loader/cache.js";
import { writeSkillsConfigEntry } from "./loader/config.js";
import type { SkillsListEntry } from "./loader/model.js";
import { type SkillsChangedEvent, SkillsWatcher } from "./watcher.js";

/** A method result: the wire result, or a JSON-RPC error object to send back. */
export type SkillsResult<T> =
  | { ok: true; result: T }
  | { ok: false; error: { code: number; message: string } };

export interface SkillsServiceOptions extends SkillsCacheOptions {
  /** Persists the new `[skills]` table of the user's config.toml (`skills/config/write`). */
  persistSkillsConfig?: (table: unknown) => void | Promise<void>;
  /** Watcher debounce; see `SkillsWatcherOptions`. */
  debounceMs?: number;
  maxWaitMs?: number;
  /** Called once per burst of skill changes: send `skills/changed` (`{}`) to clients. */
  onChanged?: (event: SkillsChangedEvent) => void;
  onError?: (error: Error, root: string) => void;
}

const invalidParams = (message: string) => ({
  ok: false as const,
  error: { code: JSONRPCErrorCode.InvalidParams, message },
});
const internalError = (message: string) => ({
  ok: false as const,
  error: { code: JSONRPCErrorCode.InternalError, message },
});

/**
 * The app-server side of skills in one object: a `SkillsCache`, a `SkillsWatcher` over the skill
 * roots of attached threads, and the `skills/list`, `skills/extraRoots/set` and
 * `skills/config/write` methods (params validated, results in wire shape, errors as values).
 */
export class SkillsService {
  readonly cache: SkillsCache;
  readonly watcher: SkillsWatcher;
  #threadCwds = new Map<string, string>();
  #config: unknown;
  #persist: SkillsServiceOptions["persistSkillsConfig"];

  constructor(options: SkillsServiceOptions) {
    const { persistSkillsConfig, debounceMs, maxWaitMs, onChanged, onError, ...cacheOptions } = options;
    this.cache = new SkillsCache(cacheOptions);
    this.watcher = new SkillsWatcher({
      cache: this.cache,
      ...(debounceMs !== undefined ? { debounceMs } : {}),
      ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
      ...(onError ? { onError } : {}),
    });
    if (onChanged) this.watcher.onChanged(onChanged);
    this.#config = cacheOptions.config;
    this.#persist = persistSkillsConfig;
  }

  /** A thread's listener attached (start, resume, fork, subagent): watch the skill roots of its cwd. */
  async attachThread(threadId: string, cwd: string): Promise<void> {
    this.#threadCwds.set(threadId, path.resolve(cwd));
    const { roots } = await this.cache.get(cwd);
    if (this.#threadCwds.has(threadId)) await this.watcher.register(threadId, roots);
  }

  /** The thread closed or was unloaded: stop watching roots only it needed. */
  async detachThread(threadId: string): Promise<void> {
    this.#threadCwds.delete(threadId);
    await this.watcher.unregister(threadId);
  }

  /** `skills/list`: one entry per cwd (`cwds` empty or absent → `defaultCwd`). */
  async list(
    params: unknown,
    defaultCwd?: string,
  ): Promise<SkillsResult<z.infer<typeof v2.SkillsListResponse>>> {
    const parsed = v2.SkillsListParams.safeParse(params ?? {});
    if (!parsed.success) return invalidParams(describeZodError(parsed.error));
    const cwds =
      parsed.data.cwds && parsed.data.cwds.length > 0 ? parsed.data.cwds : defaultCwd ? [defaultCwd] : [];
    if (cwds.length === 0) return invalidParams("cwds: no cwd given and no session cwd to default to");
    try {
      const forceReload = parsed.data.forceReload ?? false;
      const data: SkillsListEntry[] = [];
      for (const cwd of cwds) data.push(await this.cache.listEntry(cwd, { forceReload }));
      return { ok: true, result: { data } };
    } catch (error) {
      return internalError(`failed to load skills: ${(error as Error).message}`);
    }
  }

  /** `skills/extraRoots/set`: replace the extra roots, reload lazily, re-watch attached threads. */
  async setExtraRoots(params: unknown): Promise<SkillsResult<Record<string, never>>> {
    const parsed = v2.SkillsExtraRootsSetParams.safeParse(params);
    if (!parsed.success) return invalidParams(describeZodError(parsed.error));
    const relative = parsed.data.extraRoots.find((root) => !path.isAbsolute(root));
    if (relative !== undefined) return invalidParams(`extraRoots: path must be absolute: ${relative}`);
    this.cache.setExtraRoots(parsed.data.extraRoots);
    await this.#rewatchAll();
    return { ok: true, result: {} };
  }

  /** `skills/config/write`: set one `[[skills.config]]` entry, persist it, reload lazily. */
  async writeConfig(params: unknown): Promise<SkillsResult<{ effectiveEnabled: boolean }>> {
    const parsed = v2.SkillsConfigWriteParams.safeParse(params);
    if (!parsed.success) return invalidParams(describeZodError(parsed.error));
    const written = writeSkillsConfigEntry(this.#config, parsed.data);
    if (!written.ok) return invalidParams(written.error);
    try {
      await this.#persist?.(written.config);
    } catch (error) {
      return internalError(`failed to write skills config: ${(error as Error).message}`);
    }
    this.#config = written.config;
    this.cache.setConfig(written.config);
    return { ok: true, result: { effectiveEnabled: parsed.data.enabled } };
  }

  /**
   * The `[skills]` table changed on disk by another route (the app-server's `config/*Write`):
   * use it from now on (skill lists reload lazily). Nothing is persisted.
   */
  setConfig(config: unknown): void {
    this.#config = config;
    this.cache.setConfig(config);
  }

  /** The `[skills]` table currently in effect. */
  get config(): unknown {
    return this.#config;
  }

  /** Server shutdown: close every watcher. */
  async close(): Promise<void> {
    this.#threadCwds.clear();
    await this.watcher.close();
  }

  async #rewatchAll(): Promise<void> {
    await Promise.all(
      [...this.#threadCwds].map(async ([threadId, cwd]) => {
        const { roots } = await this.cache.get(cwd);
        if (this.#threadCwds.get(threadId) === cwd) await this.watcher.register(threadId, roots);
      }),
    );
  }
}
