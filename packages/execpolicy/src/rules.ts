/**
 * Turns parsed `.rules` statements into rules: argument binding, type checks, and the value
 * validation Codex performs (decisions, patterns, examples, network hosts).
 */
import { split as shlexSplit } from "shlex";
import { type Call, type Expr, type Position, parseSyntax } from "./syntax.js";

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
interface PendingExamples {
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

class RuleEvalError {
  constructor(
    readonly pos: Position,
    readonly message: string,
  ) {}
}

type Value =
  | { type: "string"; value: string }
  | { type: "int"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "none" }
  | { type: "list"; items: Value[] };

function typeName(v: Value): string {
  return v.type === "none" ? "NoneType" : v.type;
}

const BUILTIN_CONSTANTS: Record<string, Value> = {
  None: { type: "none" },
  True: { type: "bool", value: true },
  False: { type: "bool", value: false },
};

interface Signature {
  params: readonly string[];
  required: readonly string[];
}

const SIGNATURES: Record<string, Signature> = {
  prefix_rule: {
    params: ["pattern", "decision", "match", "not_match", "justification"],
    required: ["pattern"],
  },
  network_rule: {
    params: ["host", "protocol", "decision", "justification"],
    required: ["host", "protocol", "decision"],
  },
  host_executable: { params: ["name", "paths"], required: ["name", "paths"] },
};

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

function bindArgs(call: Call, values: Value[]): Map<string, { value: Value; pos: Position }> {
  const sig = SIGNATURES[call.callee];
  if (!sig) {
    const known = Object.keys(SIGNATURES).join(", ");
    throw new RuleEvalError(call.pos, `unknown function '${call.callee}' (expected one of ${known})`);
  }
  const bound = new Map<string, { value: Value; pos: Position }>();
  let positional = 0;
  call.args.forEach((arg, idx) => {
    const value = values[idx] as Value;
    let name = arg.name;
    if (name === undefined) {
      if (bound.size > positional) {
        throw new RuleEvalError(arg.pos, "positional argument follows keyword argument");
      }
      name = sig.params[positional];
      positional += 1;
      if (name === undefined) {
        throw new RuleEvalError(
          arg.pos,
          `too many positional arguments for ${call.callee}() (expected at most ${sig.params.length})`,
        );
      }
    } else if (!sig.params.includes(name)) {
      throw new RuleEvalError(
        arg.pos,
        `unexpected parameter '${name}' for ${call.callee}() (expected one of ${sig.params.join(", ")})`,
      );
    }
    if (bound.has(name)) {
      throw new RuleEvalError(arg.pos, `parameter '${name}' given more than once to ${call.callee}()`);
    }
    bound.set(name, { value, pos: arg.pos });
  });
  for (const req of sig.required) {
    if (!bound.has(req)) {
      throw new RuleEvalError(call.pos, `missing parameter '${req}' for call to ${call.callee}()`);
    }
  }
  return bound;
}

type Bound = Map<string, { value: Value; pos: Position }>;

function optString(args: Bound, name: string, fn: string): { value: string; pos: Position } | undefined {
  const a = args.get(name);
  if (!a) return undefined;
  if (a.value.type !== "string") {
    throw new RuleEvalError(
      a.pos,
      `parameter '${name}' of ${fn}() must be a string, got ${typeName(a.value)}`,
    );
  }
  return { value: a.value.value, pos: a.pos };
}

function optList(args: Bound, name: string, fn: string): { items: Value[]; pos: Position } | undefined {
  const a = args.get(name);
  if (!a) return undefined;
  if (a.value.type !== "list") {
    throw new RuleEvalError(a.pos, `parameter '${name}' of ${fn}() must be a list, got ${typeName(a.value)}`);
  }
  return { items: a.value.items, pos: a.pos };
}

function justificationOf(args: Bound, fn: string): string | undefined {
  const j = optString(args, "justification", fn);
  if (j && j.value.trim() === "") throw new RuleEvalError(j.pos, "justification cannot be empty");
  return j?.value;
}

function parseExamples(list: { items: Value[]; pos: Position } | undefined, name: string): string[][] {
  if (!list) return [];
  return list.items.map((item) => {
    if (item.type === "string") {
      let tokens: string[];
      try {
        tokens = shlexSplit(item.value);
      } catch {
        throw new RuleEvalError(
          list.pos,
          `invalid example in ${name}: example string has invalid shell syntax`,
        );
      }
      if (tokens.length === 0) {
        throw new RuleEvalError(list.pos, `invalid example in ${name}: example cannot be an empty string`);
      }
      return tokens;
    }
    if (item.type === "list") {
      const tokens = item.items.map((t) => {
        if (t.type !== "string") {
          throw new RuleEvalError(
            list.pos,
            `invalid example in ${name}: example tokens must be strings (got ${typeName(t)})`,
          );
        }
        return t.value;
      });
      if (tokens.length === 0) {
        throw new RuleEvalError(list.pos, `invalid example in ${name}: example cannot be an empty list`);
      }
      return tokens;
    }
    throw new RuleEvalError(
      list.pos,
      `invalid example in ${name}: example must be a string or list of strings (got ${typeName(item)})`,
    );
  });
}

function parsePatternToken(v: Value, pos: Position): PatternToken {
  if (v.type === "string") return v.value;
  if (v.type === "list") {
    const alts = v.items.map((a) => {
      if (a.type !== "string") {
        throw new RuleEvalError(pos, `pattern alternative must be a string (got ${typeName(a)})`);
      }
      return a.value;
    });
    if (alts.length === 0) throw new RuleEvalError(pos, "pattern alternatives cannot be empty");
    return alts.length === 1 ? (alts[0] as string) : alts;
  }
  throw new RuleEvalError(pos, `pattern element must be a string or list of strings (got ${typeName(v)})`);
}

/** Parses and evaluates one `.rules` file. Never throws. */
export function parseRulesFile(
  file: string,
  source: string,
): { ok: true; value: ParsedRulesFile } | { ok: false; error: RulesError } {
  const syntax = parseSyntax(source);
  if (!syntax.ok) {
    return { ok: false, error: { file, ...syntax.error.pos, message: syntax.error.message } };
  }
  const out: ParsedRulesFile = { prefixRules: [], networkRules: [], hostExecutables: [], examples: [] };
  const vars = new Map<string, Value>();

  const evaluate = (expr: Expr): Value => {
    switch (expr.kind) {
      case "string":
        return { type: "string", value: expr.value };
      case "int":
        return { type: "int", value: expr.value };
      case "list":
        return { type: "list", items: expr.items.map(evaluate) };
      case "ident": {
        const v = vars.get(expr.name) ?? BUILTIN_CONSTANTS[expr.name];
        if (!v) throw new RuleEvalError(expr.pos, `variable '${expr.name}' not found`);
        return v;
      }
      case "call":
        runCall(expr.call);
        return { type: "none" };
    }
  };

  const runCall = (call: Call): void => {
    const values = call.args.map((a) => evaluate(a.value));
    const args = bindArgs(call, values);
    const src: RuleSource = { file, line: call.pos.line, column: call.pos.column };
    if (call.callee === "prefix_rule") {
      const fn = "prefix_rule";
      const decisionArg = optString(args, "decision", fn);
      let decision: Decision = "allow";
      if (decisionArg) {
        const d = parseDecision(decisionArg.value);
        if (!d) {
          throw new RuleEvalError(
            decisionArg.pos,
            `invalid decision: ${decisionArg.value} (expected allow, prompt, or forbidden)`,
          );
        }
        decision = d;
      }
      const justification = justificationOf(args, fn);
      const pattern = optList(args, "pattern", fn) as { items: Value[]; pos: Position };
      const tokens = pattern.items.map((v) => parsePatternToken(v, pattern.pos));
      if (tokens.length === 0) throw new RuleEvalError(pattern.pos, "pattern cannot be empty");
      const matches = parseExamples(optList(args, "match", fn), "match");
      const notMatches = parseExamples(optList(args, "not_match", fn), "not_match");
      const [first, ...rest] = tokens as [PatternToken, ...PatternToken[]];
      const heads = typeof first === "string" ? [first] : first;
      const rules = heads.map(
        (program): PrefixRule => ({
          program,
          rest,
          decision,
          ...(justification !== undefined ? { justification } : {}),
          source: src,
        }),
      );
      out.prefixRules.push(...rules);
      if (matches.length > 0 || notMatches.length > 0) {
        out.examples.push({ rules, matches, notMatches, pos: call.pos });
      }
    } else if (call.callee === "network_rule") {
      const fn = "network_rule";
      const host = optString(args, "host", fn) as { value: string; pos: Position };
      const protocolArg = optString(args, "protocol", fn) as { value: string; pos: Position };
      const decisionArg = optString(args, "decision", fn) as { value: string; pos: Position };
      const protocol = parseNetworkProtocol(protocolArg.value);
      if (!protocol) {
        throw new RuleEvalError(
          protocolArg.pos,
          `network_rule protocol must be one of http, https, socks5_tcp, socks5_udp (got ${protocolArg.value})`,
        );
      }
      const decision = decisionArg.value === "deny" ? "forbidden" : parseDecision(decisionArg.value);
      if (!decision) {
        throw new RuleEvalError(
          decisionArg.pos,
          `invalid decision: ${decisionArg.value} (expected allow, deny, prompt, or forbidden)`,
        );
      }
      const justification = justificationOf(args, fn);
      const normalized = normalizeNetworkHost(host.value);
      if ("error" in normalized) throw new RuleEvalError(host.pos, normalized.error);
      out.networkRules.push({
        host: normalized.host,
        protocol,
        decision,
        ...(justification !== undefined ? { justification } : {}),
        source: src,
      });
    } else {
      const fn = "host_executable";
      const name = optString(args, "name", fn) as { value: string; pos: Position };
      const paths = optList(args, "paths", fn) as { items: Value[]; pos: Position };
      if (name.value === "") throw new RuleEvalError(name.pos, "host_executable name cannot be empty");
      if (name.value.includes("/") || name.value === "." || name.value === "..") {
        throw new RuleEvalError(
          name.pos,
          `host_executable name must be a bare executable name (got ${name.value})`,
        );
      }
      const resolved: string[] = [];
      for (const p of paths.items) {
        if (p.type !== "string") {
          throw new RuleEvalError(paths.pos, `host_executable paths must be strings (got ${typeName(p)})`);
        }
        const raw = p.value;
        const abs = raw.startsWith("~/") ? `${process.env.HOME ?? ""}/${raw.slice(2)}` : raw;
        if (!abs.startsWith("/")) {
          throw new RuleEvalError(
            paths.pos,
            `host_executable paths must be absolute or use \`~/...\` home-relative syntax (got ${raw})`,
          );
        }
        if (abs.split("/").pop() !== name.value) {
          throw new RuleEvalError(
            paths.pos,
            `host_executable path \`${raw}\` must have basename \`${name.value}\``,
          );
        }
        if (!resolved.includes(abs)) resolved.push(abs);
      }
      out.hostExecutables.push({ name: name.value, paths: resolved });
    }
  };

  try {
    for (const stmt of syntax.stmts) {
      if (stmt.kind === "assign") {
        if (stmt.target in BUILTIN_CONSTANTS || stmt.target in SIGNATURES) {
          throw new RuleEvalError(stmt.pos, `cannot assign to '${stmt.target}'`);
        }
        vars.set(stmt.target, evaluate(stmt.value));
      } else {
        runCall(stmt.call);
      }
    }
  } catch (err) {
    if (err instanceof RuleEvalError) {
      return { ok: false, error: { file, ...err.pos, message: err.message } };
    }
    throw err;
  }
  return { ok: true, value: out };
}

export type { PendingExamples };
