/**
 * Where the proxy meets config, execpolicy and core's approvals.
 *
 * - `networkPolicyFromConfig` validates Codex's `[network]` table (`allowed_domains`,
 *   `denied_domains`, `allow_local_binding`).
 * - `composeNetworkPolicy` adds execpolicy `network_rule`s (allow → allowed host, deny/forbidden →
 *   denied host; `prompt` adds nothing, so the host stays approvable) and session grants.
 * - `createNetworkApprovalBroker` is the seam core fills: a host the allow list misses becomes a
 *   `requestApproval({host, port, protocol})` call while the connection waits; the answer
 *   (a `ReviewDecision`) allows once, for the session, or always (persisted `network_rule`), or
 *   refuses, and the running proxy's policy is recompiled live.
 */
import {
  type NetworkProtocol as ExecNetworkProtocol,
  type Policy,
  appendNetworkRule,
  normalizeNetworkHost,
} from "@codex-ts/execpolicy";
import type { NetworkPolicyAmendment, ReviewDecision } from "@codex-ts/protocol";
import * as z from "zod";
import { type NetworkPolicySpec, NetworkPolicySpecSchema, normalizeHost } from "./policy.js";
import type { NetworkAccessRequest, NetworkProxy } from "./proxy.js";

/** Codex's `[network]` config keys this proxy understands (others are ignored). */
export const NetworkProxyConfigSchema = z.object({
  allowed_domains: z.array(z.string()).optional(),
  denied_domains: z.array(z.string()).optional(),
  allow_local_binding: z.boolean().optional(),
});
export type NetworkProxyConfig = z.infer<typeof NetworkProxyConfigSchema>;

/** Validate a `[network]` config table into a policy spec; errors name the offending key. */
export function networkPolicyFromConfig(
  raw: unknown,
): { ok: true; spec: NetworkPolicySpec } | { ok: false; error: { message: string } } {
  const parsed = NetworkProxyConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: {
        message: `invalid [network] config: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
      },
    };
  }
  return {
    ok: true,
    spec: {
      allowedDomains: parsed.data.allowed_domains ?? [],
      deniedDomains: parsed.data.denied_domains ?? [],
      allowLocal: parsed.data.allow_local_binding ?? false,
    },
  };
}

export interface SessionNetworkGrants {
  allowed?: Iterable<string>;
  denied?: Iterable<string>;
}

/** Config + execpolicy network rules + session grants → one spec (deny still wins when compiled). */
export function composeNetworkPolicy(
  base: NetworkPolicySpec,
  execPolicy?: Policy,
  session: SessionNetworkGrants = {},
): NetworkPolicySpec {
  const spec = NetworkPolicySpecSchema.parse(base);
  const allowed = [...spec.allowedDomains];
  const denied = [...spec.deniedDomains];
  for (const rule of execPolicy?.networkRules ?? []) {
    if (rule.decision === "allow") allowed.push(rule.host);
    else if (rule.decision === "forbidden") denied.push(rule.host);
  }
  allowed.push(...(session.allowed ?? []));
  denied.push(...(session.denied ?? []));
  return { allowedDomains: dedupe(allowed), deniedDomains: dedupe(denied), allowLocal: spec.allowLocal };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** The app-server's `networkApprovalContext` for a blocked attempt. */
export function networkApprovalContext(request: NetworkAccessRequest): {
  host: string;
  protocol: NetworkAccessRequest["protocol"];
} {
  return { host: request.host, protocol: request.protocol };
}

/** The amendments to offer with the approval (`proposedNetworkPolicyAmendments`). */
export function proposedNetworkPolicyAmendments(request: NetworkAccessRequest): NetworkPolicyAmendment[] {
  return [
    { host: request.host, action: "allow" },
    { host: request.host, action: "deny" },
  ];
}

/** The execpolicy protocol a persisted rule for this attempt is written with. */
export function execPolicyProtocolFor(protocol: NetworkAccessRequest["protocol"]): "http" | "https" {
  return protocol === "http" ? "http" : "https";
}

export interface NetworkApprovalBrokerOptions {
  proxy: NetworkProxy;
  /** The `[network]` config part of the policy. */
  base: NetworkPolicySpec;
  /** The loaded execpolicy (its network rules are part of the policy). */
  execPolicy?: Policy;
  /** Where "always" decisions are persisted (`defaultRulesPath(codexHome)`); without it they act per session. */
  rulesPath?: string;
  /** Core's approval callback: ask the user, answer with their decision. */
  requestApproval: (request: NetworkAccessRequest) => Promise<ReviewDecision>;
  /** Persistence problems (a refused broad host, an I/O error); the decision still applies to the session. */
  onError?: (message: string) => void;
}

export interface NetworkApprovalBroker {
  /** The approver installed on the proxy (exposed for tests and custom wiring). */
  decide(request: NetworkAccessRequest): Promise<boolean>;
  readonly execPolicy: Policy | undefined;
  /** Replace the execpolicy (e.g. reloaded elsewhere) and recompile the proxy's policy. */
  setExecPolicy(policy: Policy): void;
  /** Replace the config part and recompile. */
  setBase(base: NetworkPolicySpec): void;
  readonly sessionAllowed: readonly string[];
  readonly sessionDenied: readonly string[];
  /** Uninstall from the proxy. */
  detach(): void;
}

/** Install an approval broker on `proxy` and compile its current policy from config + rules. */
export function createNetworkApprovalBroker(options: NetworkApprovalBrokerOptions): NetworkApprovalBroker {
  const { proxy } = options;
  let base = options.base;
  let execPolicy = options.execPolicy;
  const sessionAllowed = new Set<string>();
  const sessionDenied = new Set<string>();
  const recompile = () => {
    const result = proxy.updatePolicy(
      composeNetworkPolicy(base, execPolicy, { allowed: sessionAllowed, denied: sessionDenied }),
    );
    if (!result.ok) options.onError?.(result.error.message);
  };

  const persist = async (amendment: NetworkPolicyAmendment, protocol: NetworkAccessRequest["protocol"]) => {
    const host = normalizeHost(amendment.host) ?? amendment.host;
    const execProtocol = execPolicyProtocolFor(protocol);
    const decision = amendment.action === "allow" ? "allow" : "deny";
    (amendment.action === "allow" ? sessionAllowed : sessionDenied).add(host);
    if (options.rulesPath) {
      const written = await appendNetworkRule(options.rulesPath, { host, protocol: execProtocol, decision });
      if (!written.ok) {
        options.onError?.(written.error.message);
      } else if (execPolicy) {
        const normalized = normalizeNetworkHost(host);
        if ("host" in normalized) {
          execPolicy = execPolicy.withNetworkRule({
            host: normalized.host,
            protocol: execProtocol satisfies ExecNetworkProtocol,
            decision: decision === "allow" ? "allow" : "forbidden",
          });
        }
      }
    }
    recompile();
  };

  const decide = async (request: NetworkAccessRequest): Promise<boolean> => {
    let decision: ReviewDecision;
    try {
      decision = await options.requestApproval(request);
    } catch (err) {
      options.onError?.(`network approval failed: ${(err as Error).message}`);
      return false;
    }
    if (typeof decision === "string") {
      if (decision === "approved") return true;
      if (decision === "approved_for_session") {
        sessionAllowed.add(request.host);
        recompile();
        return true;
      }
      return false;
    }
    if ("network_policy_amendment" in decision) {
      const amendment = decision.network_policy_amendment.network_policy_amendment;
      await persist(amendment, request.protocol);
      // The amendment may name another host; this attempt passes only if it was allowed itself.
      return amendment.action === "allow" && proxy.policy.evaluateHost(request.host).allowed;
    }
    // An execpolicy (command prefix) amendment says nothing about hosts: treat as "approved once".
    return true;
  };

  proxy.setApprover(decide);
  recompile();
  return {
    decide,
    get execPolicy() {
      return execPolicy;
    },
    setExecPolicy(policy) {
      execPolicy = policy;
      recompile();
    },
    setBase(next) {
      base = next;
      recompile();
    },
    get sessionAllowed() {
      return [...sessionAllowed];
    },
    get sessionDenied() {
      return [...sessionDenied];
    },
    detach() {
      proxy.setApprover(undefined);
    },
  };
}
