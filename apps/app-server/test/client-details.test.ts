import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("what clients read beyond the bare schema", () => {
  it("approval kind/environmentId/commandActions, parsed commandActions on items, idle before turn/completed, emittedAtMs", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "mkdir -p out && cat notes.txt", yield_time_ms: 10_000 }, { callId: "call-cat" })]),
      turn([sse.message("read it")]),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "read notes" }] });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval");
    expect(request.params).toMatchObject({
      kind: "command",
      environmentId: "local",
      commandActions: [
        { type: "unknown", command: "mkdir -p out" },
        { type: "read", command: "cat notes.txt", name: "notes.txt", path: "notes.txt" },
      ],
    });
    s.respond(request.id, { decision: "accept" });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const item = s.notifications("item/completed").find((m) => m.params.item.type === "commandExecution");
    expect(item?.params.item.commandActions).toEqual(request.params.commandActions);
    const started = s.notifications("item/started").find((m) => m.params.item.type === "commandExecution");
    expect(typeof started?.params.startedAtMs).toBe("number");
    const idle = s.messages.findIndex((m) => m.method === "thread/status/changed" && m.params.status.type === "idle" && m.params.threadId === thread.id);
    const completed = s.messages.findIndex((m) => m.method === "turn/completed");
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThan(completed);
    expect(s.notifications().every((m) => Number.isInteger(m.emittedAtMs))).toBe(true);
    const done = s.messages[completed];
    const inTurn = done?.params.turn.items.find((i: { type: string }) => i.type === "commandExecution");
    expect(inTurn?.commandActions).toEqual(request.params.commandActions);
  });
});
