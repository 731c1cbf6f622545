/**
 * The one place an attempt is decided, for every front-end (HTTP, CONNECT, SOCKS5): name check →
 * optional approval (one question per protocol/host/port at a time) → resolve once → address
 * check → the address to dial. Holds the current policy, the approver and the blocked-attempt
 * listeners.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { type BlockReason, CompiledNetworkPolicy, isIpLiteral, type NetworkPolicySpec } from "./policy.js";
import type {
  BlockedAttempt,
  LookupAddress,
  LookupFn,
  NetworkAccessRequest,
  NetworkApprover,
  UpdateResult,
} from "./proxy.js";

/** The outcome of authorising one attempt. */
export type Authorization =
  | { ok: true; address: string; family: number }
  | { ok: false; kind: "blocked"; reason: BlockReason }
  | { ok: false; kind: "resolve-failed"; message: string };

const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A spec compiled (or a compiled policy as is), or the compile error. */
export function toCompiled(
  policy: NetworkPolicySpec | CompiledNetworkPolicy,
): UpdateResult & { policy?: CompiledNetworkPolicy } {
  if (policy instanceof CompiledNetworkPolicy) return { ok: true, policy };
  const built = CompiledNetworkPolicy.build(policy);
  return built.ok ? { ok: true, policy: built.policy } : { ok: false, error: built.error };
}

export class Authorizer {
  #current: CompiledNetworkPolicy;
  #approver: NetworkApprover | undefined;
  readonly #lookup: LookupFn;
  /** True once the proxy closes: no more questions, and a pending answer no longer admits. */
  readonly #closed: () => boolean;
  readonly #listeners = new Set<(attempt: BlockedAttempt) => void>();
  readonly #pendingApprovals = new Map<string, Promise<boolean>>();

  constructor(
    policy: CompiledNetworkPolicy,
    options: { approver?: NetworkApprover | undefined; lookup?: LookupFn | undefined; closed: () => boolean },
  ) {
    this.#current = policy;
    this.#approver = options.approver;
    this.#lookup = options.lookup ?? defaultLookup;
    this.#closed = options.closed;
  }

  get policy(): CompiledNetworkPolicy {
    return this.#current;
  }

  updatePolicy(policy: NetworkPolicySpec | CompiledNetworkPolicy): UpdateResult {
    const compiled = toCompiled(policy);
    if (!compiled.ok || !compiled.policy)
      return compiled.ok ? { ok: false, error: { message: "invalid policy" } } : compiled;
    this.#current = compiled.policy;
    return { ok: true };
  }

  onBlocked(listener: (attempt: BlockedAttempt) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setApprover(approver: NetworkApprover | undefined): void {
    this.#approver = approver;
  }

  /** Decide one attempt and pick the address to dial (resolved once; the checked address is dialled). */
  async authorize(request: NetworkAccessRequest): Promise<Authorization> {
    const block = (reason: BlockReason, host: string, address?: string): Authorization => {
      this.#emitBlocked({
        host,
        port: request.port,
        protocol: request.protocol,
        reason,
        ...(address ? { address } : {}),
      });
      return { ok: false, kind: "blocked", reason };
    };
    let policy = this.#current;
    let verdict = policy.evaluateHost(request.host);
    if (!verdict.allowed && verdict.reason === "not_allowed" && this.#approver && !this.#closed()) {
      const host = verdict.host;
      const approved = await this.#askApprover({ ...request, host }, this.#approver);
      if (!approved || this.#closed()) return block("not_allowed", host);
      policy = this.#current;
      const again = policy.evaluateHost(host);
      // An approval never overrides a deny rule or the local guard; "once" passes the allow list.
      if (!again.allowed && again.reason !== "not_allowed") return block(again.reason, again.host);
      verdict = again.allowed
        ? again
        : { allowed: true, host, ipLiteral: isIpLiteral(host), explicitLocal: false };
    }
    if (!verdict.allowed) return block(verdict.reason, verdict.host);
    let addresses: LookupAddress[];
    if (verdict.ipLiteral) {
      addresses = [
        { address: verdict.host.split("%")[0] ?? verdict.host, family: verdict.host.includes(":") ? 6 : 4 },
      ];
    } else {
      try {
        addresses = await this.#lookup(verdict.host);
      } catch (err) {
        return { ok: false, kind: "resolve-failed", message: (err as Error).message };
      }
      if (addresses.length === 0)
        return { ok: false, kind: "resolve-failed", message: `no addresses for ${verdict.host}` };
    }
    const refused = addresses.find((a) => !policy.checkAddress(verdict, a.address));
    if (refused) return block("not_allowed_local", verdict.host, refused.address);
    const first = addresses[0] as LookupAddress;
    return { ok: true, address: first.address, family: first.family };
  }

  #emitBlocked(attempt: BlockedAttempt): void {
    for (const listener of this.#listeners) {
      try {
        listener(attempt);
      } catch {
        // A listener's failure must not break the proxy.
      }
    }
  }

  /** Concurrent attempts at the same protocol/host/port share one question. */
  #askApprover(request: NetworkAccessRequest, approver: NetworkApprover): Promise<boolean> {
    const key = `${request.protocol} ${request.host}:${request.port}`;
    let pending = this.#pendingApprovals.get(key);
    if (!pending) {
      pending = approver(request)
        .catch(() => false)
        .finally(() => this.#pendingApprovals.delete(key));
      this.#pendingApprovals.set(key, pending);
    }
    return pending;
  }
}
