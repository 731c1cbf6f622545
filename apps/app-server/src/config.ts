import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type Config,
  type ConfigLayerSource,
  type ConfigOverride,
  configOrigins,
  loadConfig,
  SYSTEM_CONFIG_FILE,
} from "@codex-ts/core";
import { parse as parseTomlPreserving, patch as patchToml } from "@decimalturn/toml-patch";
import { parse as parseToml } from "smol-toml";
import * as z from "zod";
import { ErrorCode, errorMessage, invalidParams, invalidRequest, RpcError } from "./errors.js";

/** A JSON value as a TOML value literal (what `-c key=value` overrides expect after the `=`). */
export function tomlLiteral(value: unknown): string {
  if (value === null || value === undefined) return '""';
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(tomlLiteral).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)} = ${tomlLiteral(v)}`,
    );
    return `{ ${entries.join(", ")} }`;
  }
  return JSON.stringify(String(value));
}

/** `config` params (`{"a.b": value}`) as core config overrides. */
export function overridesFromJson(config: Record<string, unknown> | null | undefined): ConfigOverride[] {
  if (!config) return [];
  return Object.entries(config).map(([key, value]) => ({ key, value: tomlLiteral(value) }));
}

export interface EffectiveConfig {
  config: Config;
  warnings: string[];
}

/** Where the server's `-c key=value` flags travel (JSON `[{key, value}]`), so every config load sees them. */
export const SESSION_FLAGS_ENV = "CODEX_TS_APP_SERVER_CONFIG_OVERRIDES";

/** `env` carrying `overrides` as the server's session flags (see SESSION_FLAGS_ENV). */
export function withSessionFlags(env: Record<string, string | undefined>, overrides: ConfigOverride[]): Record<string, string | undefined> {
  return { ...env, [SESSION_FLAGS_ENV]: JSON.stringify(overrides) };
}

function sessionFlags(env: Record<string, string | undefined>): ConfigOverride[] {
  const raw = env[SESSION_FLAGS_ENV];
  if (!raw) return [];
  try {
    const parsed = z.array(z.object({ key: z.string(), value: z.string() })).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Loads config.toml plus overrides; a broken config is an invalid-request error naming the problem. */
export function loadEffectiveConfig(options: {
  codexHome: string;
  env: Record<string, string | undefined>;
  cwd?: string;
  overrides?: ConfigOverride[];
}): EffectiveConfig {
  const result = loadConfig({
    codexHome: options.codexHome,
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    overrides: [...sessionFlags(options.env), ...(options.overrides ?? [])],
  });
  if (!result.ok) throw invalidRequest(`invalid configuration: ${result.error}`);
  return { config: result.config, warnings: result.warnings };
}

/* ------------------------------------------------------------------ config/read, config/*Write */

export const MergeStrategy = z.enum(["replace", "upsert"]);
export const ConfigEdit = z.object({
  keyPath: z.string().min(1),
  value: z.unknown(),
  mergeStrategy: MergeStrategy,
});
export type ConfigEdit = z.infer<typeof ConfigEdit>;

export function configVersion(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

export function userConfigPath(codexHome: string): string {
  return path.join(codexHome, "config.toml");
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new RpcError(ErrorCode.InternalError, `cannot read ${file}: ${errorMessage(error)}`);
  }
}

/** Splits `a.b."c.d"` into `["a", "b", "c.d"]`. */
export function splitKeyPath(keyPath: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < keyPath.length; i++) {
    const ch = keyPath[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (ch === "." && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  if (quoted || parts.some((p) => p.trim() === ""))
    throw invalidParams(`invalid keyPath: ${JSON.stringify(keyPath)}`);
  const keys = parts.map((p) => p.trim());
  for (const key of keys) assertSafeKey(key);
  return keys;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Keys that would reach object prototypes are refused outright. */
function assertSafeKey(key: string): void {
  if (UNSAFE_KEYS.has(key)) throw invalidParams(`config key not allowed: ${key}`);
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isTable(base) || !isTable(patch)) return patch;
  const out: Table = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    assertSafeKey(key);
    out[key] = deepMerge(out[key], value);
  }
  return out;
}

/** Drops `null`s (TOML has no null): a null leaf means "remove this key". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (isTable(value)) {
    const out: Table = {};
    for (const [k, v] of Object.entries(value)) {
      assertSafeKey(k);
      if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    }
    return out;
  }
  return value;
}

function applyEdit(doc: Table, edit: ConfigEdit): void {
  const keys = splitKeyPath(edit.keyPath);
  let table = doc;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(table, key) ? table[key] : undefined;
    if (next === undefined) table[key] = {};
    else if (!isTable(next)) throw invalidParams(`cannot write ${edit.keyPath}: ${key} is not a table`);
    table = table[key] as Table;
  }
  const leaf = keys[keys.length - 1] as string;
  if (edit.value === null || edit.value === undefined) {
    delete table[leaf];
    return;
  }
  const value = withoutNulls(edit.value);
  table[leaf] = edit.mergeStrategy === "upsert" ? deepMerge(table[leaf], value) : value;
}

export interface WriteResult {
  status: "ok" | "okOverridden";
  version: string;
  filePath: string;
}

/**
 * Applies edits to a config file atomically (all or none; temp file + rename), keeping the user's
 * comments and formatting. The result must still load as a valid Codex config.
 */
export function writeConfigEdits(options: {
  codexHome: string;
  env: Record<string, string | undefined>;
  filePath?: string | null;
  expectedVersion?: string | null;
  edits: ConfigEdit[];
}): WriteResult {
  const file = path.resolve(options.filePath ?? userConfigPath(options.codexHome));
  const original = readText(file);
  const currentVersion = textVersion(original);
  if (options.expectedVersion && options.expectedVersion !== currentVersion) {
    throw invalidRequest(
      `config version conflict: expected ${options.expectedVersion}, found ${currentVersion}`,
      {
        currentVersion,
      },
    );
  }
  let doc: Table;
  try {
    doc = (original.trim() === "" ? {} : parseTomlPreserving(original)) as Table;
  } catch (error) {
    throw invalidRequest(`${file} is not valid TOML: ${errorMessage(error)}`);
  }
  for (const edit of options.edits) applyEdit(doc, edit);
  let updated: string;
  try {
    updated = patchToml(original, doc, { inlineTableStart: 3 });
  } catch (error) {
    throw invalidParams(`cannot write the edits as TOML: ${errorMessage(error)}`);
  }
  const problem = validateConfigText(updated);
  if (problem) throw invalidParams(`the edited config would be invalid: ${problem}`);
  const staged = `${file}.codex-ts-${process.pid}-${Date.now()}.tmp`;
  try {
    writeFileSync(staged, updated, { mode: 0o600 });
    renameSync(staged, file);
  } catch (error) {
    throw new RpcError(ErrorCode.InternalError, `cannot write ${file}: ${errorMessage(error)}`);
  }
  return { status: "ok", version: textVersion(updated), filePath: file };
}

/** A parse-level check of the new text (core's loader checks keys/values when the config is used). */
function validateConfigText(text: string): string | undefined {
  try {
    parseTomlPreserving(text);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/** A core layer source as the v2 `ConfigLayerSource` (they share the shape; the user layer names its profile, null when none). */
function layerName(source: ConfigLayerSource): Table {
  return source.type === "user" ? { ...source, profile: source.profile ?? null } : { ...source };
}

/**
 * `config/read`: the effective config (snake_case, as config.toml spells it) merged from core's
 * layers — system, user, the trusted project `.codex/config.toml`s seen from `cwd` — with per-key
 * origins (dotted leaf paths) and, on request, every layer highest precedence first (disabled
 * project layers included, with their `disabledReason`).
 */
export function readConfig(options: {
  codexHome: string;
  env: Record<string, string | undefined>;
  cwd?: string | null;
  includeLayers?: boolean | null;
}): { config: unknown; origins: Record<string, unknown>; layers?: unknown[]; warnings: string[] } {
  const { config, warnings } = loadEffectiveConfig({
    codexHome: options.codexHome,
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const merged = jsonSafe(config.toml) as Table;
  // As Codex 0.169: the system layer is listed even when its file is missing.
  const all = config.layers.some((layer) => layer.source.type === "system")
    ? config.layers
    : [{ source: { type: "system" as const, file: SYSTEM_CONFIG_FILE }, config: {} }, ...config.layers];
  // A file layer's version is its text's (what config writes check); others hash their table.
  const versionOf = new Map(
    all.map((layer) => [layer.source, "file" in layer.source ? fileVersion(layer.source.file, layer.config) : layerVersion(layer.config)]),
  );
  const origins: Record<string, unknown> = {};
  for (const [key, meta] of Object.entries(configOrigins(config.layers))) {
    origins[key] = { name: layerName(meta.source), version: versionOf.get(meta.source) ?? meta.version };
  }
  if (!options.includeLayers) return { config: merged, origins, warnings };
  const layers = [...all].reverse().map((layer) => ({
    name: layerName(layer.source),
    version: versionOf.get(layer.source),
    config: jsonSafe(layer.config),
    ...("disabledReason" in layer && layer.disabledReason ? { disabledReason: layer.disabledReason } : {}),
  }));
  return { config: merged, origins, layers, warnings };
}

/** Keys sorted at every level (Codex serializes a layer's table in key order). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (isTable(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys(value[key])]));
  return value;
}

function fileVersion(file: string, fallback: unknown): string {
  try {
    return textVersion(readFileSync(file, "utf8"));
  } catch {
    return layerVersion(fallback);
  }
}

/** The version of a config file's text (its table's; the text's own hash when it does not parse). */
function textVersion(text: string): string {
  try {
    return layerVersion(parseToml(text));
  } catch {
    return configVersion(text);
  }
}

/** A layer's version as Codex 0.169 reports it: `sha256:` of its table as compact JSON, keys sorted. */
export function layerVersion(table: unknown): string {
  return configVersion(JSON.stringify(sortedKeys(jsonSafe(table ?? {}))));
}

/** TOML dates and bigints as JSON-friendly values. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
