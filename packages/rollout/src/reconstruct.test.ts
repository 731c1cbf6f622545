import { parseRolloutLine, type RolloutLine, v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { reconstructHistory, reconstructThread, shellJoin } from "./index.js";

let clock = 0;
function lines(...payloads: Record<string, unknown>[]): RolloutLine[] {
  return payloads.map((raw) => {
    clock += 1000;
    const { line_type = "event_msg", ...payload } = raw;
    const parsed = parseRolloutLine({ timestamp: new Date(clock).toISOString(), type: line_type, payload });
    if (parsed.kind !== "line") throw new Error(`bad test line ${JSON.stringify(raw)}: ${JSON.stringify(parsed)}`);
    return parsed.line;
  });
}

describe("reconstructThread", () => {
  it("groups a legacy rollout without turn markers by user message", () => {
    const { turns } = reconstructThread(
      lines(
        { type: "user_message", message: "first" },
        { type: "agent_reasoning", text: "thinking a" },
        { type: "agent_reasoning", text: "thinking b" },
        { type: "agent_message", message: "answer one" },
        { type: "user_message", message: "second", images: ["https://x/img.png"] },
        { type: "agent_message", message: "answer two" },
      ),
    );
    expect(turns.map((turn) => [turn.id, turn.status])).toEqual([
      ["rollout-0", "completed"],
      ["rollout-4", "completed"],
    ]);
    expect(turns[0]?.items.map((item) => item.type)).toEqual(["userMessage", "reasoning", "agentMessage"]);
    expect(turns[0]?.items[1]).toMatchObject({ summary: ["thinking a", "thinking b"] });
    expect(turns[1]?.items[0]).toMatchObject({
      content: [
        { type: "text", text: "second" },
        { type: "image", url: "https://x/img.png" },
      ],
    });
  });

  it("marks aborted, failed and unfinished turns", () => {
    const events = lines(
      { type: "task_started", turn_id: "a" },
      { type: "user_message", message: "x" },
      { type: "turn_aborted", turn_id: "a", reason: "interrupted" },
      { type: "task_started", turn_id: "b" },
      { type: "error", message: "model exploded" },
      { type: "task_complete", turn_id: "b" },
      { type: "task_started", turn_id: "c" },
      { type: "user_message", message: "y" },
      { type: "task_started", turn_id: "d" },
    );
    const statuses = reconstructThread(events).turns.map((turn) => [turn.id, turn.status]);
    expect(statuses).toEqual([
      ["a", "interrupted"],
      ["b", "failed"],
      ["c", "interrupted"],
      ["d", "interrupted"],
    ]);
    expect(reconstructThread(events).turns[1]?.error?.message).toBe("model exploded");
    expect(reconstructThread(events, { activeTurnId: "d" }).turns.at(-1)?.status).toBe("inProgress");
  });

  it("converts legacy tool events (extended history of older rollouts)", () => {
    const { turns } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t" },
        {
          type: "exec_command_end",
          call_id: "c1",
          turn_id: "t",
          command: ["bash", "-lc", "ls -la"],
          cwd: "/w",
          exit_code: 2,
          duration: { secs: 1, nanos: 500_000_000 },
          aggregated_output: "boom",
        },
        {
          type: "patch_apply_end",
          call_id: "p1",
          success: true,
          changes: { "/w/a.txt": { type: "add", content: "hi\n" }, "/w/b.txt": { type: "update", unified_diff: "@@" } },
        },
        {
          type: "mcp_tool_call_end",
          call_id: "m1",
          invocation: { server: "s", tool: "t", arguments: { q: 1 } },
          duration: { secs: 0, nanos: 0 },
          result: { Err: "unreachable" },
        },
        { type: "web_search_end", call_id: "w1", query: "q", action: { type: "open_page", url: "https://e.com" } },
        { type: "view_image_tool_call", call_id: "v1", path: "/w/img.png" },
        { type: "context_compacted" },
        { type: "task_complete", turn_id: "t" },
      ),
    );
    const items = turns[0]?.items ?? [];
    expect(items.map((item) => item.type)).toEqual([
      "commandExecution",
      "fileChange",
      "mcpToolCall",
      "webSearch",
      "imageView",
      "contextCompaction",
    ]);
    expect(items[0]).toMatchObject({ command: "bash -lc 'ls -la'", status: "failed", exitCode: 2, durationMs: 1500 });
    expect(items[1]).toMatchObject({
      status: "completed",
      changes: [
        { path: "/w/a.txt", kind: { type: "add" }, diff: "hi\n" },
        { path: "/w/b.txt", kind: { type: "update", move_path: null }, diff: "@@" },
      ],
    });
    expect(items[2]).toMatchObject({ status: "failed", error: { message: "unreachable" } });
    expect(items[3]).toMatchObject({ action: { type: "openPage", url: "https://e.com" } });
  });

  it("item_started then item_completed yields one item with both times", () => {
    const item = { type: "McpToolCall", id: "m", server: "s", tool: "t", arguments: {} };
    const { turns } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t" },
        { type: "item_started", thread_id: "x", turn_id: "t", item: { ...item, status: "in_progress" }, started_at_ms: 10 },
        { type: "item_completed", thread_id: "x", turn_id: "t", item: { ...item, status: "completed" }, completed_at_ms: 20 },
        { type: "task_complete", turn_id: "t" },
      ),
    );
    expect(turns[0]?.items).toEqual([
      expect.objectContaining({ type: "mcpToolCall", status: "completed", startedAtMs: 10, completedAtMs: 20 }),
    ]);
  });
});

describe("reconstructHistory", () => {
  it("replaces history at a compaction with replacement_history", () => {
    const history = reconstructHistory(
      lines(
        { line_type: "response_item", type: "message", role: "user", content: [{ type: "input_text", text: "old" }] },
        {
          line_type: "compacted",
          message: "summary",
          replacement_history: [{ type: "message", role: "user", content: [{ type: "input_text", text: "summary" }] }],
        },
        { line_type: "response_item", type: "message", role: "user", content: [{ type: "input_text", text: "new" }] },
      ),
    );
    expect(history.map((item) => (item.type === "message" ? item.content[0] : null))).toEqual([
      { type: "input_text", text: "summary" },
      { type: "input_text", text: "new" },
    ]);
  });
});

describe("shellJoin", () => {
  it("quotes only what needs quoting", () => {
    expect(shellJoin(["git", "commit", "-m", "it's done", ""])).toBe(`git commit -m 'it'"'"'s done' ''`);
  });
});

describe("reconstructThread builds complete v2 items", () => {
  /** The item, serialized, is exactly what a v2.ThreadItem parse of it gives: all fields, same order. */
  const expectCanonical = (items: readonly v2.ThreadItem[]) => {
    for (const item of items) expect(JSON.stringify(item)).toBe(JSON.stringify(v2.ThreadItem.parse(item)));
  };
  const completed = (item: Record<string, unknown>) => ({
    type: "item_completed",
    thread_id: "th",
    turn_id: "t",
    item,
    started_at_ms: 5,
    completed_at_ms: 9,
  });

  it("from item_completed events of every kind", () => {
    const { turns, warnings } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t" },
        completed({
          type: "UserMessage",
          id: "u",
          content: [
            { type: "text", text: "hi", text_elements: [{ byte_range: { start: 0, end: 2 }, placeholder: "p" }] },
            { type: "image", image_url: "data:x" },
            { type: "local_image", path: "/a.png", detail: "low" },
            { type: "skill", name: "s", path: "/s" },
            { type: "mention", name: "m", path: "/m" },
          ],
        }),
        completed({ type: "AgentMessage", id: "a", content: [{ type: "Text", text: "yo" }], phase: "final_answer" }),
        completed({ type: "Plan", id: "p", text: "plan" }),
        completed({ type: "Reasoning", id: "r", summary_text: ["s"], raw_content: ["c"] }),
        completed({
          type: "CommandExecution",
          id: "c",
          command: ["ls", "-la"],
          cwd: "file:///w",
          parsed_cmd: [
            { type: "read", cmd: "cat a", name: "a", path: "/w/a" },
            { type: "list_files", cmd: "ls" },
            { type: "search", cmd: "rg x", query: "x" },
            { type: "other", cmd: "make" },
          ],
          source: "user_shell",
          status: "in_progress",
          exit_code: 0,
          duration: { secs: 0, nanos: 2_000_000 },
        }),
        completed({
          type: "FileChange",
          id: "f",
          changes: { "/w/b": { type: "update", unified_diff: "@@", move_path: "/w/c" }, "/w/d": { type: "delete", content: "x" } },
          status: "completed",
        }),
        completed({
          type: "McpToolCall",
          id: "m",
          server: "s",
          tool: "t",
          arguments: { q: 1 },
          status: "completed",
          result: { content: [{ type: "text", text: "ok" }], structured_content: { a: 1 } },
        }),
        completed({ type: "McpToolCall", id: "m2", server: "s", tool: "t", arguments: null, status: "failed", error: { message: "no" } }),
        completed({
          type: "DynamicToolCall",
          id: "d",
          tool: "t",
          arguments: null,
          status: "completed",
          content_items: [
            { type: "input_text", text: "x" },
            { type: "input_image", image_url: "data:y" },
          ],
          success: true,
        }),
        completed({ type: "WebSearch", id: "w", query: "q", action: { type: "search", query: "q" } }),
        completed({ type: "ImageView", id: "i", path: "/w/i.png" }),
        completed({ type: "ImageGeneration", id: "g", status: "completed", result: "b64", saved_path: "/w/g.png" }),
        completed({ type: "HookPrompt", id: "h", fragments: [{ text: "x", hookRunId: "r1" }] }),
        completed({ type: "ContextCompaction", id: "cc" }),
        { type: "task_complete", turn_id: "t" },
      ),
    );
    expect(warnings).toEqual([]);
    const items = turns[0]?.items ?? [];
    expect(items.length).toBe(14);
    expectCanonical(items);
  });

  it("from legacy events of every kind", () => {
    const { turns, warnings } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t" },
        {
          type: "user_message",
          message: "hi",
          images: ["data:x"],
          local_images: ["/a.png"],
          text_elements: [{ byte_range: { start: 0, end: 2 } }],
        },
        { type: "agent_reasoning", text: "thinking" },
        { type: "agent_reasoning_raw_content", text: "raw" },
        { type: "agent_message", message: "yo" },
        {
          type: "exec_command_end",
          call_id: "c1",
          command: ["true"],
          cwd: "/w",
          exit_code: 0,
          duration: { secs: 0, nanos: 0 },
        },
        { type: "patch_apply_end", call_id: "p1", success: false, changes: { "/w/a": { type: "add", content: "x" } } },
        {
          type: "mcp_tool_call_end",
          call_id: "m1",
          invocation: { server: "s", tool: "t" },
          duration: { secs: 0, nanos: 0 },
          result: { Ok: { content: [], is_error: false } },
        },
        { type: "web_search_end", call_id: "w1", query: "q", action: { type: "find_in_page", url: "u", pattern: "p" } },
        { type: "view_image_tool_call", call_id: "v1", path: "/w/img.png" },
        { type: "context_compacted" },
        { type: "entered_review_mode", user_facing_hint: "review" },
        { type: "exited_review_mode", review_output: { overall_explanation: "fine" } },
        { type: "task_complete", turn_id: "t" },
      ),
    );
    expect(warnings).toEqual([]);
    const items = turns[0]?.items ?? [];
    expect(items.map((item) => item.type)).toEqual([
      "userMessage",
      "reasoning",
      "agentMessage",
      "commandExecution",
      "fileChange",
      "mcpToolCall",
      "webSearch",
      "imageView",
      "contextCompaction",
      "enteredReviewMode",
      "exitedReviewMode",
    ]);
    expectCanonical(items);
  });
});
