/**
 * Local plugin marketplaces as Codex 0.169 reads them: a folder with a marketplace manifest
 * (`.agents/plugins/marketplace.json`, `.claude-plugin/marketplace.json` or
 * `.cursor-plugin/marketplace.json`) listing plugins by name with a `./relative` source, configured
 * in config.toml as `[marketplaces.<name>] source_type = "local", source = "<absolute root>"`.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

export const MARKETPLACE_MANIFESTS = [".agents/plugins/marketplace.json", ".claude-plugin/marketplace.json", ".cursor-plugin/marketplace.json"];
export const PLUGIN_MANIFESTS = [".codex-plugin/plugin.json", ".claude-plugin/plugin.json", ".cursor-plugin/plugin.json"];

/** A `[marketplaces.<name>]` entry of config.toml. */
export interface ConfiguredMarketplace {
  name: string;
  sourceType: string;
  source: string;
}

export interface MarketplacePlugin {
  name: string;
  /** The plugin folder (absolute, inside the marketplace root). */
  path: string;
  installPolicy: string;
  authPolicy: string;
}

export interface Marketplace {
  name: string;
  root: string;
  manifestPath: string;
  plugins: MarketplacePlugin[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** The configured marketplaces of the user's config.toml, in file order. */
export function configuredMarketplaces(userConfig: Record<string, unknown> | undefined): ConfiguredMarketplace[] {
  const table = userConfig?.marketplaces;
  if (!table || typeof table !== "object" || Array.isArray(table)) return [];
  return Object.entries(table as Record<string, unknown>).flatMap(([name, entry]) => {
    if (!entry || typeof entry !== "object") return [];
    const { source_type: sourceType, source } = entry as { source_type?: unknown; source?: unknown };
    return typeof source === "string" ? [{ name, sourceType: typeof sourceType === "string" ? sourceType : "local", source }] : [];
  });
}

/** Resolves a local marketplace source (relative to `cwd`) to its real absolute root. */
export function resolveLocalRoot(source: string, cwd: string): Result<string> {
  try {
    const root = realpathSync(path.resolve(cwd, source));
    if (!statSync(root).isDirectory()) return { ok: false, error: `failed to resolve local marketplace source path: ${root} is not a directory` };
    return { ok: true, value: root };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, error: `failed to resolve local marketplace source path: ${code === "ENOENT" ? "No such file or directory" : (error as Error).message}` };
  }
}

/** Reads the marketplace at `root`; plugins with a source codex-ts cannot install (git, npm, URL) are skipped, as Codex skips them. */
export function loadMarketplace(root: string): Result<Marketplace> {
  const manifestPath = MARKETPLACE_MANIFESTS.map((rel) => path.join(root, rel)).find((file) => existsSync(file));
  if (!manifestPath) return { ok: false, error: `invalid marketplace file \`${root}\`: marketplace root does not contain a supported manifest` };
  let manifest: { name?: unknown; plugins?: unknown };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as typeof manifest;
  } catch (error) {
    return { ok: false, error: `invalid marketplace file \`${manifestPath}\`: ${(error as Error).message}` };
  }
  if (typeof manifest?.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(manifest.name)) {
    return { ok: false, error: `invalid marketplace file \`${manifestPath}\`: a marketplace needs a \`name\` (letters, digits, _ . -)` };
  }
  const plugins: MarketplacePlugin[] = [];
  for (const entry of Array.isArray(manifest.plugins) ? manifest.plugins : []) {
    const e = entry as { name?: unknown; source?: unknown; policy?: { installation?: unknown; authentication?: unknown } };
    if (typeof e?.name !== "string") continue;
    const relative = typeof e.source === "string" ? e.source : localObjectSource(e.source);
    if (relative === undefined || !relative.startsWith("./")) continue;
    const pluginPath = path.resolve(root, relative);
    const inside = path.relative(root, pluginPath);
    if (inside.startsWith("..") || path.isAbsolute(inside)) continue;
    plugins.push({
      name: e.name,
      path: pluginPath,
      installPolicy: typeof e.policy?.installation === "string" ? e.policy.installation : "AVAILABLE",
      authPolicy: typeof e.policy?.authentication === "string" ? e.policy.authentication : "ON_INSTALL",
    });
  }
  return { ok: true, value: { name: manifest.name, root, manifestPath, plugins } };
}

function localObjectSource(source: unknown): string | undefined {
  const s = source as { source?: unknown; path?: unknown } | null;
  return s && s.source === "local" && typeof s.path === "string" ? s.path : undefined;
}

/** A plugin folder's manifest (`version` and all), or undefined when it has none. */
export function readPluginManifest(pluginRoot: string): { file: string; version: string | null } | undefined {
  const file = PLUGIN_MANIFESTS.map((rel) => path.join(pluginRoot, rel)).find((f) => existsSync(f));
  if (!file) return undefined;
  try {
    const version = (JSON.parse(readFileSync(file, "utf8")) as { version?: unknown }).version;
    return { file, version: typeof version === "string" && version.trim() !== "" ? version : null };
  } catch {
    return { file, version: null };
  }
}
