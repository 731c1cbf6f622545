import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import type { z } from "zod";
import { type LoadSkillsOptions, loadSkills } from "./load.js";
import type { PluginSkillRoot, Skill, SkillsListEntry, SkillsLoadOutcome } from "./model.js";

/** Everything `loadSkills` needs except the cwd, shared by every cwd of the cache. */
export type SkillsCacheOptions = Omit<LoadSkillsOptions, "cwd">;

/** A skill in `skills/list` form. */
export function toWireSkill(skill: Skill): z.infer<typeof v2.SkillMetadata> {
  return {
    name: skill.name,
    description: skill.description,
    shortDescription: skill.shortDescription,
    interface: skill.interface,
    dependencies: skill.dependencies,
    path: skill.path,
    scope: skill.scope,
    enabled: skill.enabled,
    pluginId: skill.pluginId,
  };
}

/** One `skills/list` entry for `cwd`. */
export function toSkillsListEntry(cwd: string, outcome: SkillsLoadOutcome): SkillsListEntry {
  return { cwd, skills: outcome.skills.map(toWireSkill), errors: outcome.errors.map((e) => ({ ...e })) };
}

/**
 * Loaded skills per cwd. The first `get` for a cwd loads from disk; later calls return the
 * cached outcome until `invalidate` (the watcher calls it), a settings change, or `forceReload`.
 * Concurrent `get`s for one cwd share one load; a load that an invalidation overtook is returned
 * to its callers but not kept (the next `get` loads again).
 */
export class SkillsCache {
  #options: SkillsCacheOptions;
  #entries = new Map<string, { outcome: Promise<SkillsLoadOutcome> }>();

  constructor(options: SkillsCacheOptions) {
    this.#options = { ...options };
  }

  static key(cwd: string): string {
    return path.resolve(cwd);
  }

  /** Skills for `cwd`, from the cache unless `forceReload`. Never rejects for bad skill files. */
  get(cwd: string, opts: { forceReload?: boolean } = {}): Promise<SkillsLoadOutcome> {
    const key = SkillsCache.key(cwd);
    const cached = this.#entries.get(key);
    if (cached && !opts.forceReload) return cached.outcome;
    const outcome = loadSkills({ ...this.#options, cwd: key });
    const entry = { outcome };
    this.#entries.set(key, entry);
    outcome.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return outcome;
  }

  /** The `skills/list` entry for `cwd`. */
  async listEntry(cwd: string, opts: { forceReload?: boolean } = {}): Promise<SkillsListEntry> {
    return toSkillsListEntry(cwd, await this.get(cwd, opts));
  }

  /** Whether `cwd` has a cached (or loading) outcome. */
  has(cwd: string): boolean {
    return this.#entries.has(SkillsCache.key(cwd));
  }

  /** Drops the cached outcome of `cwd`, or of every cwd when none is given. */
  invalidate(cwd?: string): void {
    if (cwd === undefined) this.#entries.clear();
    else this.#entries.delete(SkillsCache.key(cwd));
  }

  /** `skills/extraRoots/set`: replaces the extra roots and invalidates every cwd. */
  setExtraRoots(extraRoots: readonly string[]): void {
    this.#options = { ...this.#options, extraRoots: [...extraRoots] };
    this.invalidate();
  }

  /** Replaces the plugin skill roots and invalidates every cwd. */
  setPluginRoots(pluginRoots: readonly PluginSkillRoot[]): void {
    this.#options = { ...this.#options, pluginRoots: [...pluginRoots] };
    this.invalidate();
  }

  /** `setPluginRoots` only when they differ (a shared cache is not invalidated by every session). */
  ensurePluginRoots(pluginRoots: readonly PluginSkillRoot[]): void {
    if (JSON.stringify(this.#options.pluginRoots ?? []) !== JSON.stringify(pluginRoots)) this.setPluginRoots(pluginRoots);
  }

  /** Replaces the `[skills]` config table (after `skills/config/write`) and invalidates every cwd. */
  setConfig(config: unknown): void {
    this.#options = { ...this.#options, config };
    this.invalidate();
  }

  get extraRoots(): readonly string[] {
    return this.#options.extraRoots ?? [];
  }
}
