/** `write_stdin`: write to a running exec_command session and collect what it printed since. */
import * as z from "zod";
import { parseArguments } from "../args.js";
import { sessionStoreFor } from "../exec/sessions.js";
import { maxOutputTokensProp, PositiveNumber, yieldTimeProp } from "../command-spec.js";
import type { FunctionToolSpec, ToolCall, ToolContext, ToolHandler, ToolResult } from "../types.js";
import { clampYield, DEFAULT_WRITE_STDIN_YIELD_MS, formatUnifiedOutput, outputBudget } from "./exec-command.js";

export function writeStdinSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "write_stdin",
    description:
      "Writes characters to the stdin of a running exec_command session and returns the output produced since the last call.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        session_id: { type: "number", description: "ID of the running exec_command session." },
        chars: { type: "string", description: "Characters to write; may be empty to just poll for output." },
        yield_time_ms: yieldTimeProp,
        max_output_tokens: maxOutputTokensProp,
      },
      required: ["session_id"],
      additionalProperties: false,
    },
  };
}


const WriteStdinArgs = z.object({
  session_id: z.number().int(),
  chars: z.string().optional(),
  yield_time_ms: PositiveNumber,
  max_output_tokens: PositiveNumber,
});

async function handleWriteStdin(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const args = parseArguments(call, WriteStdinArgs);
  if (!args.ok) return { output: args.error, success: false };
  const a = args.value;
  const store = sessionStoreFor(ctx);
  const session = store.get(a.session_id);
  if (!session) {
    return { output: `write_stdin failed: unknown session id ${a.session_id} (the process may have exited)`, success: false };
  }
  const startedAt = Date.now();
  if (a.chars && a.chars.length > 0) {
    if (session.exit !== undefined) {
      // Still hand back the final output below; the write itself cannot happen.
    } else {
      session.process.write(a.chars);
    }
  }
  const { output, exit } = await session.collect(clampYield(a.yield_time_ms, DEFAULT_WRITE_STDIN_YIELD_MS), ctx.signal);
  // As Codex: every write_stdin (a poll with no chars too) is a terminal interaction of the command's item.
  if (session.callId !== undefined)
    ctx.emit({ type: "terminal_interaction", call_id: session.callId, process_id: String(session.id), stdin: a.chars ?? "" });
  const wallMs = Date.now() - startedAt;
  const maxBytes = outputBudget(a.max_output_tokens);
  if (exit !== undefined) {
    store.remove(session.id);
    return { output: formatUnifiedOutput({ wallMs, output, exitCode: exit.exitCode, maxBytes }), success: true };
  }
  return { output: formatUnifiedOutput({ wallMs, output, sessionId: session.id, maxBytes }), success: true };
}

export function writeStdinHandler(): ToolHandler {
  return { spec: writeStdinSpec(), handle: handleWriteStdin };
}
