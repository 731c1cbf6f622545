/**
 * Installing a plugin from a local marketplace as Codex 0.169 does: the plugin folder is copied to
 * `CODEX_HOME/plugins/cache/<marketplace>/<plugin>/<version>` (`version` from its plugin.json,
 * `local` without one; older versions are replaced) and `[plugins."<plugin>@<marketplace>"]`
 * gets `enabled = true`. Removing deletes the cache folder and the config table.
 */
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { LOCAL_PLUGIN_VERSION, pluginCacheRoot } from "@codex-ts/core";
import { writeConfigEdits } from "@codex-ts/app-server";
import { readPluginManifest, type Result } from "./marketplace.js";

export interface Installed {
  version: string;
  installedPath: string;
}

export function installPlugin(codexHome: string, env: NodeJS.ProcessEnv, marketplace: string, name: string, source: string): Result<Installed> {
  const manifest = readPluginManifest(source);
  if (!manifest) return { ok: false, error: "missing plugin.json" };
  const version = manifest.version ?? LOCAL_PLUGIN_VERSION;
  if (!/^[A-Za-z0-9_.+-]+$/.test(version) || version === "." || version === "..") {
    return { ok: false, error: `invalid plugin version in plugin.json: \`${version}\`` };
  }
  const pluginDir = path.join(pluginCacheRoot(codexHome), marketplace, name);
  const installedPath = path.join(pluginDir, version);
  let staging: string | undefined;
  try {
    // Copied next to its place first, then swapped in: a failed copy leaves the old install as it was.
    const parent = path.dirname(pluginDir);
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(path.join(parent, `.${name}-install-`));
    cpSync(source, path.join(staging, version), { recursive: true, dereference: false, verbatimSymlinks: true });
    rmSync(pluginDir, { recursive: true, force: true });
    renameSync(staging, pluginDir);
  } catch (error) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    return { ok: false, error: `failed to install plugin \`${name}\`: ${(error as Error).message}` };
  }
  const edited = editConfig(codexHome, env, `plugins."${name}@${marketplace}"`, { enabled: true });
  if (!edited.ok) return edited;
  return { ok: true, value: { version, installedPath } };
}

/** Removes the plugin's cache folder and its config table (nothing to remove is not an error, as Codex). */
export function removePlugin(codexHome: string, env: NodeJS.ProcessEnv, marketplace: string, name: string): Result<null> {
  try {
    rmSync(path.join(pluginCacheRoot(codexHome), marketplace, name), { recursive: true, force: true });
  } catch (error) {
    return { ok: false, error: `failed to remove plugin \`${name}\`: ${(error as Error).message}` };
  }
  const edited = editConfig(codexHome, env, `plugins."${name}@${marketplace}"`, null);
  return edited.ok ? { ok: true, value: null } : edited;
}

/** One config.toml edit through the app-server's writer (comments and layout kept). */
export function editConfig(codexHome: string, env: NodeJS.ProcessEnv, keyPath: string, value: unknown): Result<null> {
  try {
    writeConfigEdits({ codexHome, env, edits: [{ keyPath, value, mergeStrategy: "replace" }] });
    return { ok: true, value: null };
  } catch (error) {
    return { ok: false, error: `failed to update config.toml: ${(error as Error).message}` };
  }
}
