import type { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { contextLeftPercent, reduce } from "./reducer.js";
import { type Action, initialState, type SessionInfo, type TuiState } from "./types.js";

const session: SessionInfo = {
  threadId: "t1",
  model: "gpt-test",
  reasoningEffort: "high",
  cwd: "/w",
  approvalPolicy: "on-request",
  sandbox: "workspace-write",
};
const times = { startedAtMs: null, completedAtMs: null };
const agent = (id: string, text: string): v2.ThreadItem =>
  ({
    type: "agentMessage",
    id,
    text,
    phase: null,
    delivery: null,
    memoryCitation: null,
    moderation: null,
    questions: null,
    ...times,
  }) as v2.ThreadItem;
const command = (id: string, status: "inProgress" | "completed"): v2.ThreadItem =>
  ({
    type: "commandExecution",
    id,
    command: "ls",
    cwd: "/w",
    processId: null,
    source: "agent",
    status,
    commandActions: [],
    aggregatedOutput: null,
    exitCode: status === "completed" ? 0 : null,
    durationMs: null,
    pluginId: null,
    scriptPath: null,
    ...times,
  }) as v2.ThreadItem;
const turn = (status: v2.Turn["status"], error: v2.Turn["error"] = null): v2.Turn => ({
  id: "turn1",
  items: [],
  status,
  error,
  startedAt: null,
  completedAt: null,
  durationMs: null,
  rootTurnId: null,
});
const n = (notification: unknown): Action => ({
  type: "notification",
  notification: notification as v2.ServerNotification,
});
const run = (actions: Action[], from: TuiState = initialState) => actions.reduce(reduce, from);
const ids = { threadId: "t1", turnId: "turn1" };

describe("reduce", () => {
  it("starts a session with a header cell and the resumed turns' items", () => {
    const state = run([
      {
        type: "session",
        session,
        version: "1.0",
        history: [{ ...turn("completed"), items: [agent("a", "old answer")] }],
      },
    ]);
    expect(state.session).toEqual(session);
    expect(state.cells.map((c) => c.kind)).toEqual(["header", "item"]);
  });

  it("streams an answer in the live area and moves it to the transcript when completed", () => {
    let state = run([
      { type: "turnRequested", at: 5 },
      n({ method: "turn/started", params: { threadId: "t1", turn: turn("inProgress") } }),
    ]);
    expect(state.turn).toEqual({ id: "turn1", startedAt: 5 });
    state = run(
      [n({ method: "item/started", params: { ...ids, item: agent("m1", ""), startedAtMs: 1 } })],
      state,
    );
    state = run(
      [
        n({ method: "item/agentMessage/delta", params: { ...ids, itemId: "m1", delta: "Hel" } }),
        n({ method: "item/agentMessage/delta", params: { ...ids, itemId: "m1", delta: "lo" } }),
      ],
      state,
    );
    expect(state.live).toHaveLength(1);
    expect((state.live[0] as { text: string }).text).toBe("Hello");
    expect(state.cells).toHaveLength(0);
    state = run(
      [
        n({
          method: "item/completed",
          params: { ...ids, item: agent("m1", "Hello"), completedAtMs: 2, contentTokenCount: null },
        }),
      ],
      state,
    );
    expect(state.live).toHaveLength(0);
    expect(state.cells).toHaveLength(1);
    state = run(
      [n({ method: "turn/completed", params: { threadId: "t1", turn: turn("completed") } })],
      state,
    );
    expect(state.turn).toBeNull();
  });

  it("appends command output deltas to the running command", () => {
    const state = run([
      n({ method: "item/started", params: { ...ids, item: command("c1", "inProgress"), startedAtMs: 1 } }),
      n({ method: "item/commandExecution/outputDelta", params: { ...ids, itemId: "c1", delta: "a\n" } }),
      n({ method: "item/commandExecution/outputDelta", params: { ...ids, itemId: "c1", delta: "b\n" } }),
    ]);
    expect((state.live[0] as { aggregatedOutput: string }).aggregatedOutput).toBe("a\nb\n");
  });

  it("writes unfinished items and an interruption notice when a turn is interrupted", () => {
    const state = run([
      { type: "turnRequested", at: 0 },
      n({ method: "item/started", params: { ...ids, item: command("c1", "inProgress"), startedAtMs: 1 } }),
      n({ method: "turn/completed", params: { threadId: "t1", turn: turn("interrupted") } }),
    ]);
    expect(state.turn).toBeNull();
    expect(state.live).toEqual([]);
    expect(state.cells.map((c) => c.kind)).toEqual(["item", "error"]);
    expect(state.cells[1]).toMatchObject({ text: expect.stringContaining("interrupted") });
  });

  it("shows a failed turn's error, and retries as warnings", () => {
    const state = run([
      n({
        method: "error",
        params: {
          ...ids,
          error: {
            message: "stream lost",
            codexErrorInfo: null,
            additionalDetails: null,
            misalignment: null,
          },
          willRetry: true,
        },
      }),
      n({
        method: "turn/completed",
        params: {
          threadId: "t1",
          turn: turn("failed", {
            message: "quota exceeded",
            codexErrorInfo: null,
            additionalDetails: null,
            misalignment: null,
          }),
        },
      }),
    ]);
    expect(state.cells).toMatchObject([
      { kind: "warning", text: "stream lost (retrying…)" },
      { kind: "error", text: "quota exceeded" },
    ]);
  });

  it("queues approvals and drops one the server resolved", () => {
    const params = {
      threadId: "t1",
      turnId: "turn1",
      itemId: "c1",
    } as v2.CommandExecutionRequestApprovalParams;
    let state = run([
      { type: "serverRequest", request: { kind: "command", requestId: 7, params } },
      { type: "serverRequest", request: { kind: "command", requestId: 8, params } },
    ]);
    expect(state.pending.map((p) => p.requestId)).toEqual([7, 8]);
    state = run([n({ method: "serverRequest/resolved", params: { threadId: "t1", requestId: 7 } })], state);
    expect(state.pending.map((p) => p.requestId)).toEqual([8]);
    state = run([{ type: "requestAnswered", requestId: 8 }], state);
    expect(state.pending).toEqual([]);
  });

  it("keeps the same state object for notifications it ignores", () => {
    const state = run([{ type: "session", session, version: "1" }]);
    expect(reduce(state, n({ method: "skills/changed", params: {} }))).toBe(state);
    expect(
      reduce(state, n({ method: "item/agentMessage/delta", params: { ...ids, itemId: "nope", delta: "x" } })),
    ).toBe(state);
  });
});

describe("contextLeftPercent", () => {
  const usage = (last: number, window: number | null): v2.ThreadTokenUsage => {
    const b = {
      totalTokens: last,
      inputTokens: last,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: 0,
      reasoningOutputTokens: 0,
    };
    return { total: b, last: b, modelContextWindow: window };
  };
  it("is unknown without a window, 100% at the baseline and falls as the context fills", () => {
    expect(contextLeftPercent(null)).toBeNull();
    expect(contextLeftPercent(usage(10, null))).toBeNull();
    expect(contextLeftPercent(usage(12_000, 112_000))).toBe(100);
    expect(contextLeftPercent(usage(62_000, 112_000))).toBe(50);
    expect(contextLeftPercent(usage(500_000, 112_000))).toBe(0);
  });
});
