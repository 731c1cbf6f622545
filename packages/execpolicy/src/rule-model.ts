/**
 * The rules a `.rules` file defines (prefix rules, network rules, host executables), their
 * decisions, and the value checks they share with the rest of the package (decision and protocol
 * names, network hosts) — what ./rules.ts produces and ./policy.ts consumes.
 */
import type { Position } from "./syntax.js";

export type Decision = "allow" | "prompt" | "forbidden";

const DECISION_RANK: Record<Decision, number> = { allow: 0, prompt: 1, forbidden: 2 };

/** The stricter of two decisions (forbidden > prompt > allow). */
export function stricterDecision(a: Decision, b: Decision): Decision {
  return DECISION_RANK[a] >= DECISION_RANK[b] ? a : b;
}

/** One token of a prefix pattern: a literal, or a list of accepted alternatives. */
export type PatternToken = string | readonly string[];

export interface RuleSource {
  file: string;
  line: number;
  column: number;
}

export interface PrefixRule {
  /** The first token (program). Rules whose first pattern token has alternatives are expanded. */
  readonly program: string;
  readonly rest: readonly PatternToken[];
  readonly decision: Decision;
  readonly justification?: string;
  readonly source?: RuleSource;
}

export type NetworkProtocol = "http" | "https" | "socks5_tcp" | "socks5_udp";

export interface NetworkRule {
  readonly host: string;
  readonly protocol: NetworkProtocol;
  readonly decision: Decision;
  readonly justification?: string;
  readonly source?: RuleSource;
}

export interface HostExecutable {
  readonly name: string;
  readonly paths: readonly string[];
}

/** A rules-file error: where it is and what was wrong. `toString()`-ready via `formatRulesError`. */
export interface RulesError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The rule named by an example-validation failure, rendered as `prefix_rule(pattern=[...])`. */
  rule?: string;
}

export function formatRulesError(error: RulesError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.message}`;
}

/** An example that must (or must not) match, with the rules it belongs to. */
export interface PendingExamples {
  rules: PrefixRule[];
  matches: string[][];
  notMatches: string[][];
  pos: Position;
}

export interface ParsedRulesFile {
  prefixRules: PrefixRule[];
  networkRules: NetworkRule[];
  hostExecutables: HostExecutable[];
  /** Examples, validated by the policy layer once the file's host executables are known. */
  examples: PendingExamples[];
}

export function parseDecision(raw: string): Decision | undefined {
  return raw === "allow" || raw === "prompt" || raw === "forbidden" ? raw : undefined;
}

export function parseNetworkProtocol(raw: string): NetworkProtocol | undefined {
  switch (raw) {
    case "http":
      return "http";
    case "https":
    case "https_connect":
    case "http-connect":
      return "https";
    case "socks5_tcp":
      return "socks5_tcp";
    case "socks5_udp":
      return "socks5_udp";
    default:
      return undefined;
  }
}

/**
 * Normalises a network_rule host the way Codex does (lowercase, port and trailing dot dropped) or
 * returns an error message.
 */
export function normalizeNetworkHost(raw: string): { host: string } | { error: string } {
  let host = raw.trim();
  if (host === "") return { error: "network_rule host cannot be empty" };
  if (host.includes("://") || /[/?#]/.test(host)) {
    return { error: "network_rule host must be a hostname or IP literal (without scheme or path)" };
  }
  if (host.startsWith("[")) {
    const close = host.indexOf("]");
    if (close < 0) return { error: "network_rule host has an invalid bracketed IPv6 literal" };
    const rest = host.slice(close + 1);
    if (rest !== "" && !/^:[0-9]+$/.test(rest)) {
      return { error: `network_rule host contains an unsupported suffix: ${raw}` };
    }
    host = host.slice(1, close);
  } else {
    const m = /^([^:]+):([0-9]+)$/.exec(host);
    if (m) host = m[1] as string;
  }
  const normalized = host.replace(/\.+$/, "").trim().toLowerCase();
  if (normalized === "") return { error: "network_rule host cannot be empty" };
  if (normalized.includes("*")) {
    return { error: "network_rule host must be a specific host; wildcards are not allowed" };
  }
  if (/\s/.test(normalized)) return { error: "network_rule host cannot contain whitespace" };
  return { host: normalized };
}

/** Renders a rule the way it would be written, for messages. */
export function renderPrefixRule(rule: PrefixRule): string {
  const tokens = [rule.program, ...rule.rest].map((t) =>
    typeof t === "string" ? JSON.stringify(t) : `[${t.map((a) => JSON.stringify(a)).join(", ")}]`,
  );
  return `prefix_rule(pattern=[${tokens.join(", ")}], decision=${JSON.stringify(rule.decision)})`;
}
