import type { v2 } from "@codex-ts/protocol";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { reduce } from "../state/reducer.js";
import { type Action, initialState, type TuiState } from "../state/types.js";
import { Transcript } from "./Transcript.js";

// The cells the fake model cannot easily produce, from v2 notifications through the reducer:
// a web search still running, an MCP call, sub-agent activity, a hook run, warnings and errors.
const ids = { threadId: "t1", turnId: "turn1" };
const times = { startedAtMs: null, completedAtMs: null };
const n = (method: string, params: unknown): Action => ({
  type: "notification",
  notification: { method, params } as unknown as v2.ServerNotification,
});
const item = (value: Record<string, unknown>) => ({ ...times, ...value }) as unknown as v2.ThreadItem;
const frame = (state: TuiState) => {
  const ui = render(<Transcript state={state} />);
  const text = ui.lastFrame() ?? "";
  ui.unmount();
  return text;
};

describe("Transcript cells", () => {
  it("'Searching the web' while the search runs, then what was searched", () => {
    const search = item({ type: "webSearch", id: "w1", query: "ink static output", action: null });
    let state = [n("item/started", { ...ids, item: search, startedAtMs: 1 })].reduce(reduce, initialState);
    expect(frame(state)).toContain("• Searching the web ink static output");
    state = reduce(
      state,
      n("item/completed", { ...ids, item: search, completedAtMs: 2, contentTokenCount: null }),
    );
    expect(frame(state)).toContain("• Searched ink static output");
  });

  it("MCP calls, sub-agent activity, hook runs, warnings and errors each get a line", () => {
    const mcp = item({
      type: "mcpToolCall",
      id: "m1",
      server: "docs",
      tool: "lookup",
      status: "completed",
      arguments: { q: "zod" },
      result: null,
      error: null,
      durationMs: 3,
    });
    const sub = item({ type: "subAgentActivity", id: "s1", agentPath: "/root/explorer", kind: "started" });
    const hookRun = { eventName: "UserPromptSubmit", status: "completed", statusMessage: "prompt checked" };
    const state = [
      n("item/completed", { ...ids, item: mcp, completedAtMs: 2, contentTokenCount: null }),
      n("item/completed", { ...ids, item: sub, completedAtMs: 2, contentTokenCount: null }),
      n("hook/completed", { ...ids, run: hookRun }),
      n("warning", { threadId: "t1", message: "Low disk space" }),
      n("error", { ...ids, willRetry: true, error: { message: "stream disconnected" } }),
      n("error", { ...ids, willRetry: false, error: { message: "quota exceeded" } }),
    ].reduce(reduce, initialState);
    const text = frame(state);
    expect(text).toContain('Called docs.lookup({"q":"zod"})');
    expect(text).toContain("Sub-agent /root/explorer started");
    expect(text).toContain("UserPromptSubmit hook completed: prompt checked");
    expect(text).toContain("Low disk space");
    expect(text).toContain("stream disconnected (retrying…)");
    expect(text).toContain("quota exceeded");
  });
});
