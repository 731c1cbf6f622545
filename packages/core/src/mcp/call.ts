// One MCP tool call from the model: parse the arguments, ask for approval when the tool needs it,
// call the server, tell the client (McpToolCall item started/completed) and the model (output.ts).
import type { CallOutcome, CallToolResult, ElicitationParams, ElicitResult, McpTool } from "@codex-ts/mcp";
import type { ToolCall, ToolContext, ToolHandler, ToolResult } from "../tools/types.js";
import { approveToolCall } from "./approval.js";
import { callOutputForModel, type OutputOptions } from "./output.js";
import { mcpFunctionSpec, mcpNamespace, mcpNamespaceDescription } from "./specs.js";

/** What a call needs from the session's MCP runtime. */
export interface McpCallDeps {
  tool(server: string, name: string): McpTool | undefined;
  callTool(
    server: string,
    tool: string,
    args: Record<string, unknown> | undefined,
    call: { callId: string; turnId: string; signal: AbortSignal },
  ): Promise<CallOutcome>;
  output: OutputOptions;
  /** Asks the client to approve a call (an elicitation); absent: request_user_input, if any. */
  elicitApproval?(server: string, call: { callId: string; turnId: string; signal: AbortSignal }, params: ElicitationParams): Promise<ElicitResult>;
}

/** The item's result as Codex records it (MCP's camelCase `CallToolResult`). */
function itemResult(result: CallToolResult): Record<string, unknown> {
  const out: Record<string, unknown> = { content: result.content };
  if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent;
  if (result.isError !== undefined) out.isError = result.isError;
  if (result._meta !== undefined) out._meta = result._meta;
  return out;
}

function parseArguments(call: ToolCall): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string } {
  if (call.payload.type !== "function") return { ok: false, error: "MCP tools take JSON arguments" };
  const text = call.payload.arguments.trim();
  if (text === "") return { ok: true, value: undefined };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null) return { ok: true, value: undefined };
    if (typeof value !== "object" || Array.isArray(value)) return { ok: false, error: "MCP tool arguments must be a JSON object" };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: `failed to parse function arguments: ${(error as Error).message}` };
  }
}

/**
 * Runs an MCP-flavoured call end to end with item events. `run` does the work once the arguments
 * parsed and approval (when `approvalFor` names a tool) was given.
 */
export async function runMcpItem(
  ctx: ToolContext,
  call: ToolCall,
  item: { server: string; tool: string; readOnlyHint?: boolean },
  steps: {
    approve?: (args: Record<string, unknown> | undefined) => Promise<string | null>;
    run: (args: Record<string, unknown> | undefined) => Promise<CallOutcome>;
    toModel: (outcome: CallOutcome, durationMs: number) => ToolResult;
  },
): Promise<ToolResult> {
  const parsed = parseArguments(call);
  const args = parsed.ok ? (parsed.value ?? {}) : call.payload.type === "function" ? call.payload.arguments : "";
  const base = {
    type: "mcp_tool_call" as const,
    id: call.callId,
    server: item.server,
    tool: item.tool,
    arguments: args,
    ...(item.readOnlyHint !== undefined ? { readOnlyHint: item.readOnlyHint } : {}),
  };
  const startedAt = Date.now();
  ctx.emit({ type: "item_started", item: { ...base, status: "in_progress" }, started_at_ms: startedAt });
  let outcome: CallOutcome;
  if (!parsed.ok) outcome = { ok: false, error: parsed.error };
  else {
    const refusal = steps.approve ? await steps.approve(parsed.value) : null;
    outcome = refusal !== null ? { ok: false, error: refusal } : await steps.run(parsed.value);
  }
  const durationMs = Date.now() - startedAt;
  const failed = !outcome.ok || outcome.result.isError === true;
  ctx.emit({
    type: "item_completed",
    item: {
      ...base,
      status: failed ? "failed" : "completed",
      ...(outcome.ok ? { result: itemResult(outcome.result) } : { error: outcome.error }),
      durationMs,
    },
    completed_at_ms: Date.now(),
    started_at_ms: startedAt,
  });
  return steps.toModel(outcome, durationMs);
}

/** The handler of one server tool, listed in the server's `mcp__<server>` namespace. */
export function mcpToolHandler(deps: McpCallDeps, server: string, tool: McpTool): ToolHandler {
  const spec = mcpFunctionSpec(tool);
  return {
    spec,
    namespace: mcpNamespace(server),
    namespaceDescription: mcpNamespaceDescription(server),
    handle(call, ctx) {
      const current = deps.tool(server, tool.name) ?? tool;
      return runMcpItem(
        ctx,
        call,
        {
          server,
          tool: tool.name,
          ...(current.annotations?.readOnlyHint !== undefined ? { readOnlyHint: current.annotations.readOnlyHint } : {}),
        },
        {
          approve: (args) => {
            const where = { callId: call.callId, turnId: ctx.turnId, signal: ctx.signal };
            const ask = deps.elicitApproval;
            const elicit = ask ? (params: ElicitationParams) => ask(server, where, params) : undefined;
            return approveToolCall(ctx, { callId: call.callId, server, name: tool.name, tool: current, args }, elicit);
          },
          run: (args) => deps.callTool(server, tool.name, args, { callId: call.callId, turnId: ctx.turnId, signal: ctx.signal }),
          toModel: (outcome, durationMs) => callOutputForModel(outcome, durationMs, deps.output),
        },
      );
    },
  };
}
