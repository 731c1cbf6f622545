// Whether an MCP tool call needs the user's approval, and asking for it, as Codex 0.169 does: a
// tool that does not declare `readOnlyHint` (or declares `destructiveHint`) needs approval unless
// the session runs with full access; with approval policy `never` the call fails; otherwise the
// client is asked with an elicitation carrying `_meta.codex_approval_kind = "mcp_tool_call"` (what
// the app-server sends as mcpServer/elicitation/request), or, for a session without an elicitation
// handler, a request_user_input question (Approve Once / Approve this Session / Deny / Cancel).
import type { ElicitationParams, ElicitResult, McpTool } from "@codex-ts/mcp";
import type { AskForApproval } from "@codex-ts/protocol";
import type { SandboxPolicy, ToolContext, UserInputQuestion } from "../tools/types.js";
import { runsUnsandboxed } from "../tools/types.js";

export type McpApprovalDecision = "accept" | "acceptForSession" | "decline" | "cancel";

export const APPROVAL_NEVER_MESSAGE = "MCP tool call requires approval, but approval policy is never";
export const DECLINED_MESSAGE = "user rejected MCP tool call";
export const CANCELLED_MESSAGE = "user cancelled MCP tool call";

const ACCEPT = "Approve Once";
const ACCEPT_FOR_SESSION = "Approve this Session";
const DECLINE = "Deny";
const CANCEL = "Cancel";

export function toolNeedsApproval(tool: McpTool | undefined, approvalPolicy: AskForApproval, sandboxPolicy: SandboxPolicy): boolean {
  if (approvalPolicy === "never" && runsUnsandboxed(sandboxPolicy)) return false;
  const hints = tool?.annotations;
  if (hints?.destructiveHint === true) return true;
  return hints?.readOnlyHint !== true;
}

/** `never`, or granular without MCP prompts: nobody may be asked. */
function mayAsk(policy: AskForApproval): boolean {
  if (policy === "never") return false;
  if (typeof policy === "object") return policy.granular.mcp_elicitations;
  return true;
}

function question(callId: string, server: string, tool: McpTool | undefined, name: string): UserInputQuestion {
  const hints = tool?.annotations;
  const reason =
    hints?.destructiveHint === true && hints?.openWorldHint === true
      ? "may modify data and access external systems"
      : hints?.destructiveHint === true
        ? "may modify or delete data"
        : hints?.openWorldHint === true
          ? "may access external systems"
          : "may have side effects";
  const label = tool?.title?.trim() || name;
  return {
    id: `mcp_tool_call_approval_${callId}`,
    header: "Approve app tool call?",
    question: `The ${server} MCP server wants to run the tool "${label}", which ${reason}. Allow this action?`,
    isOther: false,
    options: [
      { label: ACCEPT, description: "Run the tool and continue." },
      { label: ACCEPT_FOR_SESSION, description: "Run the tool and remember this choice for this session." },
      { label: DECLINE, description: "Decline this tool call and continue." },
      { label: CANCEL, description: "Cancel this tool call" },
    ],
  };
}

/** The approval elicitation real Codex sends (form mode, no fields, the call in `_meta`). */
export function approvalElicitation(server: string, name: string, tool: McpTool | undefined, args: Record<string, unknown> | undefined): ElicitationParams {
  const params = args ?? {};
  return {
    mode: "form",
    message: `Allow the ${server} MCP server to run tool "${name}"?`,
    requestedSchema: { type: "object", properties: {} },
    _meta: {
      codex_approval_kind: "mcp_tool_call",
      persist: ["session", "always"],
      tool_name: name,
      ...(tool?.description ? { tool_description: tool.description } : {}),
      tool_params: params,
      tool_params_display: Object.entries(params).map(([key, value]) => ({ name: key, value, display_name: key })),
    },
  };
}

/** An approval elicitation's answer: accept (remembered when `_meta.persist` asks), decline, cancel. */
function decisionOf(result: ElicitResult): McpApprovalDecision {
  if (result.action !== "accept") return result.action;
  const persist = (result._meta as { persist?: unknown } | undefined)?.persist;
  return persist === "session" || persist === "always" ? "acceptForSession" : "accept";
}

/**
 * The approval step of one call: `null` = run it; otherwise the message the model reads instead.
 * Approvals for the session are remembered in the session's `approvedForSession` set.
 */
export async function approveToolCall(
  ctx: ToolContext,
  call: { callId: string; server: string; name: string; tool: McpTool | undefined; args: Record<string, unknown> | undefined },
  elicit?: (params: ElicitationParams) => Promise<ElicitResult>,
): Promise<string | null> {
  if (!toolNeedsApproval(call.tool, ctx.approvalPolicy, ctx.sandboxPolicy)) return null;
  const key = `mcp:${call.server}/${call.name}`;
  if (ctx.approvedForSession.has(key)) return null;
  if (!mayAsk(ctx.approvalPolicy)) return APPROVAL_NEVER_MESSAGE;
  if (elicit) {
    let decision: McpApprovalDecision;
    try {
      decision = decisionOf(await elicit(approvalElicitation(call.server, call.name, call.tool, call.args)));
    } catch {
      decision = "decline";
    }
    return finish(ctx, key, decision);
  }
  if (!ctx.requestUserInput) return DECLINED_MESSAGE;
  const q = question(call.callId, call.server, call.tool, call.name);
  let answer: string | undefined;
  try {
    const response = await ctx.requestUserInput({ callId: call.callId, turnId: ctx.turnId, questions: [q] });
    answer = response.answers[q.id]?.answers[0];
  } catch {
    answer = undefined;
  }
  const decision: McpApprovalDecision =
    answer === ACCEPT ? "accept" : answer === ACCEPT_FOR_SESSION ? "acceptForSession" : answer === CANCEL ? "cancel" : "decline";
  return finish(ctx, key, decision);
}

function finish(ctx: ToolContext, key: string, decision: McpApprovalDecision): string | null {
  if (decision === "acceptForSession") ctx.approvedForSession.add(key);
  if (decision === "accept" || decision === "acceptForSession") return null;
  return decision === "cancel" ? CANCELLED_MESSAGE : DECLINED_MESSAGE;
}
