import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { makeTempDir, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const shape = (turns: { id: string; status: string; items: { type: string; text?: string }[] }[]) =>
  turns.map((t) => ({ id: t.id, status: t.status, items: t.items.map((i) => [i.type, i.text ?? null]) }));

describe("thread lifecycle", () => {
  it("resume after a server restart returns the same turns", async () => {
    fx.fake.enqueue(turn([sse.message("first answer")]), turn([sse.message("second answer")]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await runTurn(first, thread.id, "one");
    await runTurn(first, thread.id, "two");
    const before = (await first.call("thread/read", { threadId: thread.id, includeTurns: true })).thread.turns;
    expect(before).toHaveLength(2);
    expect(await first.close()).toBe(0);

    fx.fake.enqueue(turn([sse.message("third answer")]));
    const second = await fx.boot();
    const resumed = await second.call("thread/resume", { threadId: thread.id });
    expect(resumed.thread.id).toBe(thread.id);
    expect(shape(resumed.thread.turns)).toEqual(shape(before));
    const read = await second.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(shape(read.thread.turns)).toEqual(shape(before));

    // The resumed session carries the history to the model.
    await runTurn(second, thread.id, "three");
    const body = JSON.stringify(fx.fake.responsesRequests().at(-1)?.body.input);
    expect(body).toContain("first answer");
    expect(body).toContain("second answer");
  });

  it("resumes by rollout path (experimental)", async () => {
    fx.fake.enqueue(turn([sse.message("answer")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hello");
    expect(await s.close()).toBe(0);
    const again = await fx.boot();
    const resumed = await again.call("thread/resume", { threadId: "", path: thread.path });
    expect(resumed.thread.id).toBe(thread.id);
    expect(resumed.thread.turns).toHaveLength(1);
  });

  it("forks a thread into a new id with the copied turns", async () => {
    fx.fake.enqueue(turn([sse.message("a1")]), turn([sse.message("a2")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turnId: firstTurn } = await runTurn(s, thread.id, "q1");
    await runTurn(s, thread.id, "q2");
    const forked = await s.call("thread/fork", { threadId: thread.id });
    expect(forked.thread.id).not.toBe(thread.id);
    expect(forked.thread.forkedFromId).toBe(thread.id);
    expect(forked.thread.turns).toHaveLength(2);
    await s.waitForNotification("thread/started", (p) => p.thread.id === forked.thread.id);

    const partial = await s.call("thread/fork", { threadId: thread.id, lastTurnId: firstTurn });
    expect(partial.thread.turns).toHaveLength(1);

    const scratch = await s.call("thread/fork", { threadId: thread.id, ephemeral: true });
    expect(scratch.thread.ephemeral).toBe(true);
    expect(scratch.thread.path).toBeNull();
    expect(scratch.thread.forkedFromId).toBe(thread.id);
    expect(scratch.thread.turns).toHaveLength(2);
    const listed = (await s.call("thread/list", {})).data.map((t: { id: string }) => t.id);
    expect(listed).not.toContain(scratch.thread.id);
    expect(listed).toContain(partial.thread.id);
    fx.fake.enqueue(turn([sse.message("a3")]));
    await runTurn(s, scratch.thread.id, "q3");
    expect(JSON.stringify(fx.fake.responsesRequests().at(-1)?.body.input)).toContain("a2");
    const loaded = await s.call("thread/loaded/list", {});
    expect(loaded.data).toEqual(expect.arrayContaining([thread.id, forked.thread.id, partial.thread.id]));
  });

  it("lists, names (loaded and unloaded), archives and unarchives", async () => {
    fx.fake.enqueue(turn([sse.message("hi")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hello list");
    const other = (await s.call("thread/start", { cwd: fx.workDir, ephemeral: true })).thread;
    expect(other.ephemeral).toBe(true);
    expect(other.path).toBeNull();

    await s.call("thread/name/set", { threadId: thread.id, name: "My thread" });
    const named = await s.waitForNotification("thread/name/updated", (p) => p.threadId === thread.id);
    expect(named.params.threadName).toBe("My thread");

    const list = await s.call("thread/list", {});
    const entry = list.data.find((t: { id: string }) => t.id === thread.id);
    expect(entry?.name).toBe("My thread");
    expect(entry?.preview).toContain("hello list");
    expect(list.data.some((t: { id: string }) => t.id === other.id)).toBe(false);

    await s.call("thread/archive", { threadId: thread.id });
    await s.waitForNotification("thread/archived", (p) => p.threadId === thread.id);
    expect((await s.call("thread/list", {})).data.some((t: { id: string }) => t.id === thread.id)).toBe(false);
    const archived = await s.call("thread/list", { archived: true });
    expect(archived.data.map((t: { id: string }) => t.id)).toContain(thread.id);
    expect((await s.call("thread/loaded/list", {})).data).not.toContain(thread.id);

    // Renaming an unloaded thread works too.
    await s.call("thread/name/set", { threadId: thread.id, name: "Renamed while archived" });
    await s.waitForNotification("thread/name/updated", (p) => p.threadName === "Renamed while archived");

    const restored = await s.call("thread/unarchive", { threadId: thread.id });
    expect(restored.thread.id).toBe(thread.id);
    expect(restored.thread.name).toBe("Renamed while archived");
    await s.waitForNotification("thread/unarchived", (p) => p.threadId === thread.id);
    expect((await s.call("thread/list", {})).data.map((t: { id: string }) => t.id)).toContain(thread.id);
  });

  it("lists interactive sources by default, others on request", async () => {
    const id = "01a1fe00-0000-7000-8000-0000000000e1";
    const dir = path.join(fx.home, "sessions", "2026", "01", "02");
    mkdirSync(dir, { recursive: true });
    const meta = { id, timestamp: "2026-01-02T03:04:05.000Z", cwd: fx.workDir, originator: "codex_exec", cli_version: "0.169.0", source: "exec", model_provider: "openai" };
    writeFileSync(
      path.join(dir, `rollout-2026-01-02T03-04-05-${id}.jsonl`),
      `${JSON.stringify({ timestamp: meta.timestamp, type: "session_meta", payload: meta })}\n`,
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const ids = (await s.call("thread/list", {})).data.map((t: { id: string }) => t.id);
    expect(ids).toContain(thread.id);
    expect(ids).not.toContain(id);
    const exec = (await s.call("thread/list", { sourceKinds: ["exec"] })).data.map((t: { id: string }) => t.id);
    expect(exec).toEqual([id]);
  });

  it("keeps per-turn overrides for later turns", async () => {
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]), turn([sse.message("three")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "default model");
    await runTurn(s, thread.id, "switch", { model: "gpt-override", effort: "high" });
    const settings = await s.waitForNotification("thread/settings/updated", (p) => p.threadId === thread.id);
    expect(settings.params.threadSettings.model).toBe("gpt-override");
    await runTurn(s, thread.id, "still switched");
    const models = fx.fake.responsesRequests().map((r) => r.body.model);
    expect(models).toEqual(["gpt-test", "gpt-override", "gpt-override"]);
  });

  it("applies thread/start settings: config overrides and instructions", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const s = await fx.boot();
    const started = await s.call("thread/start", {
      cwd: fx.workDir,
      config: { model_reasoning_effort: "high" },
      baseInstructions: "BASE INSTRUCTIONS FOR TEST",
      developerInstructions: "DEVELOPER NOTE FOR TEST",
      approvalPolicy: "on-request",
      sandbox: "danger-full-access",
    });
    expect(started.reasoningEffort).toBe("high");
    expect(started.approvalPolicy).toBe("on-request");
    expect(started.sandbox).toEqual({ type: "dangerFullAccess" });
    await runTurn(s, started.thread.id, "go");
    const body = fx.fake.responsesRequests()[0]?.body;
    // As Codex 0.169: no `instructions` field; the base instructions open the input, the developer
    // instructions are the first part of the context developer message after it.
    expect(body).not.toHaveProperty("instructions");
    expect(body.input[0]).toEqual({ type: "message", role: "developer", content: [{ type: "input_text", text: "BASE INSTRUCTIONS FOR TEST" }] });
    expect(body.input[1].role).toBe("developer");
    expect(body.input[1].content[0].text).toBe("DEVELOPER NOTE FOR TEST");
    expect(body.reasoning?.effort).toBe("high");
  });

  it("passes runtimeWorkspaceRoots to the model's environment context", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const extraRoot = makeTempDir("codex-root-");
    try {
      const s = await fx.boot();
      const { thread } = await s.call("thread/start", { cwd: fx.workDir, runtimeWorkspaceRoots: [extraRoot] });
      await runTurn(s, thread.id, "go");
      expect(JSON.stringify(fx.fake.responsesRequests()[0]?.body.input)).toContain(extraRoot);
    } finally {
      rmSync(extraRoot, { recursive: true, force: true });
    }
  });

  it("thread/read reports the runtime workspace roots (experimental environments), loaded or not, and survives a restart", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const extraRoot = makeTempDir("codex-root-");
    try {
      const s = await fx.boot();
      const { thread } = await s.call("thread/start", { cwd: fx.workDir, runtimeWorkspaceRoots: [extraRoot] });
      await runTurn(s, thread.id, "go");
      const expected = [{ environmentId: "local", cwd: fx.workDir, runtimeWorkspaceRoots: [extraRoot] }];
      const loaded = await s.call("thread/read", { threadId: thread.id });
      expect((loaded.thread as Record<string, unknown>).environments).toEqual(expected);
      await s.close();

      const again = await fx.boot();
      const unloaded = await again.call("thread/read", { threadId: thread.id });
      expect((unloaded.thread as Record<string, unknown>).environments).toEqual(expected);
      const withTurns = await again.call("thread/read", { threadId: thread.id, includeTurns: true });
      expect((withTurns.thread as Record<string, unknown>).environments).toEqual(expected);
      await again.close();

      const plain = await fx.boot({ capabilities: {} });
      const stable = await plain.call("thread/read", { threadId: thread.id });
      expect(stable.thread).not.toHaveProperty("environments");
    } finally {
      rmSync(extraRoot, { recursive: true, force: true });
    }
  });

  it("passes a turn's outputSchema to the model request", async () => {
    fx.fake.enqueue(turn([sse.message('{"ok":true}')]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };
    await runTurn(s, thread.id, "json please", { outputSchema: schema });
    expect(fx.fake.responsesRequests()[0]?.body.text.format).toMatchObject({ type: "json_schema", schema });
  });

  it("accepts text, image and localImage inputs", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    writeFileSync(path.join(fx.workDir, "pic.png"), png);
    fx.fake.enqueue(turn([sse.message("nice pictures")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await s.call("turn/start", {
      threadId: thread.id,
      input: [
        { type: "text", text: "look at these" },
        { type: "image", url: "https://example.com/a.png" },
        { type: "localImage", path: path.join(fx.workDir, "pic.png") },
      ],
    });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const body = JSON.stringify(fx.fake.responsesRequests()[0]?.body.input);
    expect(body).toContain("https://example.com/a.png");
    expect(body).toContain("data:image/png;base64");
    expect(body).toContain("look at these");
    const user = s.notifications("item/completed").find((m) => m.params.item.type === "userMessage");
    expect(user?.params.item.content.map((c: { type: string }) => c.type)).toEqual(["text", "image", "localImage"]);
  });

  it("keeps per-turn overrides across a server restart", async () => {
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await runTurn(first, thread.id, "switch", { model: "gpt-override" });
    expect(await first.close()).toBe(0);
    const second = await fx.boot();
    const resumed = await second.call("thread/resume", { threadId: thread.id });
    expect(resumed.model).toBe("gpt-override");
    await runTurn(second, thread.id, "after restart");
    expect(fx.fake.responsesRequests().map((r) => r.body.model)).toEqual(["gpt-override", "gpt-override"]);
  });

  it("unsubscribe stops notifications for that thread", async () => {
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    expect((await s.call("thread/unsubscribe", { threadId: thread.id })).status).toBe("unsubscribed");
    expect((await s.call("thread/unsubscribe", { threadId: thread.id })).status).toBe("notSubscribed");
    expect((await s.call("thread/unsubscribe", { threadId: "01900000-0000-7000-8000-000000000000" })).status).toBe("notLoaded");
  });
});

describe("wrong ids and wrong states", () => {
  it("answers clear errors", async () => {
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd: "sleep 30", yield_time_ms: 60_000 })]));
    const s = await fx.boot();
    const missing = "01900000-0000-7000-8000-000000000000";
    const unknownTurn = await s.request("turn/start", { threadId: missing, input: [{ type: "text", text: "x" }] });
    expect(unknownTurn.error).toEqual({ code: -32600, message: `thread not found: ${missing}` });
    const readMissing = await s.request("thread/read", { threadId: missing });
    expect(readMissing.error?.code).toBe(-32600);

    const badCwd = await s.request("thread/start", { cwd: path.join(fx.workDir, "missing") });
    expect(badCwd.error?.message).toContain("cwd is not an existing directory");
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const steer = await s.request("turn/steer", { threadId: thread.id, expectedTurnId: "t", input: [{ type: "text", text: "x" }] });
    expect(steer.error).toEqual({ code: -32600, message: "no active turn to steer" });
    const badParams = await s.request("turn/start", { threadId: thread.id, input: [{ type: "text", text: 5 }] });
    expect(badParams.error?.code).toBe(-32602);
    expect(badParams.error?.message).toContain("input.0.text");

    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "sleep" }] });
    // A second turn/start steers the running turn (as Codex 0.169; steer.test.ts).
    const joined = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "again" }] });
    expect(joined.turn.id).toBe(t.id);
    const wrongTurn = await s.request("turn/interrupt", { threadId: thread.id, turnId: "nope" });
    expect(wrongTurn.error?.message).toContain("expected active turn id");
    const steered = await s.call("turn/steer", { threadId: thread.id, expectedTurnId: t.id, input: [{ type: "text", text: "more" }] });
    expect(steered.turnId).toBe(t.id);
    await s.call("turn/interrupt", { threadId: thread.id, turnId: t.id });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
  });
});
