/** Client-defined dynamic tools: the call goes to the session's callback (the client answers). */
import * as z from "zod";
import type { ContentItem, DynamicToolSpec, FunctionToolSpec, ToolHandler } from "./types.js";

export function dynamicToolSpec(tool: DynamicToolSpec): FunctionToolSpec {
  return {
    type: "function",
    name: tool.name,
    description: tool.description,
    strict: false,
    parameters: tool.inputSchema,
  };
}

const Response = z.object({
  contentItems: z.array(
    z.discriminatedUnion("type", [
      z.object({ type: z.literal("inputText"), text: z.string() }),
      z.object({ type: z.literal("inputImage"), imageUrl: z.string() }),
    ]),
  ),
  success: z.boolean(),
});

export function dynamicToolHandler(tool: DynamicToolSpec): ToolHandler {
  return {
    spec: dynamicToolSpec(tool),
    async handle(call, ctx) {
      let args: unknown = {};
      if (call.payload.type === "function") {
        try {
          args = call.payload.arguments.trim() === "" ? {} : JSON.parse(call.payload.arguments);
        } catch (err) {
          return { output: `failed to parse function arguments: ${(err as Error).message}`, success: false };
        }
      } else {
        args = call.payload.input;
      }
      const id = call.callId;
      const startedAt = Date.now();
      const base = { type: "dynamic_tool_call" as const, id, tool: tool.name, arguments: args };
      ctx.emit({ type: "item_started", item: { ...base, status: "in_progress" }, started_at_ms: startedAt });
      const fail = (message: string) => {
        ctx.emit({
          type: "item_completed",
          item: { ...base, status: "failed", success: false, durationMs: Date.now() - startedAt },
          completed_at_ms: Date.now(),
        });
        return { output: message, success: false };
      };
      if (!ctx.runDynamicTool) return fail(`dynamic tool ${tool.name} is not available: no client handler`);
      let raw: unknown;
      try {
        raw = await ctx.runDynamicTool({ callId: id, turnId: ctx.turnId, tool: tool.name, arguments: args });
      } catch (err) {
        return fail(`dynamic tool ${tool.name} failed: ${(err as Error).message ?? String(err)}`);
      }
      const parsed = Response.safeParse(raw);
      if (!parsed.success) return fail(`dynamic tool ${tool.name} returned a malformed response`);
      const items: ContentItem[] = parsed.data.contentItems.map((c) =>
        c.type === "inputText" ? { type: "input_text", text: c.text } : { type: "input_image", image_url: c.imageUrl },
      );
      ctx.emit({
        type: "item_completed",
        item: {
          ...base,
          status: parsed.data.success ? "completed" : "failed",
          success: parsed.data.success,
          contentItems: items,
          durationMs: Date.now() - startedAt,
        },
        completed_at_ms: Date.now(),
      });
      return { output: items, success: parsed.data.success };
    },
  };
}
