/**
 * Turns parsed `.rules` statements into rules: evaluates each statement (./rule-args.ts binds
 * and type-checks the arguments) and runs one builder per builtin — `prefix_rule`,
 * `network_rule`, `host_executable` — with the value validation Codex performs (decisions,
 * patterns, examples, network hosts, executable paths).
 */
import {
  BUILTIN_CONSTANTS,
  type Bound,
  bindArgs,
  justificationOf,
  optList,
  optString,
  parseExamples,
  parsePatternToken,
  RuleEvalError,
  SIGNATURES,
  typeName,
  type Value,
} from "./rule-args.js";
import {
  type Decision,
  type HostExecutable,
  type NetworkRule,
  normalizeNetworkHost,
  type ParsedRulesFile,
  type PatternToken,
  type PendingExamples,
  type PrefixRule,
  parseDecision,
  parseNetworkProtocol,
  type RuleSource,
  type RulesError,
} from "./rule-model.js";
import { type Call, type Expr, type Position, parseSyntax } from "./syntax.js";

/** A required argument (bindArgs checked it is there). */
type Given<T> = { value: T; pos: Position };

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
    const args = bindArgs(
      call,
      call.args.map((a) => evaluate(a.value)),
    );
    const src: RuleSource = { file, line: call.pos.line, column: call.pos.column };
    if (call.callee === "prefix_rule") {
      const { rules, examples } = prefixRule(args, src, call.pos);
      out.prefixRules.push(...rules);
      if (examples) out.examples.push(examples);
    } else if (call.callee === "network_rule") {
      out.networkRules.push(networkRule(args, src));
    } else {
      out.hostExecutables.push(hostExecutable(args));
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

/** `prefix_rule(pattern, decision?, match?, not_match?, justification?)`: one rule per first-token alternative. */
function prefixRule(
  args: Bound,
  src: RuleSource,
  pos: Position,
): { rules: PrefixRule[]; examples: PendingExamples | null } {
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
  const hasExamples = matches.length > 0 || notMatches.length > 0;
  return { rules, examples: hasExamples ? { rules, matches, notMatches, pos } : null };
}

/** `network_rule(host, protocol, decision, justification?)`; `deny` is `forbidden`. */
function networkRule(args: Bound, src: RuleSource): NetworkRule {
  const fn = "network_rule";
  const host = optString(args, "host", fn) as Given<string>;
  const protocolArg = optString(args, "protocol", fn) as Given<string>;
  const decisionArg = optString(args, "decision", fn) as Given<string>;
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
  return {
    host: normalized.host,
    protocol,
    decision,
    ...(justification !== undefined ? { justification } : {}),
    source: src,
  };
}

/** `host_executable(name, paths)`: absolute (or `~/`) paths whose basename is `name`, deduplicated. */
function hostExecutable(args: Bound): HostExecutable {
  const fn = "host_executable";
  const name = optString(args, "name", fn) as Given<string>;
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
  return { name: name.value, paths: resolved };
}
