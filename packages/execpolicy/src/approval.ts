/**
 * Combining a policy check with the session's approval policy (Codex's
 * `create_exec_approval_requirement_for_command`): forbidden / needs approval / run, plus the
 * "always allow this prefix" amendment to offer.
 */
import { join as shlexJoin } from "shlex";
import * as z from "zod";
import type { Evaluation, Policy } from "./policy.js";
import type { Decision } from "./rule-model.js";
import { commandMightBeDangerous, isKnownSafeCommand } from "./safety.js";
import { parseShellLcPlainCommands, parseShellLcSingleCommandPrefix } from "./shell.js";

/** Wire shape of `AskForApproval` (app-server v2). */
export const AskForApprovalSchema = z.union([
  z.enum(["untrusted", "on-request", "never"]),
  z.object({
    granular: z.object({
      sandbox_approval: z.boolean(),
      rules: z.boolean(),
      mcp_elicitations: z.boolean(),
      request_permissions: z.boolean().optional(),
      skill_approval: z.boolean().optional(),
    }),
  }),
]);
export type AskForApproval = z.infer<typeof AskForApprovalSchema>;

/** How the filesystem is sandboxed for the command. */
export type FileSystemSandboxKind = "restricted" | "unrestricted" | "external";

export interface ExecApprovalContext {
  approvalPolicy: AskForApproval;
  sandbox: FileSystemSandboxKind;
  /** The model asked to run outside the sandbox (escalated permissions). */
  requestsSandboxOverride?: boolean;
  /** A prefix the model suggested for "always allow" (`prefix_rule` tool argument). */
  prefixRule?: readonly string[];
}

export type ExecApprovalRequirement =
  | { type: "skip"; bypassSandbox: boolean; proposedAmendment?: string[] }
  | { type: "needs-approval"; reason?: string; proposedAmendment?: string[] }
  | { type: "forbidden"; reason: string };

export const PROMPT_CONFLICT_REASON = "approval required by policy, but AskForApproval is set to Never";
export const REJECT_SANDBOX_APPROVAL_REASON =
  "approval required by policy, but AskForApproval::Granular.sandbox_approval is false";
export const REJECT_RULES_APPROVAL_REASON =
  "approval required by policy rule, but AskForApproval::Granular.rules is false";

/** Prefixes never offered as "always allow": interpreters and shells would allow anything. */
export const BANNED_PREFIX_SUGGESTIONS: readonly (readonly string[])[] = [
  ["python3"],
  ["python3", "-"],
  ["python3", "-c"],
  ["python"],
  ["python", "-"],
  ["python", "-c"],
  ["py"],
  ["py", "-3"],
  ["pythonw"],
  ["pyw"],
  ["pypy"],
  ["pypy3"],
  ["git"],
  ["bash"],
  ["bash", "-lc"],
  ["sh"],
  ["sh", "-c"],
  ["sh", "-lc"],
  ["zsh"],
  ["zsh", "-lc"],
  ["/bin/zsh"],
  ["/bin/zsh", "-lc"],
  ["/bin/bash"],
  ["/bin/bash", "-lc"],
  ["pwsh"],
  ["pwsh", "-Command"],
  ["pwsh", "-c"],
  ["powershell"],
  ["powershell", "-Command"],
  ["powershell", "-c"],
  ["powershell.exe"],
  ["powershell.exe", "-Command"],
  ["powershell.exe", "-c"],
  ["env"],
  ["sudo"],
  ["node"],
  ["node", "-e"],
  ["perl"],
  ["perl", "-e"],
  ["ruby"],
  ["ruby", "-e"],
  ["php"],
  ["php", "-r"],
  ["lua"],
  ["lua", "-e"],
  ["osascript"],
];

export interface ExecPolicyCommands {
  commands: string[][];
  /** True when only the here-doc fallback parser could read the script (no amendments then). */
  usedComplexParsing: boolean;
}

/** The simple commands execpolicy checks for an argv. */
export function commandsForExecPolicy(argv: readonly string[]): ExecPolicyCommands {
  const plain = parseShellLcPlainCommands(argv);
  if (plain && plain.length > 0) return { commands: plain, usedComplexParsing: false };
  const heredoc = parseShellLcSingleCommandPrefix(argv);
  if (heredoc) return { commands: [heredoc], usedComplexParsing: true };
  return { commands: [[...argv]], usedComplexParsing: false };
}

/** Decision for a simple command no rule matched, given the approval policy and sandbox. */
export function decisionForUnmatchedCommand(
  command: readonly string[],
  ctx: ExecApprovalContext,
  usedComplexParsing = false,
): Decision {
  const policy = ctx.approvalPolicy;
  if (policy === "untrusted" && !usedComplexParsing && isKnownSafeCommand(command)) return "allow";
  if (commandMightBeDangerous(command)) return policy === "never" ? "forbidden" : "prompt";
  if (policy === "never") return "allow";
  if (policy === "untrusted") return "prompt";
  if (ctx.sandbox === "restricted" && ctx.requestsSandboxOverride) return "prompt";
  return "allow";
}

function renderCommand(args: readonly string[]): string {
  try {
    return shlexJoin(args);
  } catch {
    return args.join(" ");
  }
}

function mostSpecific(evaluation: Evaluation, decision: Decision) {
  let best: { matchedPrefix: string[]; justification?: string } | undefined;
  for (const m of evaluation.matchedRules) {
    if (!("prefixRuleMatch" in m) || m.prefixRuleMatch.decision !== decision) continue;
    if (!best || m.prefixRuleMatch.matchedPrefix.length > best.matchedPrefix.length) best = m.prefixRuleMatch;
  }
  return best;
}

function forbiddenReason(argv: readonly string[], evaluation: Evaluation): string {
  const command = renderCommand(argv);
  const m = mostSpecific(evaluation, "forbidden");
  if (!m) return `\`${command}\` rejected: blocked by policy`;
  if (m.justification !== undefined) return `\`${command}\` rejected: ${m.justification}`;
  return `\`${command}\` rejected: policy forbids commands starting with \`${renderCommand(m.matchedPrefix)}\``;
}

function promptReason(argv: readonly string[], evaluation: Evaluation): string | undefined {
  const m = mostSpecific(evaluation, "prompt");
  if (!m) return undefined;
  const command = renderCommand(argv);
  return m.justification !== undefined
    ? `\`${command}\` requires approval: ${m.justification}`
    : `\`${command}\` requires approval by policy`;
}

function promptRejection(policy: AskForApproval, promptIsRule: boolean): string | undefined {
  if (policy === "never") return PROMPT_CONFLICT_REASON;
  if (typeof policy === "object") {
    if (promptIsRule) return policy.granular.rules ? undefined : REJECT_RULES_APPROVAL_REASON;
    return policy.granular.sandbox_approval ? undefined : REJECT_SANDBOX_APPROVAL_REASON;
  }
  return undefined;
}

function requestedAmendment(
  policy: Policy,
  ctx: ExecApprovalContext,
  evaluation: Evaluation,
  commands: string[][],
  fallback: (cmd: readonly string[]) => Decision,
): string[] | undefined {
  const prefix = ctx.prefixRule;
  if (!prefix || prefix.length === 0) return undefined;
  const banned = BANNED_PREFIX_SUGGESTIONS.some(
    (b) => b.length === prefix.length && b.every((t, i) => t === prefix[i]),
  );
  if (banned || evaluation.matchedRules.some((m) => "prefixRuleMatch" in m)) return undefined;
  const amended = policy.withPrefixRule(prefix, "allow");
  const approvesAll = commands.every(
    (cmd) => amended.checkCommands([cmd], { resolveHostExecutables: true, fallback }).decision === "allow",
  );
  return approvesAll ? [...prefix] : undefined;
}

function firstHeuristicCommand(evaluation: Evaluation, decision: Decision): string[] | undefined {
  for (const m of evaluation.matchedRules) {
    if ("heuristicsRuleMatch" in m && m.heuristicsRuleMatch.decision === decision) {
      return [...m.heuristicsRuleMatch.command];
    }
  }
  return undefined;
}

/**
 * Decides what to do with a command: run it (maybe outside the sandbox when rules explicitly allow
 * every part), ask the user (with an optional "always allow" prefix to offer), or refuse.
 */
export function evaluateExecApproval(
  policy: Policy,
  argv: readonly string[],
  ctx: ExecApprovalContext,
): ExecApprovalRequirement {
  const { commands, usedComplexParsing } = commandsForExecPolicy(argv);
  const autoAmendment = !usedComplexParsing;
  const fallback = (cmd: readonly string[]) => decisionForUnmatchedCommand(cmd, ctx, usedComplexParsing);
  const evaluation = policy.checkCommands(commands, { resolveHostExecutables: true, fallback });
  const requested = autoAmendment
    ? requestedAmendment(policy, ctx, evaluation, commands, fallback)
    : undefined;
  const hasPolicyMatch = evaluation.matchedRules.some((m) => "prefixRuleMatch" in m);

  if (evaluation.decision === "forbidden") {
    return { type: "forbidden", reason: forbiddenReason(argv, evaluation) };
  }
  if (evaluation.decision === "prompt") {
    const promptIsRule = evaluation.matchedRules.some(
      (m) => "prefixRuleMatch" in m && m.prefixRuleMatch.decision === "prompt",
    );
    const rejection = promptRejection(ctx.approvalPolicy, promptIsRule);
    if (rejection) return { type: "forbidden", reason: rejection };
    const out: ExecApprovalRequirement = { type: "needs-approval" };
    const reason = promptReason(argv, evaluation);
    if (reason !== undefined) out.reason = reason;
    const amendment =
      requested ?? (autoAmendment && !promptIsRule ? firstHeuristicCommand(evaluation, "prompt") : undefined);
    if (amendment) out.proposedAmendment = amendment;
    return out;
  }
  const bypassSandbox = commands.every((cmd) =>
    policy.matchesForCommand(cmd, { resolveHostExecutables: true }).some((m) => m.decision === "allow"),
  );
  const out: ExecApprovalRequirement = { type: "skip", bypassSandbox };
  if (autoAmendment && !hasPolicyMatch) {
    const amendment = firstHeuristicCommand(evaluation, "allow");
    if (amendment) out.proposedAmendment = amendment;
  }
  return out;
}
