import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type FunctionCallOutputBody,
  functionCallOutputText,
  messageText,
  parseResponsesStreamEvent,
  ResponseItem,
  ResponsesApiWebSearchAction,
} from "./responses.js";

describe("ResponseItem", () => {
  it("reads a message with phase and round-trips it canonically", () => {
    const raw = {
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello" }],
      phase: "final_answer",
    };
    const item = ResponseItem.parse(raw);
    expect(item.type).toBe("message");
    if (item.type !== "message") throw new Error("narrowing");
    expect(item.phase).toBe("final_answer");
    expect(messageText(item)).toBe("Hello");
    expect(JSON.parse(JSON.stringify(item))).toEqual(raw);
  });

  it("reads a null phase as absent", () => {
    const item = ResponseItem.parse({ type: "message", role: "user", content: [], phase: null });
    expect(JSON.stringify(item)).toBe('{"type":"message","role":"user","content":[]}');
  });

  it("rejects an unknown phase with a path", () => {
    const result = ResponseItem.safeParse({ type: "message", role: "assistant", content: [], phase: "later" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["phase"]);
  });

  it("writes reasoning encrypted_content as null when absent", () => {
    const item = ResponseItem.parse({ type: "reasoning", summary: [{ type: "summary_text", text: "thinking" }] });
    expect(JSON.parse(JSON.stringify(item))).toEqual({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "thinking" }],
      encrypted_content: null,
    });
  });

  it("reads reasoning with raw content", () => {
    const item = ResponseItem.parse({
      type: "reasoning",
      id: "rs_1",
      summary: [],
      content: [{ type: "reasoning_text", text: "raw" }],
      encrypted_content: "gAAA",
    });
    expect(item).toMatchObject({ id: "rs_1", content: [{ type: "reasoning_text", text: "raw" }] });
  });

  it("reads function_call and both output body shapes", () => {
    expect(
      ResponseItem.parse({ type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "c1" }),
    ).toMatchObject({ name: "shell", call_id: "c1" });
    const text = ResponseItem.parse({ type: "function_call_output", call_id: "c1", output: "ok" });
    expect(text).toMatchObject({ output: "ok" });
    const items = ResponseItem.parse({
      type: "function_call_output",
      call_id: "c1",
      output: [
        { type: "input_text", text: "see image" },
        { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" },
      ],
    });
    if (items.type !== "function_call_output") throw new Error("narrowing");
    expect(functionCallOutputText(items.output)).toBe("see image");
  });

  it("reads custom_tool_call_output as a legacy string or content items", () => {
    const legacy = ResponseItem.parse({ type: "custom_tool_call_output", call_id: "c2", output: "done" });
    expect(legacy).toMatchObject({ output: "done" });
    const rich = ResponseItem.parse({
      type: "custom_tool_call_output",
      call_id: "c2",
      output: [{ type: "input_image", image_url: "https://x/y.png", detail: "low" }],
    });
    expect(rich).toMatchObject({ output: [{ type: "input_image", detail: "low" }] });
    expect(functionCallOutputText((rich as { output: FunctionCallOutputBody }).output)).toBeNull();
  });

  it("rejects a bad image detail inside tool output", () => {
    const result = ResponseItem.safeParse({
      type: "custom_tool_call_output",
      call_id: "c2",
      output: [{ type: "input_image", image_url: "u", detail: "huge" }],
    });
    expect(result.success).toBe(false);
  });

  it("reads custom_tool_call and local_shell_call", () => {
    expect(
      ResponseItem.parse({ type: "custom_tool_call", call_id: "c3", name: "apply_patch", input: "*** Begin Patch" }),
    ).toMatchObject({ name: "apply_patch" });
    const shell = ResponseItem.parse({
      type: "local_shell_call",
      status: "completed",
      action: { type: "exec", command: ["ls"] },
    });
    expect(JSON.parse(JSON.stringify(shell))).toEqual({
      type: "local_shell_call",
      call_id: null,
      status: "completed",
      action: { type: "exec", command: ["ls"], timeout_ms: null, working_directory: null, env: null, user: null },
    });
  });

  it("reads web_search_call with each action and unknown actions as other", () => {
    for (const action of [
      { type: "search", query: "weather" },
      { type: "open_page", url: "https://example.com" },
      { type: "find_in_page", url: "https://example.com", pattern: "foo" },
    ]) {
      expect(ResponseItem.parse({ type: "web_search_call", status: "completed", action })).toMatchObject({ action });
    }
    expect(ResponsesApiWebSearchAction.parse({ type: "screenshot", x: 1 })).toEqual({ type: "other" });
  });

  it("reads compaction and its legacy alias", () => {
    expect(ResponseItem.parse({ type: "compaction_summary", encrypted_content: "abc" })).toEqual({
      type: "compaction",
      encrypted_content: "abc",
    });
  });

  it("reads unknown item types as other and still rejects non-objects", () => {
    expect(ResponseItem.parse({ type: "ghost_snapshot", ghost_commit: {} })).toEqual({ type: "other" });
    expect(ResponseItem.safeParse("message").success).toBe(false);
    expect(ResponseItem.safeParse({ role: "user" }).success).toBe(false);
  });

  it("generates a JSON Schema under its own definition names", () => {
    const schema = z.toJSONSchema(ResponseItem) as { $defs?: Record<string, { oneOf?: unknown[] }> };
    expect(schema.$defs?.ResponseItem?.oneOf?.length).toBe(18);
    expect(schema.$defs?.ResponsesApiWebSearchAction).toBeDefined();
  });
});

describe("parseResponsesStreamEvent", () => {
  it("parses the lifecycle of a plain answer", () => {
    const events = [
      { type: "response.created", response: { id: "resp_1" } },
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "message", id: "msg_1", role: "assistant", content: [] },
      },
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hi" },
      {
        type: "response.output_item.done",
        output_index: 0,
        item: { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "Hi" }] },
      },
      {
        type: "response.completed",
        response: {
          id: "resp_1",
          usage: {
            input_tokens: 10,
            input_tokens_details: { cached_tokens: 4 },
            output_tokens: 3,
            output_tokens_details: { reasoning_tokens: 1 },
            total_tokens: 13,
          },
        },
      },
    ];
    const parsed = events.map((event) => parseResponsesStreamEvent(JSON.stringify(event)));
    expect(parsed.map((p) => p.kind)).toEqual(["event", "event", "event", "event", "event"]);
    const completed = parsed[4];
    if (completed?.kind !== "event" || completed.event.type !== "response.completed") throw new Error("narrowing");
    expect(completed.event.response.usage?.input_tokens_details?.cached_tokens).toBe(4);
    expect(completed.event.response.usage?.output_tokens_details?.reasoning_tokens).toBe(1);
  });

  it("parses tool-call deltas, reasoning deltas, failures and errors", () => {
    const kinds = [
      { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 1, delta: '{"a"' },
      { type: "response.custom_tool_call_input.delta", item_id: "ct_1", output_index: 1, delta: "*** Begin" },
      { type: "response.reasoning_summary_text.delta", item_id: "rs_1", summary_index: 0, delta: "plan" },
      { type: "response.reasoning_text.delta", item_id: "rs_1", content_index: 0, delta: "raw" },
      { type: "response.failed", response: { id: "r", error: { code: "rate_limit_exceeded", message: "slow down" } } },
      { type: "response.incomplete", response: { id: "r", incomplete_details: { reason: "max_output_tokens" } } },
      { type: "error", code: "server_error", message: "boom" },
    ].map((event) => parseResponsesStreamEvent(event));
    expect(kinds.every((p) => p.kind === "event")).toBe(true);
  });

  it("reports unknown event types so the client can skip them", () => {
    const parsed = parseResponsesStreamEvent({ type: "response.content_part.added", part: {} });
    expect(parsed).toMatchObject({ kind: "unknown", type: "response.content_part.added" });
  });

  it("reports garbage as invalid without throwing", () => {
    expect(parseResponsesStreamEvent("{not json").kind).toBe("invalid");
    expect(parseResponsesStreamEvent([1]).kind).toBe("invalid");
    const bad = parseResponsesStreamEvent({ type: "response.output_text.delta", delta: 5 });
    expect(bad).toMatchObject({ kind: "invalid" });
    expect(bad.kind === "invalid" && bad.reason).toContain("delta");
  });
});
