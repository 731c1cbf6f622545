import type { v2 } from "@codex-ts/protocol";
import type { z } from "zod";

/** Where a skill came from; also its precedence (repo beats user beats system beats admin). */
export type SkillScope = z.infer<typeof v2.SkillScope>;
/** `interface` block of `agents/openai.yaml`, in wire (camelCase) form. */
export type SkillInterface = z.infer<typeof v2.SkillInterface>;
/** One `dependencies.tools` entry of `agents/openai.yaml`, in wire form. */
export type SkillToolDependency = z.infer<typeof v2.SkillToolDependency>;
/** A `skills/list` entry for one cwd. */
export type SkillsListEntry = z.infer<typeof v2.SkillsListEntry>;

/** `permissions` block of `agents/openai.yaml`, paths made absolute against the skill folder. */
export interface SkillPermissions {
  network?: boolean;
  fileSystem?: { read?: string[]; write?: string[] };
  /** Passed through untouched (only meaningful on macOS). */
  macos?: unknown;
}

/** `policy` block of `agents/openai.yaml`. */
export interface SkillPolicy {
  allowImplicitInvocation?: boolean;
  products: string[];
}

/** One loaded skill. `path` is the canonical absolute path of its `SKILL.md`. */
export interface Skill {
  name: string;
  description: string;
  shortDescription: string | null;
  interface: SkillInterface | null;
  dependencies: { tools: SkillToolDependency[] } | null;
  permissions: SkillPermissions | null;
  policy: SkillPolicy | null;
  path: string;
  scope: SkillScope;
  enabled: boolean;
  pluginId: string | null;
}

/** A `SKILL.md` that could not be loaded (never thrown; listed next to the skills). */
export interface SkillError {
  path: string;
  message: string;
}

/** A folder that is searched for `SKILL.md` files. */
export interface SkillRoot {
  path: string;
  scope: SkillScope;
  /** Set for plugin-provided roots: the plugin's id (`name@marketplace`). */
  pluginId?: string;
  /** Set for plugin-provided roots: the plugin's folder (icons may live in its `assets/`). */
  pluginRoot?: string;
}

/** What one load produced. `roots` are every root that was considered (existing or not). */
export interface SkillsLoadOutcome {
  skills: Skill[];
  errors: SkillError[];
  roots: SkillRoot[];
  /** Ignored optional metadata and config entries, for logs. */
  warnings: string[];
}

/** A plugin's skills folder, as the plugin manager hands it over. */
export interface PluginSkillRoot {
  /** The plugin's `skills/` folder. */
  path: string;
  /** `name@marketplace`; the part before `@` namespaces the skill names (`name:skill`). */
  pluginId: string;
  /** The plugin's own folder. */
  pluginRoot?: string;
}
