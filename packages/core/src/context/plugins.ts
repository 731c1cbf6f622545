/**
 * Plugins in the model's context, as Codex 0.169 puts them there: an installed plugin's skills
 * join the skill list under its namespace (`demo:greet`), and a plugin the user mentions
 * (`mention` input with a `plugin://` path, or a `[$demo](plugin://demo@mkt)` link) adds, after
 * the user's message, a developer message saying what it brings.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ResponseItem } from "@codex-ts/protocol";
import { type MentionInput, type PluginSkillRoot, pluginMentions, pluginNamespace } from "@codex-ts/skills-watcher";
import type { LoadedPlugin } from "../plugins/index.js";
import { developerMessage } from "../session/context.js";

const MANIFESTS = [".codex-plugin/plugin.json", ".claude-plugin/plugin.json", "plugin.json"];

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The plugin's skills folder: the manifest's `skills` path (inside the plugin), else `skills/`. */
function skillsFolder(plugin: LoadedPlugin): string | undefined {
  let declared: unknown;
  const manifest = MANIFESTS.map((rel) => path.join(plugin.root, rel)).find((file) => existsSync(file));
  if (manifest) {
    try {
      declared = (JSON.parse(readFileSync(manifest, "utf8")) as { skills?: unknown }).skills;
    } catch {
      declared = undefined;
    }
  }
  const folder = path.resolve(plugin.root, typeof declared === "string" ? declared : "skills");
  const inside = path.relative(plugin.root, folder);
  if (inside.startsWith("..") || path.isAbsolute(inside)) return undefined;
  return isDirectory(folder) ? folder : undefined;
}

/** The skill roots of the installed plugins (for `SkillsCache.setPluginRoots`). */
export function pluginSkillRoots(plugins: readonly LoadedPlugin[]): PluginSkillRoot[] {
  return plugins.flatMap((plugin) => {
    const folder = skillsFolder(plugin);
    return folder ? [{ path: folder, pluginId: plugin.id, pluginRoot: plugin.root }] : [];
  });
}

/** What a mentioned plugin brings (Codex's text); undefined when it brings nothing we know of. */
export function pluginCapabilitiesText(plugin: LoadedPlugin): string | undefined {
  const lines: string[] = [];
  if (skillsFolder(plugin)) lines.push(`- Skills from this plugin are prefixed with \`${pluginNamespace(plugin.id)}:\`.`);
  if (lines.length === 0) return undefined;
  return [`Capabilities from the \`${pluginNamespace(plugin.id)}\` plugin:`, ...lines, "Use these plugin-associated capabilities to help solve the task."].join("\n");
}

/** One developer message per installed plugin the input mentions, in mention order. */
export function pluginMentionMessages(input: readonly MentionInput[], plugins: readonly LoadedPlugin[]): ResponseItem[] {
  if (plugins.length === 0) return [];
  return pluginMentions(input).flatMap((id) => {
    const plugin = plugins.find((p) => p.id === id);
    const text = plugin ? pluginCapabilitiesText(plugin) : undefined;
    return text ? [developerMessage(text)] : [];
  });
}
