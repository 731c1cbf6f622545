import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args], { cwd: fx.workDir, encoding: "utf8" }).trim();

const ANSWER = JSON.stringify({
  findings: [
    {
      title: "[P1] Bug here",
      body: "This breaks.",
      confidence_score: 0.8,
      priority: 1,
      code_location: { absolute_file_path: "/repo/a.txt", line_range: { start: 1, end: 2 } },
    },
  ],
  overall_correctness: "patch is incorrect",
  overall_explanation: "One bug.",
  overall_confidence_score: 0.7,
});
const REVIEW_TEXT = "One bug.\n\nReview comment:\n\n- [P1] Bug here — /repo/a.txt:1-2\n  This breaks.";

type Item = { type: string; review?: string; text?: string; content?: Array<{ text: string }> };

describe("review/start", () => {
  it("runs an inline review turn: enteredReviewMode, a review sub-agent, exitedReviewMode with the findings, as Codex 0.169", async () => {
    git("init", "-q");
    writeFileSync(path.join(fx.workDir, "a.txt"), "a\n");
    git("add", ".");
    git("commit", "-qm", "init");
    writeFileSync(path.join(fx.workDir, "a.txt"), "a\nb\n");
    fx.fake.enqueue(turn([sse.message("first")]), turn([sse.message(ANSWER)]), turn([sse.message("fixing")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hello");

    const response = (await s.request("review/start", { threadId: thread.id, target: { type: "uncommittedChanges" } })) as {
      result: { reviewThreadId: string; turn: { id: string; status: string; items: Item[] } };
    };
    expect(response.result.reviewThreadId).toBe(thread.id);
    expect(response.result.turn.status).toBe("inProgress");
    expect(response.result.turn.items).toEqual([
      { type: "userMessage", id: response.result.turn.id, clientId: null, content: [{ type: "text", text: "current changes", text_elements: [] }], startedAtMs: null, completedAtMs: null },
    ]);
    const done = await s.waitForNotification("turn/completed", (p) => p.turn.id === response.result.turn.id);
    expect(done.params.turn.status).toBe("completed");

    const started = s.notifications("item/started").map((m) => m.params.item as Item).filter((i) => i.type !== "userMessage");
    const entered = started.find((i) => i.type === "enteredReviewMode");
    expect(entered).toMatchObject({ type: "enteredReviewMode", review: "current changes" });
    const completed = s.notifications("item/completed").map((m) => m.params.item as Item);
    expect(completed.find((i) => i.type === "exitedReviewMode")).toMatchObject({ review: REVIEW_TEXT });
    expect(completed.filter((i) => i.type === "agentMessage").at(-1)).toMatchObject({ text: REVIEW_TEXT });
    const types = s.messages.filter((m) => m.method === "item/completed").map((m) => (m.params as { item: Item }).item.type);
    expect(types.indexOf("enteredReviewMode")).toBeLessThan(types.indexOf("exitedReviewMode"));

    // The reviewer's request: its own instructions, Codex's prompt for the target, the review header.
    const review = fx.fake.responsesRequests()[1]!;
    expect(review.headers["x-openai-subagent"]).toBe("review");
    expect(JSON.stringify(review.body)).toContain("# Code review");
    expect(JSON.stringify(review.body)).toContain("Review the current code changes (staged, unstaged, and untracked files) and provide prioritized findings.");

    // thread/read shows the review turn; the next turn's model input carries the review's result.
    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns).toHaveLength(2);
    const reviewItems = read.thread.turns[1]!.items as Item[];
    expect(reviewItems.find((i) => i.type === "enteredReviewMode")).toMatchObject({ review: "current changes" });
    expect(reviewItems.find((i) => i.type === "exitedReviewMode")).toMatchObject({ review: REVIEW_TEXT });
    await runTurn(s, thread.id, "fix the first finding");
    expect(JSON.stringify(fx.fake.responsesRequests()[2]!.body)).toContain("[P1] Bug here");
  });

  it("answers bad targets, unknown deliveries and busy threads with clear errors", async () => {
    fx.fake.enqueue(turn([sse.message("held")], { hold: true }));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const empty = await s.request("review/start", { threadId: thread.id, target: { type: "custom", instructions: "  " } });
    // The errors real Codex 0.169 answers.
    expect(empty).toMatchObject({ error: { code: -32600, message: "instructions must not be empty" } });
    const noSha = await s.request("review/start", { threadId: thread.id, target: { type: "commit", sha: "" } });
    expect(noSha).toMatchObject({ error: { code: -32600, message: "sha must not be empty" } });
    const detached = await s.request("review/start", { threadId: thread.id, target: { type: "uncommittedChanges" }, delivery: "detached" });
    expect(detached).toMatchObject({ error: { code: -32600, message: "Invalid request: unknown variant `detached`, expected `inline`" } });
    const unknown = await s.request("review/start", { threadId: "nope", target: { type: "uncommittedChanges" } });
    expect((unknown as { error: { message: string } }).error.message).toMatch(/nope/);
    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "long" }] });
    await fx.fake.waitForResponsesRequests(1);
    const busy = await s.request("review/start", { threadId: thread.id, target: { type: "uncommittedChanges" } });
    expect((busy as { error: { message: string } }).error.message).toMatch(/already has a turn in progress/);
    await s.call("turn/interrupt", { threadId: thread.id, turnId: t.id });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
  });

  it("refuses turn/start and turn/steer into a running review turn with Codex 0.169's errors", async () => {
    git("init", "-q");
    writeFileSync(path.join(fx.workDir, "a.txt"), "a\n");
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    fx.fake.enqueue(turn([sse.message(ANSWER)], { gate }), turn([sse.message("after")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const started = await s.call("review/start", { threadId: thread.id, target: { type: "uncommittedChanges" } });
    await fx.fake.waitForResponsesRequests(1);
    const input = [{ type: "text" as const, text: "also look at b", text_elements: [] }];
    const joined = await s.request("turn/start", { threadId: thread.id, input });
    expect(joined).toMatchObject({ error: { code: -32603, message: "failed to submit turn input: ActiveTurnNotSteerable { turn_kind: Review }" } });
    const steered = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: started.turn.id, input });
    expect(steered).toMatchObject({
      error: {
        code: -32600,
        message: "cannot steer a review turn",
        data: { message: "cannot steer a review turn", codexErrorInfo: { activeTurnNotSteerable: { turnKind: "review" } }, additionalDetails: null, misalignment: null },
      },
    });
    release();
    await s.waitForNotification("turn/completed", (p) => p.turn.id === started.turn.id);
    // Nothing of the refused input reached the model; the thread takes turns again.
    expect(JSON.stringify(fx.fake.responsesRequests())).not.toContain("also look at b");
    await runTurn(s, thread.id, "next");
    expect(fx.fake.responsesRequests()).toHaveLength(2);
  });
});

describe("thread/revert", () => {
  it("drops the turns from the given one on, persisted; the next turn's model input lacks them; files stay", async () => {
    fx.fake.enqueue(
      turn([sse.message("a1")]),
      turn([sse.functionCall("exec_command", { cmd: "echo two > two.txt" }, { callId: "c1" })]),
      turn([sse.message("a2")]),
      turn([sse.message("a3")]),
      turn([sse.message("a4")]),
    );
    const s = await fx.boot({ extraConfig: 'sandbox_mode = "danger-full-access"\n' });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "one");
    const { turnId: second } = await runTurn(s, thread.id, "two");
    await runTurn(s, thread.id, "three");
    expect(readFileSync(path.join(fx.workDir, "two.txt"), "utf8").trim()).toBe("two");

    const missing = await s.request("thread/revert", { threadId: thread.id, beforeTurnId: "no-such-turn" });
    expect(missing).toEqual({ error: { code: -32600, message: "turn not found: no-such-turn" } });
    const reverted = (await s.request("thread/revert", { threadId: thread.id, beforeTurnId: second })) as {
      result: { thread: { id: string; turns: unknown[] } };
    };
    expect(reverted.result.thread).toMatchObject({ id: thread.id, turns: [] });
    await s.waitForNotification("thread/reverted", (p) => p.threadId === thread.id);
    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    // Rollback changes history only: the file the dropped turn wrote is still there.
    expect(readFileSync(path.join(fx.workDir, "two.txt"), "utf8").trim()).toBe("two");

    await runTurn(s, thread.id, "four");
    const input = (fx.fake.responsesRequests().at(-1)!.body as { input: Array<{ type: string; role?: string; content?: Array<{ text?: string }> }> }).input;
    const texts = input.filter((i) => i.type === "message" && i.role !== "developer").map((i) => i.content?.map((c) => c.text).join("") ?? "");
    expect(texts.filter((t) => !t.startsWith("<"))).toEqual(["one", "a1", "four"]);
    // The context the model was told before the dropped turns is not told again.
    expect(texts.filter((t) => t.startsWith("<environment_context>"))).toHaveLength(1);

    // After a restart the rollout still says the same: turns one and four.
    await s.dispose();
    const again = await fx.boot();
    await again.call("thread/resume", { threadId: thread.id });
    const reread = await again.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(reread.thread.turns).toHaveLength(2);
  });

  it("drops goal turns that have no user message, counted as Codex 0.169 counts them", async () => {
    const u = { usage: usage(100, 20) };
    fx.fake.enqueue(
      turn([sse.message("a1", { phase: "final_answer" })], u),
      // The goal's continuation turns: no user message of their own.
      turn([sse.message("looking", { phase: "final_answer" })], u),
      turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "g1" })], u),
      turn([sse.message("done", { phase: "final_answer" })], u),
      turn([sse.message("a3", { phase: "final_answer" })], u),
      turn([sse.message("a4", { phase: "final_answer" })], u),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "one");
    await s.call("thread/goal/set", { threadId: thread.id, objective: "job" });
    await s.waitForNotification("thread/goal/updated", (p) => p.goal.status === "complete");
    await s.waitFor(() => s.notifications("turn/completed").length === 3, 30_000, "both goal turns");
    await runTurn(s, thread.id, "three");
    const before = (await s.call("thread/read", { threadId: thread.id, includeTurns: true })).thread.turns;
    const shape = (turns: typeof before) => turns.map((t) => t.items.map((i) => i.type).join(","));
    expect(shape(before)).toEqual(["userMessage,agentMessage", "agentMessage", "agentMessage", "userMessage,agentMessage"]);

    // Before the first goal turn: both goal turns and "three" go, as with real 0.169.
    await s.call("thread/revert", { threadId: thread.id, beforeTurnId: before[1]!.id });
    const after = (await s.call("thread/read", { threadId: thread.id, includeTurns: true })).thread.turns;
    expect(after.map((t) => t.id)).toEqual([before[0]!.id]);
    await runTurn(s, thread.id, "four");
    const input = (fx.fake.responsesRequests().at(-1)!.body as { input: Array<{ type: string; role?: string; content?: Array<{ text?: string }> }> }).input;
    const texts = input.filter((i) => i.type === "message" && i.role !== "developer").map((i) => i.content?.map((c) => c.text).join("") ?? "");
    expect(texts.filter((t) => !t.startsWith("<"))).toEqual(["one", "a1", "four"]);

    await s.dispose();
    const again = await fx.boot();
    await again.call("thread/resume", { threadId: thread.id });
    const reread = await again.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(shape(reread.thread.turns)).toEqual(["userMessage,agentMessage", "userMessage,agentMessage"]);
  });
});
