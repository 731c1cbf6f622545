/**
 * The evaluated policy: prefix rules indexed by program, network rules, host executables.
 * Matching follows Codex: every rule whose prefix matches is reported; the strictest decision wins.
 */
import {
  type Decision,
  type HostExecutable,
  type NetworkProtocol,
  type NetworkRule,
  type ParsedRulesFile,
  type PatternToken,
  type PrefixRule,
  type RulesError,
  normalizeNetworkHost,
  renderPrefixRule,
  stricterDecision,
} from "./rule-model.js";
import { compareLex } from "./list.js";
import { parseRulesFile } from "./rules.js";
import { isKnownSafeCommand } from "./safety.js";
import { parseShellLcPlainCommands } from "./shell.js";

/** Key order matches Codex's serialisation. Absent optional fields are omitted. */
export interface PrefixRuleMatch {
  matchedPrefix: string[];
  decision: Decision;
  resolvedProgram?: string;
  justification?: string;
}

export type RuleMatch =
  | { prefixRuleMatch: PrefixRuleMatch }
  | { heuristicsRuleMatch: { command: string[]; decision: Decision } };

export function ruleMatchDecision(m: RuleMatch): Decision {
  return "prefixRuleMatch" in m ? m.prefixRuleMatch.decision : m.heuristicsRuleMatch.decision;
}

/** What `codex execpolicy check` prints: `decision` is absent when nothing matched. */
export interface CheckOutput {
  matchedRules: RuleMatch[];
  decision?: Decision;
}

export interface Evaluation {
  decision: Decision;
  matchedRules: RuleMatch[];
  /** The simple commands that were checked (the argv itself unless a shell script was split). */
  commands: string[][];
}

export interface MatchOptions {
  /** Let `/usr/bin/git` fall back to rules for `git` (constrained by host_executable()). */
  resolveHostExecutables?: boolean;
}

export type UnmatchedFallback = (command: readonly string[]) => Decision;

export interface CheckOptions extends MatchOptions {
  /**
   * Decision for a simple command no rule matched. Default: known-safe read-only commands are
   * allowed, everything else is `prompt` (combine with the approval policy via
   * `evaluateExecApproval` for Codex's full behaviour).
   */
  fallback?: UnmatchedFallback;
}

interface CompiledRule {
  rule: PrefixRule;
  /** Pattern tokens after the program; alternatives as arrays. */
  rest: readonly PatternToken[];
  length: number;
}

function tokenMatches(pattern: PatternToken, token: string): boolean {
  return typeof pattern === "string" ? pattern === token : pattern.includes(token);
}

function defaultFallback(command: readonly string[]): Decision {
  return isKnownSafeCommand(command) ? "allow" : "prompt";
}

export class Policy {
  private readonly byProgram = new Map<string, CompiledRule[]>();
  private readonly hostExecutableMap = new Map<string, readonly string[]>();

  private constructor(
    readonly prefixRules: readonly PrefixRule[],
    readonly networkRules: readonly NetworkRule[],
    readonly hostExecutables: readonly HostExecutable[],
  ) {
    for (const rule of prefixRules) {
      let bucket = this.byProgram.get(rule.program);
      if (!bucket) {
        bucket = [];
        this.byProgram.set(rule.program, bucket);
      }
      bucket.push({ rule, rest: rule.rest, length: rule.rest.length + 1 });
    }
    for (const h of hostExecutables) this.hostExecutableMap.set(h.name, h.paths);
  }

  static empty(): Policy {
    return new Policy([], [], []);
  }

  static fromRules(
    prefixRules: readonly PrefixRule[],
    networkRules: readonly NetworkRule[] = [],
    hostExecutables: readonly HostExecutable[] = [],
  ): Policy {
    return new Policy([...prefixRules], [...networkRules], [...hostExecutables]);
  }

  /** This policy followed by `overlay`'s rules (nothing is dropped; host executables are overridden). */
  merge(overlay: Policy): Policy {
    return new Policy(
      [...this.prefixRules, ...overlay.prefixRules],
      [...this.networkRules, ...overlay.networkRules],
      [...this.hostExecutables, ...overlay.hostExecutables],
    );
  }

  /** A copy with one more literal prefix rule (used after an amendment is persisted). */
  withPrefixRule(prefix: readonly string[], decision: Decision): Policy {
    const [program, ...rest] = prefix;
    if (program === undefined) return this;
    return new Policy(
      [...this.prefixRules, { program, rest, decision }],
      this.networkRules,
      this.hostExecutables,
    );
  }

  withNetworkRule(rule: NetworkRule): Policy {
    return new Policy(this.prefixRules, [...this.networkRules, rule], this.hostExecutables);
  }

  private matchBucket(
    bucket: CompiledRule[] | undefined,
    cmd: readonly string[],
    resolvedProgram: string | undefined,
  ): PrefixRuleMatch[] {
    const out: PrefixRuleMatch[] = [];
    if (!bucket) return out;
    outer: for (const c of bucket) {
      if (cmd.length < c.length) continue;
      for (let i = 0; i < c.rest.length; i++) {
        if (!tokenMatches(c.rest[i] as PatternToken, cmd[i + 1] as string)) continue outer;
      }
      const match: PrefixRuleMatch = {
        matchedPrefix: [c.rule.program, ...cmd.slice(1, c.length)],
        decision: c.rule.decision,
      };
      if (resolvedProgram !== undefined) match.resolvedProgram = resolvedProgram;
      if (c.rule.justification !== undefined) match.justification = c.rule.justification;
      out.push(match);
    }
    return out;
  }

  /** Every prefix rule matching `cmd`, in rule order (no heuristics). */
  matchesForCommand(cmd: readonly string[], options: MatchOptions = {}): PrefixRuleMatch[] {
    const program = cmd[0];
    if (program === undefined) return [];
    const exact = this.matchBucket(this.byProgram.get(program), cmd, undefined);
    if (exact.length > 0 || !options.resolveHostExecutables || !program.startsWith("/")) return exact;
    const base = program.split("/").pop() ?? "";
    if (base === "" || base === program) return exact;
    const allowed = this.hostExecutableMap.get(base);
    if (allowed && !allowed.includes(program)) return exact;
    return this.matchBucket(this.byProgram.get(base), cmd, program);
  }

  /** `codex execpolicy check` semantics: the tokens exactly as given, no shell splitting or heuristics. */
  checkTokens(cmd: readonly string[], options: MatchOptions = {}): CheckOutput {
    const matchedRules: RuleMatch[] = this.matchesForCommand(cmd, options).map((m) => ({
      prefixRuleMatch: m,
    }));
    let decision: Decision | undefined;
    for (const m of matchedRules) {
      decision =
        decision === undefined ? ruleMatchDecision(m) : stricterDecision(decision, ruleMatchDecision(m));
    }
    return decision === undefined ? { matchedRules } : { matchedRules, decision };
  }

  /**
   * Checks a command: shell scripts (`bash -lc "a && b | c"`) are split into plain commands with
   * tree-sitter-bash; each is matched; commands no rule matches get `fallback`'s decision as a
   * heuristics match. The strictest decision wins.
   */
  check(argv: readonly string[], options: CheckOptions = {}): Evaluation {
    const split = parseShellLcPlainCommands(argv);
    const commands = split && split.length > 0 ? split : [[...argv]];
    return this.checkCommands(commands, options);
  }

  /** Checks already-split simple commands (see `check`). */
  checkCommands(commands: readonly (readonly string[])[], options: CheckOptions = {}): Evaluation {
    const fallback = options.fallback ?? defaultFallback;
    const matchedRules: RuleMatch[] = [];
    for (const cmd of commands) {
      const matches = this.matchesForCommand(cmd, options);
      if (matches.length === 0) {
        matchedRules.push({ heuristicsRuleMatch: { command: [...cmd], decision: fallback(cmd) } });
      } else {
        for (const m of matches) matchedRules.push({ prefixRuleMatch: m });
      }
    }
    let decision: Decision = "allow";
    for (const m of matchedRules) decision = stricterDecision(decision, ruleMatchDecision(m));
    return { decision, matchedRules, commands: commands.map((c) => [...c]) };
  }

  /** Strictest decision among network rules for this host and protocol, if any apply. */
  checkNetwork(host: string, protocol: NetworkProtocol): Decision | undefined {
    const normalized = normalizeNetworkHost(host);
    if ("error" in normalized) return undefined;
    let decision: Decision | undefined;
    for (const r of this.networkRules) {
      if (r.host !== normalized.host || r.protocol !== protocol) continue;
      decision = decision === undefined ? r.decision : stricterDecision(decision, r.decision);
    }
    return decision;
  }

  /** Allow-rule prefixes, alternatives rendered as `[a|b]`, sorted and de-duplicated (Codex's `allow_prefixes`). */
  allowPrefixes(): string[][] {
    const seen = new Set<string>();
    const out: string[][] = [];
    for (const r of this.prefixRules) {
      if (r.decision !== "allow") continue;
      const prefix = [r.program, ...r.rest.map((t) => (typeof t === "string" ? t : `[${t.join("|")}]`))];
      const key = JSON.stringify(prefix);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(prefix);
    }
    return out.sort(compareLex);
  }
}

export interface RulesSource {
  /** Identifier used in error messages (normally the file path). */
  file: string;
  contents: string;
}

function validateExamples(
  parsed: ParsedRulesFile,
  file: string,
  hostExecutables: readonly HostExecutable[],
): RulesError | undefined {
  for (const ex of parsed.examples) {
    const local = Policy.fromRules(ex.rules, [], hostExecutables);
    const where = { file, line: ex.pos.line, column: ex.pos.column };
    const ruleText = ex.rules.map(renderPrefixRule).join(", ");
    for (const example of ex.notMatches) {
      if (local.matchesForCommand(example, { resolveHostExecutables: true }).length > 0) {
        return {
          ...where,
          rule: ruleText,
          message: `not_match example \`${example.join(" ")}\` matches its own rule ${ruleText}`,
        };
      }
    }
    const unmatched = ex.matches.filter(
      (example) => local.matchesForCommand(example, { resolveHostExecutables: true }).length === 0,
    );
    if (unmatched.length > 0) {
      return {
        ...where,
        rule: ruleText,
        message: `match example${unmatched.length > 1 ? "s" : ""} ${unmatched
          .map((e) => `\`${e.join(" ")}\``)
          .join(", ")} do${unmatched.length > 1 ? "" : "es"} not match rule ${ruleText}`,
      };
    }
  }
  return undefined;
}

/**
 * Parses rule files in order into one policy, validating each rule's match/not_match examples.
 * Never throws; the first error is returned with file:line:col.
 */
export function policyFromSources(
  sources: readonly RulesSource[],
): { ok: true; policy: Policy } | { ok: false; error: RulesError } {
  const prefixRules: PrefixRule[] = [];
  const networkRules: NetworkRule[] = [];
  const hostExecutables: HostExecutable[] = [];
  for (const src of sources) {
    const parsed = parseRulesFile(src.file, src.contents);
    if (!parsed.ok) return parsed;
    hostExecutables.push(...parsed.value.hostExecutables);
    const invalid = validateExamples(parsed.value, src.file, hostExecutables);
    if (invalid) return { ok: false, error: invalid };
    prefixRules.push(...parsed.value.prefixRules);
    networkRules.push(...parsed.value.networkRules);
  }
  return { ok: true, policy: Policy.fromRules(prefixRules, networkRules, hostExecutables) };
}
