import { readFileSync } from "node:fs";
import path from "node:path";

// Model providers: where requests go and how they authenticate.

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
export const DEFAULT_STREAM_MAX_RETRIES = 5;
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** Hard cap on configured retry counts (a typo must not retry forever). */
export const MAX_RETRIES_CAP = 100;

/** A resolved `model_providers.<id>` entry (snake_case as in config.toml). */
export interface ModelProviderInfo {
  name: string;
  base_url?: string;
  /** Environment variable holding the API key (sent as `Authorization: Bearer …`). */
  env_key?: string;
  env_key_instructions?: string;
  /** A literal bearer token (discouraged; for tests and proxies). */
  experimental_bearer_token?: string;
  wire_api: "responses";
  query_params?: Record<string, string>;
  http_headers?: Record<string, string>;
  /** Header name → environment variable whose value (when set and non-empty) is sent. */
  env_http_headers?: Record<string, string>;
  request_max_retries?: number;
  stream_max_retries?: number;
  stream_idle_timeout_ms?: number;
  requires_openai_auth?: boolean;
}

/** The built-in `openai` provider. API key from OPENAI_API_KEY, else CODEX_API_KEY. */
export function builtinOpenAiProvider(openaiBaseUrl?: string): ModelProviderInfo {
  return {
    name: "OpenAI",
    base_url: openaiBaseUrl ?? DEFAULT_OPENAI_BASE_URL,
    wire_api: "responses",
    requires_openai_auth: true,
    env_http_headers: { "OpenAI-Organization": "OPENAI_ORGANIZATION", "OpenAI-Project": "OPENAI_PROJECT" },
  };
}

export function builtinProviders(openaiBaseUrl?: string): Record<string, ModelProviderInfo> {
  return {
    openai: builtinOpenAiProvider(openaiBaseUrl),
    ollama: { name: "Ollama", base_url: "http://localhost:11434/v1", wire_api: "responses" },
    lmstudio: { name: "LM Studio", base_url: "http://localhost:1234/v1", wire_api: "responses" },
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

export type ResolvedAuth =
  | { ok: true; apiKey: string | undefined; /** Where the key came from, for messages. */ source?: string }
  | { ok: false; error: string };

/**
 * The API key for a provider, or a clear error when a required one is missing. `storedApiKey`
 * (auth.json's OPENAI_API_KEY) is the last resort for providers using OpenAI auth.
 */
export function resolveApiKey(provider: ModelProviderInfo, env: Env, storedApiKey?: string): ResolvedAuth {
  if (provider.experimental_bearer_token) return { ok: true, apiKey: provider.experimental_bearer_token, source: "experimental_bearer_token" };
  if (provider.env_key) {
    const value = env[provider.env_key]?.trim();
    if (value) return { ok: true, apiKey: value, source: provider.env_key };
    const hint = provider.env_key_instructions ? ` ${provider.env_key_instructions}` : "";
    return {
      ok: false,
      error: `Missing environment variable: \`${provider.env_key}\` (API key for model provider "${provider.name}").${hint}`,
    };
  }
  if (provider.requires_openai_auth) {
    for (const [source, value] of [
      ["OPENAI_API_KEY", env.OPENAI_API_KEY?.trim()],
      ["CODEX_API_KEY", env.CODEX_API_KEY?.trim()],
      ["auth.json", storedApiKey?.trim()],
    ] as const) {
      if (value) return { ok: true, apiKey: value, source };
    }
    return {
      ok: false,
      error: "No API key: set OPENAI_API_KEY (or CODEX_API_KEY), or log in with an API key, to use the OpenAI provider.",
    };
  }
  return { ok: true, apiKey: undefined };
}

export function providerRequestRetries(provider: ModelProviderInfo): number {
  return Math.min(provider.request_max_retries ?? DEFAULT_REQUEST_MAX_RETRIES, MAX_RETRIES_CAP);
}

export function providerStreamRetries(provider: ModelProviderInfo): number {
  return Math.min(provider.stream_max_retries ?? DEFAULT_STREAM_MAX_RETRIES, MAX_RETRIES_CAP);
}

/** `{base_url}/responses` with the provider's query params. */
export function responsesUrl(provider: ModelProviderInfo): string {
  const base = (provider.base_url ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, "");
  const url = new URL(`${base}/responses`);
  for (const [key, value] of Object.entries(provider.query_params ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

/** Static + environment-sourced headers of a provider. */
export function providerHeaders(provider: ModelProviderInfo, env: Env): Record<string, string> {
  const headers: Record<string, string> = { ...(provider.http_headers ?? {}) };
  for (const [header, variable] of Object.entries(provider.env_http_headers ?? {})) {
    const value = env[variable]?.trim();
    if (value) headers[header] = value;
  }
  return headers;
}

/** OPENAI_API_KEY stored in `<codexHome>/auth.json` (written by `codex login --with-api-key`), if any. */
export function readStoredApiKey(codexHome: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(codexHome, "auth.json"), "utf8"));
    if (typeof parsed === "object" && parsed !== null && "OPENAI_API_KEY" in parsed) {
      const key = (parsed as { OPENAI_API_KEY?: unknown }).OPENAI_API_KEY;
      return typeof key === "string" && key.trim() ? key.trim() : undefined;
    }
  } catch {
    // missing or unreadable: no stored key
  }
  return undefined;
}
