// Config layers, stacked as Codex stacks them (lowest precedence first): the system file
// (/etc/codex/config.toml), the user file ($CODEX_HOME/config.toml), one project layer per
// `.codex/` folder from the project root down to the cwd (applied only for trusted projects), and
// the session flags (`-c key=value`). Later layers override earlier ones key by key; tables merge.
import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { managedConfigFile } from "../requirements/managed-config.js";

export const SYSTEM_CONFIG_FILE = "/etc/codex/config.toml";
/** What marks a project root when `project_root_markers` is not set. */
export const DEFAULT_PROJECT_ROOT_MARKERS: readonly string[] = [".git"];

/** Where a layer comes from (the app-server v2 `ConfigLayerSource` variants codex-ts produces). */
export type ConfigLayerSource =
  | { type: "system"; file: string }
  | { type: "user"; file: string; profile?: string }
  | { type: "project"; dotCodexFolder: string }
  | { type: "sessionFlags" }
  | { type: "legacyManagedConfigTomlFromFile"; file: string };

export interface ConfigLayer {
  source: ConfigLayerSource;
  /** The config file behind the layer (it may not exist); absent for session flags. */
  file?: string;
  /** The layer's raw table (relative instruction-file paths made absolute against its folder). */
  config: Record<string, unknown>;
  /** `sha256:<hex>` of the file text ("" when the file is missing), or of the flags as JSON. */
  version: string;
  /** Set when the layer exists but is not applied (a project that is not trusted). */
  disabledReason?: string;
}

/** Which layer supplied a key of the effective config. */
export interface ConfigLayerMetadata {
  source: ConfigLayerSource;
  version: string;
}

export interface LoadConfigLayersOptions {
  codexHome: string;
  /** Working directory: project layers are looked up from here. Without it there are none. */
  cwd?: string;
  /** Defaults to /etc/codex/config.toml; `null` skips the system layer. */
  systemConfigFile?: string | null;
  /** The `-c` overrides as a table; a session-flags layer is added when given. */
  sessionFlags?: Record<string, unknown>;
  /** Skip `$CODEX_HOME/config.toml` (`--ignore-user-config`); auth still lives in CODEX_HOME. */
  ignoreUserConfig?: boolean;
  /**
   * The legacy managed config (highest precedence, over session flags): default
   * `managedConfigFile()` (/etc/codex/managed_config.toml, CODEX_TS_MANAGED_CONFIG_FILE); `null` skips it.
   */
  managedConfigFile?: string | null;
  /**
   * A profile (`-p NAME`, as Codex 0.169): `$CODEX_HOME/NAME.config.toml` layered on top of the
   * user config (a missing file is an empty layer). NAME must be a plain name.
   */
  profile?: string;
}

/** Whether `name` is a plain profile name (`work`, `ci-2`): no path, no leading dot. */
export function isPlainProfileName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) && !name.includes("..");
}

export type LoadConfigLayersResult =
  | { ok: true; layers: ConfigLayer[]; warnings: string[] }
  | { ok: false; error: string; warnings: string[] };

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Plain objects (smol-toml returns null-prototype tables) so zod and JSON behave normally. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (isTable(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonicalJson(value[k])]),
    );
  }
  return typeof value === "bigint" ? value.toString() : value;
}

/** Deep merge: tables merge key by key, anything else in `overlay` replaces what `base` has. */
export function mergeTables(
  base: Record<string, unknown>,
  overlay: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isTable(current) && isTable(value) ? mergeTables(current, value) : copy(value);
  }
  return out;
}

/** A fresh copy of tables and arrays, so callers may edit the merge result without touching layers. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isTable(value)) return mergeTables({}, value);
  return value;
}

/** The effective table: enabled layers merged from lowest to highest precedence. */
export function mergeConfigLayers(layers: readonly ConfigLayer[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) if (!layer.disabledReason) merged = mergeTables(merged, layer.config);
  return merged;
}

/**
 * Per-key origins of the effective config: dotted leaf paths (array items by index, `a.0`) → the
 * enabled layer that set them last. A value replacing a table or array drops the stale sub-keys.
 */
export function configOrigins(layers: readonly ConfigLayer[]): Record<string, ConfigLayerMetadata> {
  const origins: Record<string, ConfigLayerMetadata> = {};
  const dropUnder = (prefix: string) => {
    for (const key of Object.keys(origins)) if (key.startsWith(`${prefix}.`)) delete origins[key];
  };
  const visit = (value: unknown, keys: string[], meta: ConfigLayerMetadata) => {
    if (isTable(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...keys, k], meta);
      return;
    }
    const dotted = keys.join(".");
    if (Array.isArray(value)) {
      dropUnder(dotted);
      delete origins[dotted];
      for (const [i, item] of value.entries()) visit(item, [...keys, String(i)], meta);
      return;
    }
    dropUnder(dotted);
    origins[dotted] = meta;
  };
  for (const layer of layers) {
    if (layer.disabledReason) continue;
    visit(layer.config, [], { source: layer.source, version: layer.version });
  }
  return origins;
}

type ReadResult = { text?: string } | { error: string };

function readOptional(file: string): ReadResult {
  try {
    return { text: readFileSync(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return {};
    return { error: `${file}: cannot read: ${(error as Error).message}` };
  }
}

function parseTable(file: string, text: string): { table: Record<string, unknown> } | { error: string } {
  try {
    return { table: plain(parseToml(text)) as Record<string, unknown> };
  } catch (error) {
    return { error: `${file}: invalid TOML: ${(error as Error).message}` };
  }
}

const PATH_KEYS = ["model_instructions_file", "experimental_instructions_file"] as const;

/** Relative instruction-file paths are relative to the folder of the file that sets them. */
function resolveLayerPaths(table: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const fix = (t: Record<string, unknown>) => {
    for (const key of PATH_KEYS) {
      const value = t[key];
      if (typeof value === "string" && value !== "" && !path.isAbsolute(value))
        t[key] = path.resolve(baseDir, value);
    }
  };
  fix(table);
  if (isTable(table.profiles))
    for (const profile of Object.values(table.profiles)) if (isTable(profile)) fix(profile);
  return table;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** `cwd` and its ancestors, nearest first. */
function ancestors(dir: string): string[] {
  const out = [dir];
  for (let parent = path.dirname(dir); parent !== out[out.length - 1]; parent = path.dirname(parent))
    out.push(parent);
  return out;
}

/** The nearest ancestor of `cwd` (itself included) holding one of `markers`; `cwd` when none does. */
export function findProjectRoot(cwd: string, markers: readonly string[]): string {
  if (markers.length === 0) return cwd;
  for (const dir of ancestors(cwd)) if (markers.some((m) => exists(path.join(dir, m)))) return dir;
  return cwd;
}

function projectRootMarkers(
  merged: Record<string, unknown>,
  where: string,
): { markers: readonly string[] } | { error: string } {
  const value = merged.project_root_markers;
  if (value === undefined) return { markers: DEFAULT_PROJECT_ROOT_MARKERS };
  if (!Array.isArray(value) || value.some((m) => typeof m !== "string")) {
    return { error: `${where}: project_root_markers must be an array of strings` };
  }
  return { markers: value as string[] };
}

type TrustLevel = "trusted" | "untrusted";

/** `[projects."<path>"] trust_level` entries, keyed by resolved path. */
function trustTable(merged: Record<string, unknown>): Map<string, TrustLevel> {
  const out = new Map<string, TrustLevel>();
  if (!isTable(merged.projects)) return out;
  for (const [dir, entry] of Object.entries(merged.projects)) {
    const level = isTable(entry) ? entry.trust_level : undefined;
    if (level === "trusted" || level === "untrusted") out.set(path.resolve(dir), level);
  }
  return out;
}

/**
 * The profile layer `NAME.config.toml` above the user layer. As Codex, a user config that still
 * selects or defines the same profile the legacy way (`profile = "NAME"`, `[profiles.NAME]`) is an
 * error rather than two competing definitions.
 */
function profileLayer(
  name: string,
  codexHome: string,
  userFile: string,
  userLayer: ConfigLayer | undefined,
  fileLayer: (source: ConfigLayerSource, file: string, baseDir: string) => string | undefined,
): string | undefined {
  if (!isPlainProfileName(name)) return `invalid --profile value \`${name}\`; pass a plain name such as \`work\``;
  const user = userLayer?.source.type === "user" ? userLayer.config : {};
  const legacyTable = isTable(user.profiles) && name in user.profiles;
  if (user.profile === name || legacyTable) {
    const file = path.join(codexHome, `${name}.config.toml`);
    return `--profile \`${name}\` cannot be used while ${userFile} contains legacy \`profile = "${name}"\` or \`[profiles.${name}]\` config; move those settings into ${file} and remove the legacy profile selector/table.`;
  }
  const file = path.join(codexHome, `${name}.config.toml`);
  return fileLayer({ type: "user", file, profile: name }, file, codexHome);
}

/** Loads the layers, lowest precedence first. Never throws. */
export function loadConfigLayers(options: LoadConfigLayersOptions): LoadConfigLayersResult {
  const warnings: string[] = [];
  const codexHome = path.resolve(options.codexHome);
  const layers: ConfigLayer[] = [];

  const fileLayer = (source: ConfigLayerSource, file: string, baseDir: string): string | undefined => {
    const read = readOptional(file);
    if ("error" in read) return read.error;
    let config: Record<string, unknown> = {};
    if (read.text !== undefined) {
      const parsed = parseTable(file, read.text);
      if ("error" in parsed) return parsed.error;
      config = resolveLayerPaths(parsed.table, baseDir);
    }
    layers.push({ source, file, config, version: sha256(read.text ?? "") });
    return undefined;
  };

  const systemFile = options.systemConfigFile === undefined ? SYSTEM_CONFIG_FILE : options.systemConfigFile;
  if (systemFile !== null) {
    const file = path.resolve(systemFile);
    // The system layer is listed only when its file exists.
    if (exists(file)) {
      const error = fileLayer({ type: "system", file }, file, path.dirname(file));
      if (error) return { ok: false, error, warnings };
    }
  }
  const userFile = path.join(codexHome, "config.toml");
  if (!options.ignoreUserConfig) {
    const userError = fileLayer({ type: "user", file: userFile }, userFile, codexHome);
    if (userError) return { ok: false, error: userError, warnings };
  }
  if (options.profile !== undefined) {
    const error = profileLayer(options.profile, codexHome, userFile, layers.at(-1), fileLayer);
    if (error) return { ok: false, error, warnings };
  }

  if (options.cwd !== undefined) {
    const cwd = path.resolve(options.cwd);
    const beforeProjects = mergeConfigLayers(layers);
    const markers = projectRootMarkers(beforeProjects, userFile);
    if ("error" in markers) return { ok: false, error: markers.error, warnings };
    const projectRoot = findProjectRoot(cwd, markers.markers);
    const repoRoot = findProjectRoot(cwd, [".git"]);
    const repoKey = exists(path.join(repoRoot, ".git")) ? repoRoot : undefined;
    const trust = trustTable(beforeProjects);
    const lookup = (dir: string): TrustLevel | undefined => trust.get(dir) ?? trust.get(realpathOr(dir));

    const disabledReason = (dir: string): string | undefined => {
      for (const key of [dir, projectRoot, ...(repoKey ? [repoKey] : [])]) {
        const level = lookup(key);
        if (level === "trusted") return undefined;
        if (level === "untrusted")
          return `${key} is marked as untrusted in ${userFile}. To load config.toml, mark it trusted.`;
      }
      return `To load config.toml, add ${repoKey ?? projectRoot} as a trusted project in ${userFile}.`;
    };

    const all = ancestors(cwd);
    const rootIndex = all.indexOf(projectRoot);
    const dirs = (rootIndex >= 0 ? all.slice(0, rootIndex + 1) : [cwd]).reverse();
    const home = realpathOr(codexHome);
    for (const dir of dirs) {
      const dotCodex = path.join(dir, ".codex");
      if (!isDirectory(dotCodex)) continue;
      if (dotCodex === codexHome || realpathOr(dotCodex) === home) continue; // that is the user layer
      const file = path.join(dotCodex, "config.toml");
      const source: ConfigLayerSource = { type: "project", dotCodexFolder: dotCodex };
      const read = readOptional(file);
      if ("error" in read) return { ok: false, error: read.error, warnings };
      if (read.text === undefined) {
        // An empty layer still marks the folder (Codex lists it too).
        layers.push({ source, file, config: {}, version: sha256("") });
        continue;
      }
      const reason = disabledReason(dir);
      const parsed = parseTable(file, read.text);
      if (reason) {
        warnings.push(`${file}: project config not loaded: ${reason}`);
        const config = "error" in parsed ? {} : resolveLayerPaths(parsed.table, dotCodex);
        layers.push({ source, file, config, version: sha256(read.text), disabledReason: reason });
        continue;
      }
      if ("error" in parsed) return { ok: false, error: parsed.error, warnings };
      layers.push({
        source,
        file,
        config: resolveLayerPaths(parsed.table, dotCodex),
        version: sha256(read.text),
      });
    }
  }

  if (options.sessionFlags !== undefined) {
    const config = options.sessionFlags;
    layers.push({
      source: { type: "sessionFlags" },
      config,
      version: sha256(JSON.stringify(canonicalJson(config))),
    });
  }
  // Legacy managed config (../requirements): above everything, listed only when the file exists.
  const managedFile =
    options.managedConfigFile === undefined ? managedConfigFile() : options.managedConfigFile;
  if (managedFile !== null && exists(path.resolve(managedFile))) {
    const file = path.resolve(managedFile);
    const error = fileLayer({ type: "legacyManagedConfigTomlFromFile", file }, file, path.dirname(file));
    if (error) return { ok: false, error, warnings };
  }
  return { ok: true, layers, warnings };
}
