// Methods: read-only catalogs: experimentalFeature/list, permissionProfile/list, modelProvider/list, configRequirements/read
// (mcpServerStatus/list is in mcp.ts).
//
// Shapes follow Codex's app-server v2 schema. None of these types is in @codex-ts/protocol yet, so
// the params schemas and the response types live here. Lists page with an opaque offset cursor
// (the index of the next item, as thread/loaded/list and model/list do here).
import path from "node:path";
import type { Config, ModelProviderInfo } from "@codex-ts/core";
import * as z from "zod";
import { loadEffectiveConfig } from "../config.js";
import { invalidParams } from "../errors.js";
import { BUILTIN_PERMISSION_PROFILES, sandboxPolicyForPermissions } from "../permission-profiles.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import { assertDirectory } from "../threads.js";

/* ---------------------------------------------------------------- wire shapes (local) */

const Cursor = z.string().nullish();
const Limit = z.number().int().min(0).max(0xffff_ffff).nullish();

const PermissionProfileListParams = z.object({ cursor: Cursor, limit: Limit, cwd: z.string().nullish() });
const ExperimentalFeatureListParams = z.object({ cursor: Cursor, limit: Limit, threadId: z.string().nullish() });
const EmptyParams = z.object({});

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

interface PermissionProfileSummary {
  id: string;
  description: string | null;
  allowed: boolean;
}

type ExperimentalFeatureStage = "beta" | "underDevelopment" | "stable" | "deprecated" | "removed";
interface ExperimentalFeature {
  name: string;
  stage: ExperimentalFeatureStage;
  displayName: string | null;
  description: string | null;
  announcement: string | null;
  enabled: boolean;
  defaultEnabled: boolean;
}

type GatewayAuth =
  | { mode: "none" }
  | { mode: "environmentVariable"; envKey: string }
  | { mode: "externallyConfigured"; envKey: string | null };
type ProviderSettings = { type: "openai" } | { type: "customGateway"; auth: GatewayAuth };
interface ModelProviderSummary {
  id: string;
  name: string;
  baseUrl: string | null;
  canEdit: boolean;
  settings: ProviderSettings;
}

/* ---------------------------------------------------------------- helpers */

/** One page of `items`: `cursor` is the index to start at, `limit` the page size (none or 0: the rest). */
export function paginate<T>(items: readonly T[], cursor: string | null | undefined, limit: number | null | undefined): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > items.length) throw invalidParams(`cursor: invalid cursor: ${cursor}`);
  const end = limit ? Math.min(start + limit, items.length) : items.length;
  return { data: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** What the built-in permission profiles allow, for clients to show. */
const BUILTIN_PROFILE_DESCRIPTIONS: Record<(typeof BUILTIN_PERMISSION_PROFILES)[number], string> = {
  ":read-only": "Read files anywhere; no writes and no network",
  ":workspace": "Read files; write inside the workspace roots; no network",
  ":danger-full-access": "No sandbox: full disk and network access",
};

/** Built-in profiles, then the `[permissions.<name>]` profiles in config order. */
export function permissionProfileSummaries(permissions: unknown): PermissionProfileSummary[] {
  const table = isTable(permissions) ? permissions : {};
  const builtins = BUILTIN_PERMISSION_PROFILES.map((id) => ({ id, description: BUILTIN_PROFILE_DESCRIPTIONS[id], allowed: true }));
  const user = Object.entries(table).map(([id, raw]) => {
    const description = isTable(raw) && typeof raw.description === "string" ? raw.description : null;
    // A profile this server cannot run as asked (unknown base, unsupported rules) is listed but
    // not selectable: thread/start would refuse it with -32602.
    let allowed = true;
    try {
      sandboxPolicyForPermissions(id, table);
    } catch {
      allowed = false;
    }
    return { id, description, allowed };
  });
  return [...builtins, ...user];
}

/** Feature flags this implementation reads from `[features]` (keys, stages and defaults as Codex has them). */
const KNOWN_FEATURES: ReadonlyArray<{ name: string; stage: ExperimentalFeatureStage; defaultEnabled: boolean }> = [
  { name: "plugin_hooks", stage: "underDevelopment", defaultEnabled: false },
  { name: "request_permissions_tool", stage: "underDevelopment", defaultEnabled: false },
];

export function experimentalFeatures(features: Readonly<Record<string, boolean>>): ExperimentalFeature[] {
  return KNOWN_FEATURES.map((feature) => ({
    name: feature.name,
    stage: feature.stage,
    // Codex gives display copy only to beta features; none of these is.
    displayName: null,
    description: null,
    announcement: null,
    enabled: features[feature.name] ?? feature.defaultEnabled,
    defaultEnabled: feature.defaultEnabled,
  }));
}

/** A base URL safe to show: none when absent, unparsable or carrying credentials. */
function displayableUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.username || parsed.password ? null : url;
  } catch {
    return null;
  }
}

function providerSettings(id: string, info: ModelProviderInfo): ProviderSettings {
  if (id === "openai") return { type: "openai" };
  if (info.env_key) return { type: "customGateway", auth: { mode: "environmentVariable", envKey: info.env_key } };
  if (info.requires_openai_auth || info.experimental_bearer_token)
    return { type: "customGateway", auth: { mode: "externallyConfigured", envKey: null } };
  return { type: "customGateway", auth: { mode: "none" } };
}

export function modelProviderList(config: Pick<Config, "modelProviders" | "modelProviderId">): {
  data: ModelProviderSummary[];
  defaultProviderId: string;
  canChangeDefault: boolean;
} {
  const data = Object.entries(config.modelProviders).map(([id, info]) => ({
    id,
    name: info.name,
    baseUrl: displayableUrl(info.base_url),
    // modelProvider/config/write is not served here, so nothing is editable through it.
    canEdit: false,
    settings: providerSettings(id, info),
  }));
  return { data, defaultProviderId: config.modelProviderId, canChangeDefault: false };
}

/* ---------------------------------------------------------------- methods */

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function catalogMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const load = (cwd?: string) =>
    loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env, ...(cwd ? { cwd } : {}) }).config;

  return [
    [
      "permissionProfile/list",
      method({
        params: PermissionProfileListParams,
        experimental: true,
        handler: (p) => {
          const cwd = p.cwd ? path.resolve(p.cwd) : undefined;
          if (cwd) assertDirectory(cwd);
          const config = load(cwd);
          return paginate(permissionProfileSummaries(config.toml.permissions), p.cursor, p.limit);
        },
      }),
    ],
    [
      "modelProvider/list",
      method({ params: EmptyParams, handler: () => modelProviderList(load()) }),
    ],
    [
      "experimentalFeature/list",
      method({
        params: ExperimentalFeatureListParams,
        handler: (p) => {
          const cwd = p.threadId ? runtime.threads.loaded(p.threadId).session.settings().cwd : undefined;
          return paginate(experimentalFeatures(load(cwd).features), p.cursor, p.limit);
        },
      }),
    ],
    [
      "configRequirements/read",
      method({ params: EmptyParams, handler: () => ({ requirements: null }) }),
    ],
  ];
}
