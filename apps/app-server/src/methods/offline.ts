/**
 * Methods whose real work needs the network, a ChatGPT login, Windows or a remote catalog, answered
 * exactly as real Codex 0.169 answers them offline with an API-key (or no) login on Linux —
 * measured side by side: the same results, the same error codes and messages.
 */
import * as z from "zod";
import { RpcError, internalError, invalidRequest } from "../errors.js";
import { loadEffectiveConfig } from "../config.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";

const AnyParams = z.unknown();

/** A method Codex refuses without a ChatGPT login: -32600 with its message. */
const chatgptRequired = (what: string) =>
  method({
    params: AnyParams,
    handler: () => {
      throw invalidRequest(what);
    },
  });

const remoteCatalog = (action: string) => chatgptRequired(`${action}: chatgpt authentication required for remote plugin catalog`);

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function offlineMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  /** Process-wide feature enablement set by `experimentalFeature/enablement/set` (apps, plugins). */
  const enablement = runtime.featureEnablement;
  return [
    ["account/rateLimitResetCredit/consume", chatgptRequired("chatgpt authentication required for rate limit reset credits")],
    ["account/usage/read", chatgptRequired("chatgpt authentication required to read token usage")],
    ["account/workspaceMessages/read", chatgptRequired("chatgpt authentication required to read workspace messages")],
    ["account/sendAddCreditsNudgeEmail", chatgptRequired("chatgpt authentication required to notify workspace owner")],
    ["account/securitySetup/read", method({ params: AnyParams, handler: () => ({ notice: null }) })],
    [
      "account/gatewayOAuth/read",
      method({
        params: z.object({ modelProvider: z.string().nullish() }).passthrough(),
        handler: (p) => {
          const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env });
          const id = p.modelProvider ?? config.modelProviderId;
          const info = config.modelProviders[id];
          if (!info) throw invalidRequest(`model provider \`${id}\` is not configured`);
          return { providerId: id, providerName: info.name, required: false, supportsDeviceAuth: false, status: null, error: null };
        },
      }),
    ],
    [
      "account/gatewayOAuth/login",
      method({
        params: z.object({ modelProvider: z.string().nullish(), deviceAuth: z.boolean().optional() }).passthrough(),
        handler: () => {
          throw invalidRequest("The selected provider does not use gateway OAuth");
        },
      }),
    ],
    ["account/gatewayOAuth/cancel", method({ params: AnyParams, handler: () => ({}) })],
    ["plugin/skill/read", remoteCatalog("read remote plugin skill details")],
    ["plugin/share/save", remoteCatalog("save remote plugin share")],
    ["plugin/share/updateTargets", remoteCatalog("update remote plugin share targets")],
    ["plugin/share/list", remoteCatalog("list remote plugin shares")],
    ["plugin/share/checkout", remoteCatalog("checkout plugin share")],
    ["plugin/share/delete", remoteCatalog("delete remote plugin share")],
    ["app/list", method({ params: AnyParams, handler: () => ({ data: [], nextCursor: null }) })],
    [
      "app/read",
      method({
        params: z.object({ appIds: z.array(z.string()) }).passthrough(),
        handler: (p) => ({ apps: [], missingAppIds: p.appIds }),
      }),
    ],
    ["app/installed", method({ params: AnyParams, handler: () => ({ apps: [] }) })],
    [
      "feedback/upload",
      method({
        params: z.object({ classification: z.string() }).passthrough(),
        handler: () => {
          throw internalError("failed to upload feedback: this server has no network route to the feedback service");
        },
      }),
    ],
    [
      "modelProvider/capabilities/read",
      method({ params: AnyParams, handler: () => ({ imageGeneration: true, webSearch: true }) }),
    ],
    [
      "experimentalFeature/enablement/set",
      method({
        params: z.object({ enablement: z.record(z.string(), z.boolean()) }),
        handler: (p) => {
          const supported = ["apps", "plugins"];
          for (const key of Object.keys(p.enablement)) {
            if (!supported.includes(key)) {
              throw new RpcError(-32602, `unsupported feature enablement \`${key}\`: currently supported features are ${supported.join(", ")}`);
            }
          }
          for (const [key, value] of Object.entries(p.enablement)) enablement.set(key, value);
          return { enablement: p.enablement };
        },
      }),
    ],
    // Windows only; on Linux Codex reports that nothing is configured and accepts a setup start.
    ["windowsSandbox/readiness", method({ params: AnyParams, handler: () => ({ status: "notConfigured" }) })],
    [
      "windowsSandbox/setupStart",
      method({
        params: z.object({ mode: z.enum(["elevated", "unelevated"]), cwd: z.string().nullish() }),
        handler: () => ({ started: true }),
      }),
    ],
  ];
}
