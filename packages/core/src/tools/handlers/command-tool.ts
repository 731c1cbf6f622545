// What exec_command and shell_command share: the spec around their own properties, and the steps
// before each waits in its own way (parse the arguments, route an apply_patch heredoc, start).
import type * as z from "zod";
import { parseArguments } from "../args.js";
import { type ShellCommandRequestArgs, type StartRequest, shellStartRequest } from "../command-request.js";
import { commandPermissionProps } from "../command-spec.js";
import { functionToolSpec } from "../function-spec.js";
import { maybeInterceptApplyPatch, type Started, startCommand } from "../orchestrator.js";
import type { FunctionToolSpec, JsonSchema, ToolCall, ToolContext, ToolResult } from "../types.js";

/** A command tool's spec: its own properties, then the permission properties both tools take. */
export function commandToolSpec(
  name: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: string,
): FunctionToolSpec {
  return functionToolSpec(name, description, { ...properties, ...commandPermissionProps }, [required]);
}

export type CommandToolStart<A> =
  | { ok: true; args: A; req: StartRequest; started: Extract<Started, { ok: true }> }
  | { ok: false; result: ToolResult };

/**
 * Parses the call with `schema`, runs a shell `apply_patch` heredoc as the apply_patch tool, or
 * starts the command (`request` turns the arguments into the shell script to run).
 */
export async function startCommandTool<S extends z.ZodType>(
  call: ToolCall,
  ctx: ToolContext,
  schema: S,
  request: (args: z.output<S>) => ShellCommandRequestArgs,
): Promise<CommandToolStart<z.output<S>>> {
  const parsed = parseArguments(call, schema);
  if (!parsed.ok) return { ok: false, result: { output: parsed.error, success: false } };
  const shell = request(parsed.value);
  const intercepted = await maybeInterceptApplyPatch(call, ctx, shell.command, shell.workdir);
  if (intercepted) return { ok: false, result: intercepted };
  const req = shellStartRequest(call, ctx, shell);
  const started = await startCommand(req);
  if (!started.ok) return started;
  return { ok: true, args: parsed.value, req, started };
}
