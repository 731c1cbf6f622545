// The plugins a session loads, as Codex picks them: the `[plugins."<name>@<marketplace>"]` tables of
// the user's config.toml (`enabled` defaults to true), each resolved to its active installed
// version under CODEX_HOME/plugins/cache. Plugins are on unless `features.plugins = false`.
import { statSync } from "node:fs";
import type { Config } from "../config/load.js";
import { isTable } from "../config/layers.js";
import { activePluginRoot, parsePluginId, pluginDataRoot } from "./store.js";

/** An installed, enabled plugin (the shape @codex-ts/hooks takes as `PluginInput`). */
export interface LoadedPlugin {
  /** The config key, `name@marketplace`. */
  id: string;
  root: string;
  dataRoot: string;
}

export interface InstalledPlugins {
  plugins: LoadedPlugin[];
  /** Configured plugins that could not be loaded (bad key, not installed), one line each. */
  warnings: string[];
}

/** Whether plugins load at all (`features.plugins`, on by default as in Codex 0.169). */
export function pluginsEnabled(config: Pick<Config, "features">): boolean {
  return config.features.plugins !== false;
}

/**
 * The enabled plugins of the user layer, sorted by key. A disabled plugin is skipped quietly; a bad
 * key or a plugin that is not installed becomes a warning (as Codex logs it), never an error.
 */
export function loadInstalledPlugins(
  config: Pick<Config, "codexHome" | "layers" | "features">,
): InstalledPlugins {
  const out: InstalledPlugins = { plugins: [], warnings: [] };
  if (!pluginsEnabled(config)) return out;
  const user = config.layers.find(
    (layer) => layer.source.type === "user" && layer.disabledReason === undefined,
  );
  const table = user?.config.plugins;
  if (!isTable(table)) return out;
  for (const key of Object.keys(table).sort()) {
    const entry = table[key];
    const enabled = isTable(entry) && typeof entry.enabled === "boolean" ? entry.enabled : true;
    if (!enabled) continue;
    const id = parsePluginId(key);
    if (!id.ok) {
      out.warnings.push(`plugin ${key}: ${id.error}`);
      continue;
    }
    const root = activePluginRoot(config.codexHome, id.value);
    if (root === null || !isDirectory(root)) {
      out.warnings.push(`plugin ${key}: plugin is not installed`);
      continue;
    }
    out.plugins.push({ id: key, root, dataRoot: pluginDataRoot(config.codexHome, id.value) });
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
