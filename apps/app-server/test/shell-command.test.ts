import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("thread/shellCommand", () => {
  it("runs a user `!cmd` in its own turn as a userShell command item, and the model sees its output next", async () => {
    fx.fake.enqueue(turn([sse.message("seen")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    expect((await s.request("thread/shellCommand", { threadId: thread.id, command: "   " })).error).toEqual({ code: -32600, message: "command must not be empty" });
    expect(await s.request("thread/shellCommand", { threadId: thread.id, command: "echo shell-$((6*7)); ls" })).toEqual({ result: {} });
    const done = await s.waitForNotification("turn/completed", (p) => p.threadId === thread.id);
    const item = done.params.turn.items[0] as Record<string, unknown>;
    expect(item).toMatchObject({ type: "commandExecution", source: "userShell", status: "completed", exitCode: 0, cwd: fx.workDir });
    expect(item.aggregatedOutput).toContain("shell-42");
    expect(item.commandActions).toEqual([{ type: "listFiles", command: "ls", path: null }]);
    const deltas = s.notifications("item/commandExecution/outputDelta").map((m) => m.params.delta).join("");
    expect(deltas).toContain("shell-42");
    const order = ["turn/started", "item/started", "item/completed", "turn/completed"].map((m) => s.messages.findIndex((x) => x.method === m));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const statuses = s.notifications("thread/status/changed").map((m) => m.params.status.type);
    expect(statuses.slice(-2)).toEqual(["active", "idle"]);

    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "what did it print?" }] });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(JSON.stringify(fx.fake.responsesRequests().at(-1)?.body)).toContain("shell-42");
  });
});
