import { parseRolloutLine, type RolloutLine } from "@codex-ts/protocol";
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
