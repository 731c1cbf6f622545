// One tool call of a turn: the call item becomes a ToolCall, runs through the registry's dispatch
// (hooks around it) with the session's ToolContext, and comes back as the output item.
import type { ResponseItem } from "@codex-ts/protocol";
import { skillScriptOf } from "../permissions/skills.js";
import { dispatchToolCall } from "../tools/registry.js";
import type { ToolCall, ToolContext, ToolRegistry, ToolResult } from "../tools/index.js";
import { applyShellEnvironmentPolicy } from "./env.js";
import type { SessionState } from "./state.js";
import { forwardToolEvent } from "./tool-events.js";

export type CallItem = Extract<ResponseItem, { type: "function_call" | "custom_tool_call" }>;

/** What one call left for the turn. */
export interface ToolCallOutcome {
  output: ResponseItem;
  /** Hook context messages that follow the output. */
  after: ResponseItem[];
  /** The user answered an approval with `abort`: end the turn as interrupted. */
  abortTurn: boolean;
  /** A PostToolUse hook said `continue: false`: end the turn after this call. */
  stop: boolean;
}

/** The output item answering `call`. */
export function toolOutput(call: CallItem, result: ToolResult): ResponseItem {
  const output = typeof result.output === "string" ? result.output : result.output.map((c) => ({ ...c }));
  return call.type === "function_call"
    ? { type: "function_call_output", call_id: call.call_id, output }
    : { type: "custom_tool_call_output", call_id: call.call_id, output };
}

/** Run one call; every failure becomes output for the model (nothing throws). */
export async function runToolCall(
  s: SessionState,
  subId: string,
  turnId: string,
  item: CallItem,
  registry: ToolRegistry,
  signal: AbortSignal,
): Promise<ToolCallOutcome> {
  const call: ToolCall =
    item.type === "function_call"
      ? { callId: item.call_id, name: item.name, payload: { type: "function", arguments: item.arguments } }
      : { callId: item.call_id, name: item.name, payload: { type: "custom", input: item.input } };
  if (item.namespace) call.namespace = item.namespace;
  const hookRun = s.hooks.enabled ? s.hooks.toolHooks(subId, turnId, signal) : undefined;
  const result = await dispatchToolCall(
    registry,
    call,
    toolContext(s, subId, turnId, signal),
    hookRun?.hooks,
  );
  return {
    output: toolOutput(item, result),
    after: hookRun?.after ?? [],
    abortTurn: result.abortTurn === true,
    stop: hookRun?.stop() ?? false,
  };
}

/** What tools get from the session for one call. */
export function toolContext(
  s: SessionState,
  subId: string,
  turnId: string,
  signal: AbortSignal,
): ToolContext {
  const settings = s.settingsState;
  const ctx: ToolContext = {
    threadId: s.threadId,
    turnId,
    model: settings.model,
    cwd: settings.cwd,
    sandboxPolicy: settings.sandboxPolicy,
    approvalPolicy: settings.approvalPolicy,
    signal,
    emit: (event) => forwardToolEvent(s, subId, turnId, event),
    requestApproval: async (request) => {
      const decision = await s.approvals.request(subId, turnId, request, signal);
      // "abort" denies and ends the turn as interrupted (Codex semantics).
      if (decision === "abort") s.active?.controller.abort();
      return decision;
    },
    runner: s.services.runner,
    planMode: s.modeKind() === "plan",
    approvedForSession: s.approvals.approvedForSession,
    execSessions: s.services.execSessions,
    // The sandbox's writable workspace: the configured roots, else the turn's cwd (see permissions/).
    workspaceRoots: settings.workspaceRootsExplicit ? settings.workspaceRoots : [settings.cwd],
  };
  if (settings.permissionProfile) ctx.permissionProfile = settings.permissionProfile;
  ctx.env = applyShellEnvironmentPolicy(s.options.shellEnvironmentPolicy ?? {}, s.env);
  if (s.env.SHELL) ctx.shell = s.env.SHELL;
  if (s.options.execPolicy) ctx.execPolicy = s.options.execPolicy;
  const proxy = s.services.networkProxyAddress();
  if (proxy) ctx.networkProxy = proxy;
  if (s.options.onExecpolicyAmendment) ctx.onExecpolicyAmendment = s.options.onExecpolicyAmendment;
  if (s.options.dynamicToolHandler) ctx.runDynamicTool = s.options.dynamicToolHandler;
  if (s.options.userInputHandler) ctx.requestUserInput = s.options.userInputHandler;
  ctx.requestPermissions = (request) => s.approvals.requestPermissions(subId, turnId, request, signal);
  ctx.grantedPermissions = () => s.approvals.granted(turnId);
  if (s.options.tools?.execPermissionApprovals) ctx.execPermissionApprovals = true;
  if (s.skills.length > 0) ctx.skillScript = (argv, cwd) => skillScriptOf(argv, cwd, s.skills);
  return ctx;
}
