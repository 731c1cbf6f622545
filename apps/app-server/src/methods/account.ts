// Methods: account/* (auth state, API-key login, logout, rate limits).
//
// This server authenticates with API keys only: one from the environment (OPENAI_API_KEY /
// CODEX_API_KEY, or the provider's `env_key`) or one stored in `<CODEX_HOME>/auth.json` by
// `account/login/start` (`type: "apiKey"`). ChatGPT and other managed logins are refused.
import { authFilePath, readStoredApiKey, removeStoredAuth, resolveApiKey, writeStoredApiKey } from "@codex-ts/core";
import * as z from "zod";
import { loadEffectiveConfig } from "../config.js";
import { errorMessage, internalError, invalidParams, invalidRequest } from "../errors.js";
import { toV2RateLimits } from "../mapping.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";

// Wire params not (yet) in @codex-ts/protocol's v2 module.
const GetAccountParams = z.object({ refreshToken: z.boolean().nullish() });
const ApiKeyLogin = z.object({ type: z.literal("apiKey"), apiKey: z.string() });
/** Every other login flavour of the schema; accepted only to be refused with a clear message. */
const ManagedLogin = z.looseObject({
  type: z.enum(["chatgpt", "chatgptDeviceCode", "chatgptAuthTokens", "amazonBedrock", "amazonBedrockAccessKeys"]),
});
const LoginAccountParams = z.discriminatedUnion("type", [ApiKeyLogin, ManagedLogin]);
const CancelLoginAccountParams = z.object({ loginId: z.string() });
const NoParams = z.object({}).loose();

interface AuthState {
  /** The configured provider needs OpenAI credentials. */
  requiresOpenaiAuth: boolean;
  /** An API key is available (environment or auth.json) for that provider. */
  hasApiKey: boolean;
}

function authState(runtime: Runtime): AuthState {
  const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env });
  const provider = config.modelProvider;
  const requiresOpenaiAuth = provider.requires_openai_auth === true;
  const resolved = resolveApiKey(provider, runtime.env, readStoredApiKey(runtime.codexHome));
  return { requiresOpenaiAuth, hasApiKey: resolved.ok && resolved.apiKey !== undefined };
}

/** `account/updated` params for the current state: `apikey` when a key is usable, else null. */
function accountUpdated(runtime: Runtime): { authMode: "apikey" | null; planType: null } {
  let hasApiKey = false;
  try {
    hasApiKey = authState(runtime).hasApiKey;
  } catch (error) {
    runtime.log.warn(`account state unknown: ${errorMessage(error)}`);
  }
  return { authMode: hasApiKey ? "apikey" : null, planType: null };
}

/** The latest rate-limit snapshots core saw on any live thread, keyed by limit id. */
function latestRateLimits(runtime: Runtime): Map<string, Record<string, unknown>> {
  const byId = new Map<string, Record<string, unknown>>();
  for (const thread of runtime.threads.threads.values()) {
    let snapshots: Record<string, unknown>;
    try {
      snapshots = thread.session.rateLimits();
    } catch {
      continue; // no session attached yet
    }
    for (const [id, snapshot] of Object.entries(snapshots)) byId.set(id, toV2RateLimits(snapshot));
  }
  return byId;
}

const EMPTY_RATE_LIMITS = { limitId: null, limitName: null, primary: null, secondary: null, credits: null, planType: null };

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function accountMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  return [
    [
      "account/read",
      method({
        params: GetAccountParams,
        handler: () => {
          const { requiresOpenaiAuth, hasApiKey } = authState(runtime);
          // As in Codex: a provider that needs no OpenAI auth reports no account.
          const account = requiresOpenaiAuth && hasApiKey ? { type: "apiKey" } : null;
          return { account, requiresOpenaiAuth, userId: null };
        },
      }),
    ],
    [
      "account/login/start",
      method({
        params: LoginAccountParams,
        handler: (p, ctx) => {
          if (p.type !== "apiKey") {
            throw invalidRequest(`login type \`${p.type}\` is not supported by this server; use \`apiKey\``);
          }
          const apiKey = p.apiKey.trim();
          if (apiKey === "") throw invalidParams("apiKey: must not be empty");
          try {
            writeStoredApiKey(runtime.codexHome, apiKey);
          } catch (error) {
            throw internalError(`cannot store the API key in ${authFilePath(runtime.codexHome)}: ${errorMessage(error)}`);
          }
          ctx.afterResponse(() => {
            ctx.server.notify("account/login/completed", { loginId: null, success: true, error: null });
            ctx.server.notify("account/updated", accountUpdated(runtime));
          });
          return { type: "apiKey" };
        },
      }),
    ],
    [
      "account/login/cancel",
      // No login flow here is ever pending.
      method({ params: CancelLoginAccountParams, handler: () => ({ status: "notFound" }) }),
    ],
    [
      "account/logout",
      method({
        params: NoParams,
        handler: (_p, ctx) => {
          try {
            removeStoredAuth(runtime.codexHome);
          } catch (error) {
            throw internalError(`cannot remove ${authFilePath(runtime.codexHome)}: ${errorMessage(error)}`);
          }
          ctx.afterResponse(() => ctx.server.notify("account/updated", accountUpdated(runtime)));
          return {};
        },
      }),
    ],
    [
      "account/rateLimits/read",
      method({
        params: NoParams,
        handler: () => {
          const byId = latestRateLimits(runtime);
          const primary = byId.get("codex") ?? byId.values().next().value ?? EMPTY_RATE_LIMITS;
          return { rateLimits: primary, rateLimitsByLimitId: byId.size > 0 ? Object.fromEntries(byId) : null };
        },
      }),
    ],
  ];
}
