// Glue between the session and @codex-ts/hooks: what a hook sees of a tool call, how its
// answers map back onto the call, and the messages hooks add to the conversation.
import { hookToolName, shellToolInput } from "@codex-ts/hooks";
import type { AskForApproval, ResponseItem } from "@codex-ts/protocol";
import type { SandboxPolicy, ToolPayload } from "../tools/types.js";

/** Tools whose hook-facing name is `Bash` and whose input is `{ command }`. */
const SHELL_ARG: Record<string, string> = { shell_command: "command", exec_command: "cmd" };

/** What PreToolUse / PostToolUse hooks see of one call. */
export interface HookToolView {
  toolName: string;
  matcherAliases: string[];
  toolInput: unknown;
}

function parseArgs(payload: ToolPayload): Record<string, unknown> | undefined {
  if (payload.type !== "function") return undefined;
  try {
    const value = JSON.parse(payload.arguments || "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hook view of a tool call: shell tools are `Bash` with `tool_input.command` (the script the
 * model wrote), apply_patch gets `{ command: <patch> }`, other tools their JSON arguments (or
 * `{ input }` for freeform input).
 */
export function hookToolView(name: string, payload: ToolPayload): HookToolView {
  const { toolName, matcherAliases } = hookToolName(name);
  const args = parseArgs(payload);
  const shellKey = SHELL_ARG[name];
  if (shellKey !== undefined && typeof args?.[shellKey] === "string") {
    return { toolName, matcherAliases, toolInput: shellToolInput(args[shellKey] as string) };
  }
  if (name === "apply_patch") {
    const patch = payload.type === "custom" ? payload.input : typeof args?.input === "string" ? args.input : undefined;
    if (patch !== undefined) return { toolName, matcherAliases, toolInput: { command: patch } };
  }
  if (payload.type === "custom") return { toolName, matcherAliases, toolInput: { input: payload.input } };
  return { toolName, matcherAliases, toolInput: args ?? {} };
}

/** The payload to run a call with after a PreToolUse hook returned `updatedInput`. */
export function payloadWithUpdatedInput(name: string, payload: ToolPayload, updated: unknown): ToolPayload {
  const obj = typeof updated === "object" && updated !== null && !Array.isArray(updated) ? (updated as Record<string, unknown>) : undefined;
  const shellKey = SHELL_ARG[name];
  if (shellKey !== undefined && typeof obj?.command === "string") {
    const args = parseArgs(payload) ?? {};
    return { type: "function", arguments: JSON.stringify({ ...args, [shellKey]: obj.command }) };
  }
  if (name === "apply_patch" && typeof obj?.command === "string") {
    return payload.type === "custom" ? { type: "custom", input: obj.command } : { type: "function", arguments: JSON.stringify({ input: obj.command }) };
  }
  if (payload.type === "custom") return typeof obj?.input === "string" ? { type: "custom", input: obj.input } : payload;
  return obj ? { type: "function", arguments: JSON.stringify(obj) } : payload;
}

/** Claude Code's `permission_mode` for the session's policies. */
export function hookPermissionMode(approval: AskForApproval, sandbox: SandboxPolicy, planMode: boolean): string {
  if (planMode) return "plan";
  if (approval === "never" && sandbox.type === "danger-full-access") return "bypassPermissions";
  return "default";
}

const escapeXml = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/**
 * A Stop/SubagentStop hook's block reason as Codex feeds it back: a user message whose text is
 * `<hook_prompt hook_run_id="…">reason</hook_prompt>`, one fragment per blocking run.
 */
export function hookPromptMessage(fragments: { text: string; hookRunId: string }[]): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: fragments.map((f) => ({
      type: "input_text" as const,
      text: `<hook_prompt hook_run_id="${escapeXml(f.hookRunId)}">${escapeXml(f.text)}</hook_prompt>`,
    })),
  };
}
