import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { parse as parseToml } from "smol-toml";
import {
  type HookState,
  mergeHookStates,
  type ParsedHandler,
  parseHookEvents,
  parseHookStates,
  parseHooksFile,
} from "./config.js";
import { EVENT_TRAITS, type HookEvent, validateMatcher } from "./events.js";
import { DEFAULT_TIMEOUT_SEC, hookHash, hookKey } from "./identity.js";
import { pluginContentHash } from "./plugin-fingerprint.js";

/** A config layer that may declare hooks: the user's CODEX_HOME or a project's `.codex/` folder. */
export interface HookLayerInput {
  source: "user" | "project" | "system" | "sessionFlags";
  /** The layer folder; `hooks.json` is read from it, and `config.toml` unless `config` is given. */
  dir: string;
  /** Parsed config.toml of the layer, when the caller has already loaded it. */
  config?: unknown;
}

/** Hooks from managed requirements (requirements.toml `[hooks]`, MDM, cloud). Always managed. */
export interface ManagedHooksInput {
  /** The requirements `hooks` table: event → matcher groups (plus optional `managed_dir`). */
  hooks: unknown;
  /** Where the requirements came from (shown in hooks/list, used in hook keys). */
  sourcePath: string;
  source?: v2.HookSource;
}

/** An installed plugin. Its hooks come from `hooks` in its manifest or from `hooks/hooks.json`. */
export interface PluginInput {
  /** Plugin key, e.g. `demo@marketplace`. */
  id: string;
  root: string;
  /** Plugin data folder (PLUGIN_DATA); defaults to `<root>/data`. */
  dataRoot?: string;
}

export interface HookDiscoveryInput {
  /** Config layers, lowest precedence first (user, then project folders from root to cwd). */
  layers?: HookLayerInput[];
  managed?: ManagedHooksInput | null;
  plugins?: PluginInput[];
  /** Feature flags; plugin hooks load only with `plugin_hooks: true`. */
  features?: { plugin_hooks?: boolean };
  /** Extra hook state applied over what user layers declare (e.g. session flags). */
  hookStates?: Record<string, HookState>;
  /** `--dangerously-bypass-hook-trust`: run enabled unmanaged hooks even when untrusted. */
  bypassHookTrust?: boolean;
  /** Requirements `allow_managed_hooks_only`: ignore every unmanaged hook. */
  allowManagedHooksOnly?: boolean;
}

/** One discovered command handler with its identity; trust and enablement are applied separately. */
export interface DeclaredHook {
  key: string;
  event: HookEvent;
  matcher: string | null;
  command: string;
  timeoutSec: number;
  async: boolean;
  statusMessage: string | null;
  source: v2.HookSource;
  sourcePath: string;
  pluginId: string | null;
  isManaged: boolean;
  displayOrder: number;
  currentHash: string;
  /** Extra environment for the process (plugin roots). */
  env: Record<string, string>;
}

export type TrustStatus = "managed" | "untrusted" | "trusted" | "modified";

/** A declared hook after applying `hooks.state` and the trust bypass. */
export interface ConfiguredHook extends DeclaredHook {
  enabled: boolean;
  trustStatus: TrustStatus;
  /** Enabled and (managed, trusted or trust bypassed). */
  runnable: boolean;
}

export interface HookRegistry {
  hooks: ConfiguredHook[];
  warnings: string[];
  errors: { path: string; message: string }[];
  /** Effective state used (from user layers + `hookStates`). */
  states: Record<string, HookState>;
  bypassHookTrust: boolean;
}

interface SourceInfo {
  keySource: string;
  sourcePath: string;
  source: v2.HookSource;
  isManaged: boolean;
  pluginId: string | null;
  env: Record<string, string>;
  /** Plugins: the fingerprint of the plugin's files, appended to each handler's hash. */
  contentHash?: string;
}

function readJson(path: string, warnings: string[], errors: HookRegistry["errors"]): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const message = `failed to parse hooks config ${path}: ${error instanceof Error ? error.message : String(error)}`;
    warnings.push(message);
    errors.push({ path, message });
    return undefined;
  }
}

function readLayerConfig(layer: HookLayerInput, warnings: string[], errors: HookRegistry["errors"]): unknown {
  if (layer.config !== undefined) return layer.config;
  const path = join(layer.dir, "config.toml");
  if (!existsSync(path)) return undefined;
  try {
    return parseToml(readFileSync(path, "utf8"));
  } catch (error) {
    const message = `failed to parse ${path}: ${error instanceof Error ? error.message : String(error)}`;
    warnings.push(message);
    errors.push({ path, message });
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function declare(parsed: ParsedHandler[], info: SourceInfo, out: DeclaredHook[], warnings: string[]): void {
  for (const item of parsed) {
    const matcher = EVENT_TRAITS[item.event].usesMatcher ? item.matcher : null;
    if (matcher !== null) {
      const problem = validateMatcher(matcher);
      if (problem !== null) {
        warnings.push(`invalid matcher ${JSON.stringify(matcher)} in ${info.sourcePath}: ${problem}`);
        continue;
      }
    }
    const rawCommand =
      process.platform === "win32"
        ? (item.handler.commandWindows ?? item.handler.command)
        : item.handler.command;
    const timeoutSec = Math.max(1, item.handler.timeout ?? item.handler.timeoutSec ?? DEFAULT_TIMEOUT_SEC);
    const async = item.handler.async ?? false;
    const statusMessage = item.handler.statusMessage ?? null;
    const handlerHash = hookHash({ event: item.event, matcher, command: rawCommand, timeoutSec, async, statusMessage });
    const currentHash = info.contentHash ? `${handlerHash}/${info.contentHash}` : handlerHash;
    let command = rawCommand;
    for (const [name, value] of Object.entries(info.env)) command = command.replaceAll(`\${${name}}`, value);
    out.push({
      key: hookKey(info.keySource, item.event, item.groupIndex, item.handlerIndex),
      event: item.event,
      matcher,
      command,
      timeoutSec,
      async,
      statusMessage,
      source: info.source,
      sourcePath: info.sourcePath,
      pluginId: info.pluginId,
      isManaged: info.isManaged,
      displayOrder: out.length,
      currentHash,
      env: info.env,
    });
  }
}

const MANIFEST_PATHS = [".codex-plugin/plugin.json", ".claude-plugin/plugin.json", "plugin.json"];

function pluginHookSources(
  plugin: PluginInput,
  warnings: string[],
  errors: HookRegistry["errors"],
): { relativePath: string; sourcePath: string; parsed: ParsedHandler[] }[] {
  const root = resolve(plugin.root);
  const manifestRel = MANIFEST_PATHS.find((rel) => isFile(join(root, rel)));
  let manifestHooks: unknown;
  if (manifestRel !== undefined) {
    const manifest = readJson(join(root, manifestRel), warnings, errors);
    if (manifest !== null && typeof manifest === "object" && !Array.isArray(manifest)) {
      manifestHooks = (manifest as Record<string, unknown>).hooks;
    }
  }
  const fromFile = (rel: string) => {
    const path = resolve(root, rel);
    const inside = relative(root, path);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      warnings.push(`plugin ${plugin.id}: hooks path ${rel} escapes the plugin root`);
      return [];
    }
    if (!isFile(path)) {
      warnings.push(`plugin ${plugin.id}: hooks file ${path} not found`);
      return [];
    }
    const value = readJson(path, warnings, errors);
    if (value === undefined) return [];
    return [
      {
        relativePath: inside.split("\\").join("/"),
        sourcePath: path,
        parsed: parseHooksFile(value, path, warnings),
      },
    ];
  };
  if (typeof manifestHooks === "string") return fromFile(manifestHooks);
  // Inline hooks are keyed `plugin.json#hooks[<index>]` whatever the manifest's folder (as 0.169).
  const inline = (value: unknown, index: number) => {
    if (manifestRel === undefined || value === null || typeof value !== "object") return [];
    const sourcePath = join(root, manifestRel);
    return [{ relativePath: `plugin.json#hooks[${index}]`, sourcePath, parsed: parseHooksFile(value, sourcePath, warnings) }];
  };
  if (Array.isArray(manifestHooks))
    return manifestHooks.flatMap((x, index) => (typeof x === "string" ? fromFile(x) : inline(x, index)));
  if (manifestHooks !== undefined && manifestHooks !== null) return inline(manifestHooks, 0);
  if (isFile(join(root, "hooks/hooks.json"))) return fromFile("hooks/hooks.json");
  return [];
}

/**
 * Find every hook the inputs declare, in Codex's order: managed requirements, then each layer
 * (hooks.json before config.toml), then plugins. Bad files and entries become warnings; nothing
 * throws.
 */
export function declareHooks(input: HookDiscoveryInput): {
  hooks: DeclaredHook[];
  warnings: string[];
  errors: HookRegistry["errors"];
  layerStates: Record<string, HookState>;
} {
  const hooks: DeclaredHook[] = [];
  const warnings: string[] = [];
  const errors: HookRegistry["errors"] = [];
  const stateLayers: Record<string, HookState>[] = [];
  const managedOnly = input.allowManagedHooksOnly === true;

  if (input.managed) {
    const where = input.managed.sourcePath;
    const parsed = parseHookEvents(input.managed.hooks, where, warnings, [
      "managed_dir",
      "windows_managed_dir",
    ]);
    declare(
      parsed,
      {
        keySource: where,
        sourcePath: where,
        source: input.managed.source ?? "system",
        isManaged: true,
        pluginId: null,
        env: {},
      },
      hooks,
      warnings,
    );
  }

  for (const layer of input.layers ?? []) {
    const config = readLayerConfig(layer, warnings, errors);
    if (layer.source === "user" || layer.source === "sessionFlags") stateLayers.push(parseHookStates(config));
    const isManaged = layer.source === "system";
    if (managedOnly && !isManaged) continue;
    const dir = resolve(layer.dir);
    const jsonPath = join(dir, "hooks.json");
    const configPath = join(dir, "config.toml");
    const jsonHandlers = isFile(jsonPath)
      ? (() => {
          const value = readJson(jsonPath, warnings, errors);
          return value === undefined ? [] : parseHooksFile(value, jsonPath, warnings);
        })()
      : [];
    const tomlHooks = (config as { hooks?: unknown } | undefined)?.hooks;
    const tomlHandlers = parseHookEvents(tomlHooks, configPath, warnings, ["state"]);
    if (jsonHandlers.length > 0 && tomlHandlers.length > 0) {
      warnings.push(
        `loading hooks from both ${jsonPath} and ${configPath}; prefer a single representation for this layer`,
      );
    }
    const base = { source: layer.source, isManaged, pluginId: null, env: {} };
    declare(jsonHandlers, { ...base, keySource: jsonPath, sourcePath: jsonPath }, hooks, warnings);
    declare(tomlHandlers, { ...base, keySource: configPath, sourcePath: configPath }, hooks, warnings);
  }

  if (input.features?.plugin_hooks === true && !managedOnly) {
    for (const plugin of input.plugins ?? []) {
      const root = resolve(plugin.root);
      const dataRoot = resolve(plugin.dataRoot ?? join(root, "data"));
      const env = {
        PLUGIN_ROOT: root,
        CLAUDE_PLUGIN_ROOT: root,
        PLUGIN_DATA: dataRoot,
        CLAUDE_PLUGIN_DATA: dataRoot,
      };
      const sources = pluginHookSources(plugin, warnings, errors);
      const contentHash = sources.length > 0 ? pluginContentHash(root) : undefined;
      for (const found of sources) {
        declare(
          found.parsed,
          {
            keySource: `${plugin.id}:${found.relativePath}`,
            sourcePath: found.sourcePath,
            source: "plugin",
            isManaged: false,
            pluginId: plugin.id,
            env,
            contentHash,
          },
          hooks,
          warnings,
        );
      }
    }
  }
  return { hooks, warnings, errors, layerStates: mergeHookStates(...stateLayers) };
}

function trustStatusOf(hook: DeclaredHook, state: HookState | undefined): TrustStatus {
  if (hook.isManaged) return "managed";
  const trusted = state?.trusted_hash;
  if (trusted === undefined) return "untrusted";
  return trusted === hook.currentHash ? "trusted" : "modified";
}

/** Apply `hooks.state` (enablement, trusted hashes) and the trust bypass to declared hooks. */
export function applyHookStates(
  declared: DeclaredHook[],
  states: Record<string, HookState>,
  bypassHookTrust: boolean,
): ConfiguredHook[] {
  return declared.map((hook) => {
    const state = states[hook.key];
    const enabled = hook.isManaged || state?.enabled !== false;
    const trustStatus = trustStatusOf(hook, state);
    const trustedEnough =
      trustStatus === "managed" || trustStatus === "trusted" || (bypassHookTrust && !hook.isManaged);
    return { ...hook, enabled, trustStatus, runnable: enabled && trustedEnough };
  });
}

/** Discover hooks and evaluate trust: the registry a hook engine runs from. */
export function discoverHooks(input: HookDiscoveryInput): HookRegistry {
  const declared = declareHooks(input);
  const states = mergeHookStates(declared.layerStates, input.hookStates ?? {});
  const bypassHookTrust = input.bypassHookTrust === true;
  const hooks = applyHookStates(declared.hooks, states, bypassHookTrust);
  const warnings = [...declared.warnings];
  for (const hook of hooks) {
    if (hook.enabled && !hook.runnable) {
      warnings.push(
        `hook ${hook.key} is ${hook.trustStatus === "modified" ? "modified since it was trusted" : "not trusted"}; it will not run until trusted (hash ${hook.currentHash})`,
      );
    }
  }
  return { hooks, warnings, errors: declared.errors, states, bypassHookTrust };
}

/**
 * The standard layers for a cwd: the user layer (`codexHome`) and each project `.codex/` folder
 * from the project root (nearest ancestor holding one of `rootMarkers`) down to `cwd`. Whether a
 * project is trusted enough to load its layer is the caller's decision.
 */
export function standardLayers(opts: {
  codexHome: string;
  cwd: string;
  rootMarkers?: string[];
}): HookLayerInput[] {
  const markers = opts.rootMarkers ?? [".git"];
  const cwd = resolve(opts.cwd);
  const chain: string[] = [];
  let root: string | null = null;
  for (let dir = cwd; ; dir = dirname(dir)) {
    chain.push(dir);
    if (markers.some((marker) => existsSync(join(dir, marker)))) {
      root = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  const projectDirs = root === null ? [cwd] : chain.reverse();
  const layers: HookLayerInput[] = [{ source: "user", dir: resolve(opts.codexHome) }];
  for (const dir of projectDirs) {
    const dotCodex = join(dir, ".codex");
    if (dotCodex !== resolve(opts.codexHome) && existsSync(dotCodex))
      layers.push({ source: "project", dir: dotCodex });
  }
  return layers;
}
