// loadConfig: the config layers (system, user, trusted project `.codex/config.toml`s, `-c key=value`
// overrides) merged, plus the profile → a resolved Config.
import { readFileSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type McpServerConfig, parseMcpServers } from "@codex-ts/mcp";
import type { z } from "zod";
import { DEFAULT_CATALOG_MODEL } from "../client/catalog.js";
import { builtinProviders, type ModelProviderInfo } from "../client/provider.js";
import { type ConfigLayer, configOrigins, loadConfigLayers, mergeConfigLayers } from "./layers.js";
import { managedConfigFile } from "../requirements/managed-config.js";
import { type ConfigOverride, deletePath, describeValue, dotted, getPath, parseOverride, setPath } from "./overrides.js";
import {
  type AskForApproval,
  type ConfigToml,
  ConfigTomlSchema,
  type ReasoningEffort,
  type ReasoningSummary,
  type SandboxMode,
  type SandboxWorkspaceWrite,
  type ShellEnvironmentPolicy,
} from "./schema.js";

export { type ConfigOverride, parseOverride } from "./overrides.js";

/** The bundled catalog's default (Codex 0.169: gpt-6.1-sol). */
export const DEFAULT_MODEL: string = DEFAULT_CATALOG_MODEL;
export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;

export interface LoadConfigOptions {
  /** Defaults to $CODEX_HOME, else ~/.codex. */
  codexHome?: string;
  /** `-c key=value` strings or parsed pairs, applied in order on top of config.toml. */
  overrides?: (string | ConfigOverride)[];
  /** Legacy profile: a `[profiles.NAME]` table of config.toml (beats the file's `profile = …`). */
  profile?: string;
  /** `-p NAME` as Codex 0.169: the layer `$CODEX_HOME/NAME.config.toml` over the user config. */
  profileFile?: string;
  /** `--ignore-user-config`: `$CODEX_HOME/config.toml` is not read (auth still uses CODEX_HOME). */
  ignoreUserConfig?: boolean;
  /** Unknown keys are errors instead of warnings. */
  strict?: boolean;
  /** Working directory: project trust and the project `.codex/config.toml` layers. */
  cwd?: string;
  /** The system layer's file: defaults to /etc/codex/config.toml; `null` skips it. */
  systemConfigFile?: string | null;
  /** Legacy managed config (top layer): defaults to /etc/codex/managed_config.toml or CODEX_TS_MANAGED_CONFIG_FILE; `null` skips it. */
  managedConfigFile?: string | null;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface Config {
  codexHome: string;
  /** The user config file (it may not exist). */
  configFile: string;
  /** Every layer found, lowest precedence first (disabled ones carry `disabledReason`). */
  layers: ConfigLayer[];
  profile?: string;
  model: string;
  reviewModel?: string;
  modelProviderId: string;
  modelProvider: ModelProviderInfo;
  modelProviders: Record<string, ModelProviderInfo>;
  approvalPolicy: AskForApproval;
  sandboxMode: SandboxMode;
  sandboxWorkspaceWrite: SandboxWorkspaceWrite;
  shellEnvironmentPolicy: ShellEnvironmentPolicy;
  modelReasoningEffort?: ReasoningEffort;
  modelReasoningSummary?: ReasoningSummary;
  modelVerbosity?: string;
  modelContextWindow?: number;
  modelAutoCompactTokenLimit?: number;
  features: Record<string, boolean>;
  projects: Record<string, { trust_level?: "trusted" | "untrusted" }>;
  /** Trust of `cwd` (or its nearest configured ancestor), when `cwd` was given. */
  projectTrust?: "trusted" | "untrusted";
  history: { persistence: "save-all" | "none"; max_bytes?: number };
  webSearch: "disabled" | "cached" | "live";
  /** `instructions` / `model_instructions_file` contents: replaces the base instructions. */
  baseInstructions?: string;
  developerInstructions?: string;
  projectDocMaxBytes: number;
  projectDocFallbackFilenames: string[];
  /** `[network]`: proxied networking for sandboxed commands (see `NetworkConfigSchema`). */
  network?: { enabled: boolean; allowedDomains: string[]; deniedDomains: string[]; allowLocal: boolean };
  /** Sections owned by other packages, passed through unvalidated. */
  hooks?: unknown;
  skills?: unknown;
  mcpServers?: unknown;
  /** `[mcp_servers.*]` (and the profile's), parsed; disabled servers included. */
  mcpServerConfigs: McpServerConfig[];
  /** The merged TOML (after overrides), for anything not modelled here. */
  toml: ConfigToml;
}

export type LoadConfigResult =
  | { ok: true; config: Config; warnings: string[] }
  | { ok: false; error: string; warnings: string[] };

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export function defaultCodexHome(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.CODEX_HOME?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(os.homedir(), ".codex");
}

/**
 * Load and resolve the configuration. Never throws: problems come back as `{ ok: false, error }`
 * naming the file (or override), the key and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadConfigResult {
  const env = options.env ?? process.env;
  const codexHome = options.codexHome ? path.resolve(options.codexHome) : defaultCodexHome(env);
  const configFile = path.join(codexHome, "config.toml");
  const warnings: string[] = [];

  // The -c overrides become the session-flags layer, remembering which keys came from them.
  let sessionFlags: Record<string, unknown> | undefined;
  const overrideSources = new Map<string, string>();
  for (const override of options.overrides ?? []) {
    const parsed = parseOverride(override);
    if ("error" in parsed) return { ok: false, error: parsed.error, warnings };
    sessionFlags ??= {};
    setPath(sessionFlags, parsed.key, parsed.value);
    const label = typeof override === "string" ? override : `${override.key}=${override.value}`;
    overrideSources.set(parsed.key.join("."), `-c ${label}`);
  }

  const loaded = loadConfigLayers({
    codexHome,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.systemConfigFile !== undefined ? { systemConfigFile: options.systemConfigFile } : {}),
    ...(sessionFlags ? { sessionFlags } : {}),
    ...(options.ignoreUserConfig ? { ignoreUserConfig: true } : {}),
    ...(options.profileFile !== undefined ? { profile: options.profileFile } : {}),
    managedConfigFile:
      options.managedConfigFile !== undefined ? options.managedConfigFile : managedConfigFile(env),
  });
  warnings.push(...loaded.warnings);
  if (!loaded.ok) return { ok: false, error: loaded.error, warnings };
  const layers = loaded.layers;
  const root = mergeConfigLayers(layers);
  const origins = configOrigins(layers);
  const layerLabel = (source: ConfigLayer["source"]): string =>
    source.type === "project"
      ? path.join(source.dotCodexFolder, "config.toml")
      : source.type === "sessionFlags"
        ? "-c overrides"
        : source.file;

  // Problems name the file (or override) that supplied the key.
  const sourceOf = (keys: PropertyKey[]): string => {
    const full = dotted(keys);
    for (const [key, label] of overrideSources) {
      if (full === key || full.startsWith(`${key}.`) || key.startsWith(`${full}.`)) return label;
    }
    const exact =
      origins[full] ??
      Object.entries(origins).find(([key]) => key.startsWith(`${full}.`) || full.startsWith(`${key}.`))?.[1];
    return exact ? layerLabel(exact.source) : configFile;
  };

  // Validate; unknown keys become warnings (dropped) unless strict.
  let parsed = ConfigTomlSchema.safeParse(root);
  if (!parsed.success) {
    const unknown = parsed.error.issues.filter((i) => i.code === "unrecognized_keys");
    const invalid = parsed.error.issues.filter((i) => i.code !== "unrecognized_keys");
    const unknownMessages = unknown.flatMap((issue) =>
      (issue as z.core.$ZodIssueUnrecognizedKeys).keys.map(
        (key) => `${sourceOf([...issue.path, key])}: unknown key \`${dotted([...issue.path, key])}\``,
      ),
    );
    if (invalid.length > 0) {
      const issue = invalid[0]!;
      const got = describeValue(getPath(root, issue.path));
      return {
        ok: false,
        error: `${sourceOf(issue.path)}: invalid value for \`${dotted(issue.path)}\`: ${issue.message} (got ${got})`,
        warnings,
      };
    }
    if (options.strict) return { ok: false, error: unknownMessages.join("; "), warnings };
    warnings.push(...unknownMessages);
    for (const issue of unknown) {
      for (const key of (issue as z.core.$ZodIssueUnrecognizedKeys).keys)
        deletePath(root, [...issue.path, key]);
    }
    parsed = ConfigTomlSchema.safeParse(root);
    if (!parsed.success)
      return { ok: false, error: `${configFile}: ${parsed.error.issues[0]?.message}`, warnings };
  }
  const toml = parsed.data;

  // Profile values beat top-level ones.
  const profileName = options.profile ?? toml.profile;
  let profile: NonNullable<ConfigToml["profiles"]>[string] = {};
  if (profileName !== undefined) {
    const found = toml.profiles?.[profileName];
    if (!found)
      return {
        ok: false,
        error: `${configFile}: profile \`${profileName}\` not found in [profiles]`,
        warnings,
      };
    profile = found;
  }
  const pick = <K extends keyof typeof profile & keyof ConfigToml>(key: K) =>
    (profile[key] ?? toml[key]) as ConfigToml[K];

  // Providers: built-ins, then config entries (which may not replace built-ins).
  const providers = builtinProviders(toml.openai_base_url ?? env.OPENAI_BASE_URL);
  for (const [id, entry] of Object.entries(toml.model_providers ?? {})) {
    if (id in providers) {
      warnings.push(`${configFile}: model_providers.${id} cannot override the built-in provider; ignored`);
      continue;
    }
    providers[id] = { ...entry, name: entry.name ?? id, wire_api: "responses" };
  }
  const modelProviderId = pick("model_provider") ?? "openai";
  const modelProvider = providers[modelProviderId];
  if (!modelProvider) {
    return {
      ok: false,
      error: `${sourceOf(["model_provider"])}: model_provider \`${modelProviderId}\` is not defined (known: ${Object.keys(providers).join(", ")})`,
      warnings,
    };
  }

  const approvalPolicy = pick("approval_policy") ?? "on-request";
  if (approvalPolicy === "on-failure") {
    warnings.push(
      "approval_policy `on-failure` is deprecated; use `on-request` (interactive) or `never` (non-interactive)",
    );
  }

  const cwd = options.cwd ? path.resolve(options.cwd) : undefined;
  const projects = toml.projects ?? {};
  let projectTrust: "trusted" | "untrusted" | undefined;
  if (cwd) {
    // The cwd as given and canonicalized (trust keys are written as realpaths).
    const candidates = [...new Set([cwd, realpathOr(cwd)])];
    let best = -1;
    for (const [dir, project] of Object.entries(projects)) {
      const resolved = path.resolve(dir);
      const inside = candidates.some((c) => {
        const rel = path.relative(resolved, c);
        return !rel.startsWith("..") && !path.isAbsolute(rel);
      });
      if (project.trust_level && inside && resolved.length > best) {
        best = resolved.length;
        projectTrust = project.trust_level;
      }
    }
  }

  let baseInstructions = toml.instructions;
  const instructionsFile = pick("model_instructions_file") ?? pick("experimental_instructions_file");
  if (instructionsFile) {
    const file = path.resolve(codexHome, instructionsFile);
    try {
      baseInstructions = readFileSync(file, "utf8");
    } catch (error) {
      return {
        ok: false,
        error: `${configFile}: model_instructions_file ${file}: ${(error as Error).message}`,
        warnings,
      };
    }
  }

  const config: Config = {
    codexHome,
    configFile,
    layers,
    model: pick("model") ?? DEFAULT_MODEL,
    modelProviderId,
    modelProvider,
    modelProviders: providers,
    approvalPolicy,
    sandboxMode: pick("sandbox_mode") ?? (projectTrust === "trusted" ? "workspace-write" : "read-only"),
    sandboxWorkspaceWrite: profile.sandbox_workspace_write ?? toml.sandbox_workspace_write ?? {},
    shellEnvironmentPolicy: profile.shell_environment_policy ?? toml.shell_environment_policy ?? {},
    features: { ...(toml.features ?? {}), ...(profile.features ?? {}) },
    projects,
    history: {
      persistence: toml.history?.persistence ?? "save-all",
      ...(toml.history?.max_bytes !== undefined ? { max_bytes: toml.history.max_bytes } : {}),
    },
    webSearch:
      pick("web_search") ?? ((pick("tools_web_search") ?? toml.tools?.web_search) ? "live" : "disabled"),
    projectDocMaxBytes: toml.project_doc_max_bytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES,
    projectDocFallbackFilenames: toml.project_doc_fallback_filenames ?? [],
    mcpServerConfigs: mcpServerConfigs(toml.mcp_servers, profile.mcp_servers),
    toml,
  };
  if (profileName !== undefined) config.profile = profileName;
  if (toml.review_model) config.reviewModel = toml.review_model;
  const effort = pick("model_reasoning_effort");
  if (effort) config.modelReasoningEffort = effort;
  const summary = pick("model_reasoning_summary");
  if (summary) config.modelReasoningSummary = summary;
  const verbosity = pick("model_verbosity");
  if (verbosity) config.modelVerbosity = verbosity;
  const contextWindow = profile.model_context_window ?? toml.model_context_window;
  if (contextWindow) config.modelContextWindow = contextWindow;
  const compactLimit = profile.model_auto_compact_token_limit ?? toml.model_auto_compact_token_limit;
  if (compactLimit) config.modelAutoCompactTokenLimit = compactLimit;
  if (projectTrust) config.projectTrust = projectTrust;
  if (baseInstructions !== undefined) config.baseInstructions = baseInstructions;
  const developerInstructions = pick("developer_instructions");
  if (developerInstructions !== undefined) config.developerInstructions = developerInstructions;
  if (toml.network !== undefined) {
    config.network = {
      enabled: toml.network.enabled === true,
      allowedDomains: toml.network.allowed_domains ?? [],
      deniedDomains: toml.network.denied_domains ?? [],
      allowLocal: toml.network.allow_local_binding === true,
    };
  }
  if (toml.hooks !== undefined) config.hooks = toml.hooks;
  if (toml.skills !== undefined) config.skills = toml.skills;
  if (toml.mcp_servers !== undefined) config.mcpServers = toml.mcp_servers;
  return { ok: true, config, warnings };
}

/** The servers of the file and of the profile (validated by the schema already). */
function mcpServerConfigs(servers: unknown, profileServers: unknown): McpServerConfig[] {
  const merged = { ...(servers as Record<string, unknown> | undefined), ...(profileServers as Record<string, unknown> | undefined) };
  const parsed = parseMcpServers(merged);
  return parsed.ok ? parsed.value : [];
}
