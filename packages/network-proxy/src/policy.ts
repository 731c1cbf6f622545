/**
 * The proxy's domain policy: allow/deny lists compiled into set lookups, host normalisation, and
 * the "is this address local?" guard.
 *
 * Patterns (Codex semantics):
 *   `example.com`     exactly that host
 *   `*.example.com`   any subdomain, not the apex
 *   `**.example.com`  the apex and any subdomain
 *   `*`               every host (allow list only; refused in the deny list)
 * Deny wins over allow; a host no allow pattern matches is refused (default deny).
 */
import { BlockList, isIP } from "node:net";
import { domainToASCII } from "node:url";
import * as z from "zod";

/** What the proxy enforces. Hosts and patterns may be in any case, with a trailing dot, or Unicode. */
export const NetworkPolicySpecSchema = z.object({
  allowedDomains: z.array(z.string()).default([]),
  deniedDomains: z.array(z.string()).default([]),
  /** Permit destinations on loopback / private / link-local addresses (default: refused). */
  allowLocal: z.boolean().default(false),
});
export type NetworkPolicySpec = z.input<typeof NetworkPolicySpecSchema>;

/** Why an attempt was refused (Codex's reason strings). */
export type BlockReason = "denied" | "not_allowed" | "not_allowed_local";

/** The `x-proxy-error` header value for each reason. */
export const PROXY_ERROR_HEADER_VALUES: Record<BlockReason, string> = {
  denied: "blocked-by-denylist",
  not_allowed: "blocked-by-allowlist",
  not_allowed_local: "blocked-by-policy",
};

export type HostVerdict =
  | { allowed: true; host: string; ipLiteral: boolean; explicitLocal: boolean }
  | { allowed: false; host: string; reason: BlockReason };

export type PolicyError = { message: string };

/** Lower-case, no trailing dot, no brackets, IDNA (punycode) for names, canonical IP literals. */
export function normalizeHost(raw: string): string | undefined {
  let h = raw.trim();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end < 0) return undefined;
    h = h.slice(1, end);
  }
  h = h.toLowerCase().replace(/\.+$/, "");
  if (h === "") return undefined;
  if (h.includes(":")) return canonicalIPv6(h);
  if (/[\s/?#@\\%]/.test(h)) return undefined;
  // domainToASCII applies IDNA and the WHATWG IPv4 parser (`127.1`, `0x7f.0.0.1` → `127.0.0.1`).
  const ascii = domainToASCII(h);
  if (ascii === "") return undefined;
  return ascii;
}

function canonicalIPv6(h: string): string | undefined {
  const [base, zone] = h.split("%", 2) as [string, string | undefined];
  if (isIP(base) !== 6) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${base}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  return zone ? `${canonical}%${zone}` : canonical;
}

/** True for an IPv4 or IPv6 literal (after normalisation). */
export function isIpLiteral(host: string): boolean {
  return isIP(host.split("%")[0] ?? "") !== 0;
}

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3], // multicast, reserved and broadcast
] as const) {
  nonPublic.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  nonPublic.addSubnet(net, prefix, "ipv6");
}

/**
 * Loopback, private, link-local, CGNAT, documentation, multicast, unspecified and reserved
 * addresses (IPv4-mapped IPv6 addresses are judged as their IPv4 address). Not an IP → false.
 */
export function isNonPublicAddress(address: string): boolean {
  const ip = address.split("%")[0] ?? "";
  const family = isIP(ip);
  if (family === 4) return nonPublic.check(ip, "ipv4");
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return nonPublic.check(mapped[1], "ipv4");
  const canonical = canonicalIPv6(ip);
  const hexMapped = canonical ? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical) : null;
  if (hexMapped?.[1] && hexMapped[2]) {
    const hi = Number.parseInt(hexMapped[1], 16);
    const lo = Number.parseInt(hexMapped[2], 16);
    return nonPublic.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, "ipv4");
  }
  return nonPublic.check(ip, "ipv6");
}

interface PatternSet {
  all: boolean;
  exact: Set<string>;
  /** `*.x`: strict subdomains of x. */
  subdomains: Set<string>;
  /** `**.x`: x and its subdomains. */
  apexAndSubdomains: Set<string>;
}

function compilePatterns(patterns: readonly string[], list: "allow" | "deny"): PatternSet | PolicyError {
  const set: PatternSet = {
    all: false,
    exact: new Set(),
    subdomains: new Set(),
    apexAndSubdomains: new Set(),
  };
  for (const raw of patterns) {
    const p = raw.trim();
    if (p === "*" || p === "**") {
      if (list === "deny") {
        return {
          message: `denied domain "${raw}": a global wildcard cannot be denied (use exact hosts or *.domain)`,
        };
      }
      set.all = true;
      continue;
    }
    const [target, rest] = p.startsWith("**.")
      ? [set.apexAndSubdomains, p.slice(3)]
      : p.startsWith("*.")
        ? [set.subdomains, p.slice(2)]
        : [set.exact, p];
    const host = rest.includes("*") ? undefined : normalizeHost(rest);
    if (host === undefined) {
      return {
        message: `${list === "allow" ? "allowed" : "denied"} domain "${raw}" is not a valid host or pattern`,
      };
    }
    target.add(host);
  }
  return set;
}

function matches(set: PatternSet, host: string): boolean {
  if (set.all || set.exact.has(host) || set.apexAndSubdomains.has(host)) return true;
  if (isIpLiteral(host)) return false;
  let dot = host.indexOf(".");
  while (dot >= 0) {
    const parent = host.slice(dot + 1);
    if (set.subdomains.has(parent) || set.apexAndSubdomains.has(parent)) return true;
    dot = host.indexOf(".", dot + 1);
  }
  return false;
}

/** An immutable, compiled policy. Build with `compileNetworkPolicy`. */
export class CompiledNetworkPolicy {
  private constructor(
    /** The spec it was compiled from (defaults applied). */
    readonly spec: z.output<typeof NetworkPolicySpecSchema>,
    private readonly allow: PatternSet,
    private readonly deny: PatternSet,
  ) {}

  /** @internal use `compileNetworkPolicy`. */
  static build(
    spec: unknown,
  ): { ok: true; policy: CompiledNetworkPolicy } | { ok: false; error: PolicyError } {
    const parsed = NetworkPolicySpecSchema.safeParse(spec);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        error: {
          message: `invalid network policy: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
        },
      };
    }
    const allow = compilePatterns(parsed.data.allowedDomains, "allow");
    if ("message" in allow) return { ok: false, error: allow };
    const deny = compilePatterns(parsed.data.deniedDomains, "deny");
    if ("message" in deny) return { ok: false, error: deny };
    return { ok: true, policy: new CompiledNetworkPolicy(parsed.data, allow, deny) };
  }

  get allowLocal(): boolean {
    return this.spec.allowLocal;
  }

  /**
   * The name-level decision, before any DNS: deny list, then (for IP literals) the local guard,
   * then the allow list. Names that pass still go through `checkAddress` after resolution.
   */
  evaluateHost(rawHost: string): HostVerdict {
    const host = normalizeHost(rawHost);
    if (host === undefined) return { allowed: false, host: rawHost, reason: "not_allowed" };
    if (matches(this.deny, host)) return { allowed: false, host, reason: "denied" };
    const ipLiteral = isIpLiteral(host);
    // An IP literal named exactly in the allow list is "explicitly allowed" even when local.
    const explicitLocal = ipLiteral && this.allow.exact.has(host);
    if (ipLiteral && !this.spec.allowLocal && !explicitLocal && isNonPublicAddress(host)) {
      return { allowed: false, host, reason: "not_allowed_local" };
    }
    if (!matches(this.allow, host)) return { allowed: false, host, reason: "not_allowed" };
    return { allowed: true, host, ipLiteral, explicitLocal };
  }

  /** The rebinding guard: may the proxy dial `address` (what `host` resolved to)? */
  checkAddress(verdict: Extract<HostVerdict, { allowed: true }>, address: string): boolean {
    if (this.spec.allowLocal || verdict.explicitLocal) return true;
    return !isNonPublicAddress(address);
  }
}

/** Validate and compile a policy spec; errors are values naming the offending entry. */
export function compileNetworkPolicy(
  spec: NetworkPolicySpec,
): { ok: true; policy: CompiledNetworkPolicy } | { ok: false; error: PolicyError } {
  return CompiledNetworkPolicy.build(spec);
}
