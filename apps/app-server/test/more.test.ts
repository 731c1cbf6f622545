import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("more notifications and server requests", () => {
  it("asks item/fileChange/requestApproval for a patch and applies it once accepted", async () => {
    const patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi from patch\n*** End Patch\n";
    fx.fake.enqueue(turn([sse.customToolCall("apply_patch", patch, { callId: "call-patch" })]), turn([sse.message("patched")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "patch" }] });
    const request = await server.waitForServerRequest("item/fileChange/requestApproval");
    expect(request.params).toMatchObject({ threadId: thread.id, turnId: t.id, itemId: "call-patch" });
    server.respond(request.id, { decision: "accept" });
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(completed.params.turn.status).toBe("completed");
    expect(readFileSync(path.join(fx.workDir, "hello.txt"), "utf8")).toBe("hi from patch\n");
    const item = server.notifications("item/completed").find((m) => m.params.item.type === "fileChange");
    expect(item?.params.item.status).toBe("completed");
    expect(server.notifications("serverRequest/resolved").map((m) => m.params.requestId)).toContain(request.id);
    const diff = server.notifications("turn/diff/updated").at(-1);
    expect(diff?.params).toMatchObject({ threadId: thread.id, turnId: t.id });
    expect(diff?.params.diff).toContain("+++ b/hello.txt");
    expect(diff?.params.diff).toContain("+hi from patch");
  });

  it("declined patches leave the files alone", async () => {
    const patch = "*** Begin Patch\n*** Add File: nope.txt\n+no\n*** End Patch\n";
    fx.fake.enqueue(turn([sse.customToolCall("apply_patch", patch)]), turn([sse.message("ok")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "patch" }] });
    const request = await server.waitForServerRequest("item/fileChange/requestApproval");
    server.respond(request.id, { decision: "decline" });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(existsSync(path.join(fx.workDir, "nope.txt"))).toBe(false);
  });

  it("asks item/tool/requestUserInput in plan mode and returns the answers to the model", async () => {
    fx.fake.enqueue(
      turn([
        sse.functionCall(
          "request_user_input",
          { questions: [{ id: "color", header: "Color", question: "Which color?", options: [{ label: "red", description: "warm" }] }] },
          { callId: "call-ask" },
        ),
      ]),
      turn([sse.message("red it is")]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await server.call("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "plan" }],
      collaborationMode: { mode: "plan", settings: { model: "gpt-test", reasoning_effort: null, developer_instructions: null } },
    });
    const request = await server.waitForServerRequest("item/tool/requestUserInput");
    expect(request.params.questions[0]).toMatchObject({ id: "color", question: "Which color?" });
    await server.waitForNotification("thread/status/changed", (p) => p.status.type === "active" && p.status.activeFlags.includes("waitingOnUserInput"));
    server.respond(request.id, { answers: { color: { answers: ["red"] } } });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const output = JSON.stringify(fx.fake.responsesRequests()[1]?.body.input);
    expect(output).toContain("red");
  });

  it("streams plan updates as turn/plan/updated", async () => {
    fx.fake.enqueue(
      turn([
        sse.functionCall("update_plan", {
          explanation: "two steps",
          plan: [
            { step: "look around", status: "completed" },
            { step: "fix it", status: "in_progress" },
          ],
        }),
      ]),
      turn([sse.message("planned")]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(server, thread.id, "plan it");
    const plan = await server.waitForNotification("turn/plan/updated");
    expect(plan.params).toEqual({
      threadId: thread.id,
      turnId,
      explanation: "two steps",
      plan: [
        { step: "look around", status: "completed" },
        { step: "fix it", status: "inProgress" },
      ],
    });
  });

  it("reports rate limits and model reroutes", async () => {
    fx.fake.enqueue(
      turn([sse.message("rerouted")], {
        model: "gpt-other",
        headers: { "x-codex-primary-used-percent": "41.6", "x-codex-primary-window-minutes": "300" },
      }),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(server, thread.id, "hi");
    const limits = await server.waitForNotification("account/rateLimits/updated");
    // v2's window: an integer percentage and windowDurationMins (not core's window_minutes).
    expect(limits.params.rateLimits.primary).toEqual({ usedPercent: 42, windowDurationMins: 300, resetsAt: null });
    const reroute = await server.waitForNotification("model/rerouted");
    expect(reroute.params).toMatchObject({ threadId: thread.id, turnId, fromModel: "gpt-test", toModel: "gpt-other" });
  });

  it("refuses to steer a manual compaction turn", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    fx.fake.enqueue(turn([sse.message("SUMMARY")], { gate }));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    await server.call("thread/compact/start", { threadId: thread.id });
    const started = await server.waitForNotification("turn/started", (p) => p.threadId === thread.id);
    const steer = await server.request("turn/steer", {
      threadId: thread.id,
      expectedTurnId: started.params.turn.id,
      input: [{ type: "text", text: "more" }],
    });
    expect(steer.error?.message).toContain("cannot be steered");
    const busy = await server.request("thread/compact/start", { threadId: thread.id });
    expect(busy.error?.code).toBe(-32600);
    open();
    await server.waitForNotification("turn/completed", (p) => p.turn.id === started.params.turn.id);
  });

  it("compacts a thread on thread/compact/start", async () => {
    fx.fake.enqueue(turn([sse.message("first")]), turn([sse.message("SUMMARY OF WORK")]), turn([sse.message("after")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    await runTurn(server, thread.id, "do something");
    const firstTurns = server.notifications("turn/started").length;
    expect(await server.call("thread/compact/start", { threadId: thread.id })).toEqual({});
    const compactTurn = await server.waitFor(
      () => server?.notifications("turn/started").length === firstTurns + 1,
      undefined,
      "the compaction turn",
    );
    const compactTurnId = server.notifications("turn/started").at(-1)?.params.turn.id;
    expect(compactTurn).toBeDefined();
    const done = await server.waitForNotification("turn/completed", (p) => p.turn.id === compactTurnId);
    expect(done.params.turn.status).toBe("completed");
    expect(done.params.turn.items.map((i: { type: string }) => i.type)).toContain("contextCompaction");
    await server.waitForNotification("thread/compacted", (p) => p.threadId === thread.id);
    await runTurn(server, thread.id, "continue");
    const last = JSON.stringify(fx.fake.responsesRequests().at(-1)?.body.input);
    expect(last).toContain("SUMMARY OF WORK");
  });
});
