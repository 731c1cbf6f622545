// Sub-agents (`multi_agent_v1`) through the built server and the fake model: the parent's calls
// show as `collabAgentToolCall` items (live and in thread/read), every message checked by the
// harness against the official schema.
import { type RecordedRequest, type ScriptEntry, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const isChild = (r: RecordedRequest) => r.headers["x-codex-parent-thread-id"] !== undefined;
const outputs = (r: RecordedRequest): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const i of r.body.input as any[])
    if (i.type === "function_call_output") out[i.call_id] = String(i.output);
  return out;
};
const agentCall = (name: string, args: unknown, callId: string) =>
  sse.item({
    type: "function_call",
    id: `fc_${callId}`,
    call_id: callId,
    namespace: "multi_agent_v1",
    name,
    arguments: JSON.stringify(args),
  });

/** The parent spawns a child, waits for it, then answers; the child answers at once. */
function delegating(): ScriptEntry {
  return {
    kind: "dynamic",
    respond: (r) => {
      if (isChild(r)) return turn([sse.message("child says 42", { phase: "final_answer" })]);
      const out = outputs(r);
      if (!out.c1) return turn([agentCall("spawn_agent", { message: "count the files" }, "c1")]);
      if (!out.c2)
        return turn([
          agentCall("wait_agent", { targets: [JSON.parse(out.c1).agent_id], timeout_ms: 20_000 }, "c2"),
        ]);
      return turn([sse.message("parent done", { phase: "final_answer" })]);
    },
  };
}

describe("sub-agents", () => {
  it("spawn_agent then wait_agent: collabAgentToolCall items started and completed, and in thread/read", async () => {
    fx.fake.enqueue(delegating(), delegating(), delegating(), delegating());
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(s, thread.id, "delegate it");
    const requests = fx.fake.responsesRequests();
    expect(requests.filter(isChild)).toHaveLength(1);
    expect(fx.fake.unscripted).toEqual([]);
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    expect(childId).toEqual(expect.any(String));

    const collab = (method: string) =>
      s
        .notifications(method)
        .filter((m) => m.params.threadId === thread.id && m.params.item.type === "collabAgentToolCall")
        .map((m) => m.params.item);
    const started = collab("item/started");
    const completed = collab("item/completed");
    expect(started.map((i) => [i.tool, i.status])).toEqual([
      ["spawnAgent", "inProgress"],
      ["wait", "inProgress"],
    ]);
    expect(completed.map((i) => [i.tool, i.status])).toEqual([
      ["spawnAgent", "completed"],
      ["wait", "completed"],
    ]);
    expect(completed[0]).toMatchObject({
      senderThreadId: thread.id,
      receiverThreadIds: [childId],
      prompt: "count the files",
      agentsStates: { [childId]: { status: "pendingInit", message: null } },
    });
    expect(completed[1]).toMatchObject({
      receiverThreadIds: [childId],
      agentsStates: { [childId]: { status: "completed", message: "child says 42" } },
    });

    // thread/read rebuilds the same items from the parent's rollout.
    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    const items = read.thread.turns
      .find((t) => t.id === turnId)!
      .items.filter((i) => i.type === "collabAgentToolCall");
    expect(items.map((i) => ({ ...i, startedAtMs: null, completedAtMs: null }))).toEqual(
      completed.map((i) => ({ ...i, startedAtMs: null, completedAtMs: null })),
    );
  });
});
