/**
 * thread/readState/changed and account/rateLimits/updated where real Codex 0.169 sends them
 * (checked side by side with the fake model): a durable thread's read state is published when a
 * turn completes (experimental clients only, before the idle status), `thread/readState/update`
 * marks it read/unread guarded by its revision; a sparse rate-limit update follows every response.
 */
import { v2 } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
const official = v2.createOfficialSchemaValidator(v2.officialSchemaDir());

/**
 * `thread/readState/update` is experimental: the stable schema has no response definition for it,
 * so its results are checked here against the official `ThreadReadState` and taken off the list of
 * unchecked messages.
 */
function acceptReadStateResults(s: { schemaProblems: string[] }, results: { readState: unknown }[]): void {
  for (const result of results) expect(official.validateDefinition("ThreadReadState", result.readState).valid).toBe(true);
  const unchecked = (problem: string) => problem.startsWith("unchecked: no known response definition for thread/readState/update");
  expect(s.schemaProblems.filter(unchecked)).toHaveLength(results.length);
  s.schemaProblems.splice(0, s.schemaProblems.length, ...s.schemaProblems.filter((problem) => !unchecked(problem)));
}

describe("thread/readState", () => {
  it("publishes the first unread turn on completion and marks read / unread by revision", async () => {
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]), turn([sse.message("three")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const first = await runTurn(s, thread.id, "first");
    const changed = s.notifications("thread/readState/changed");
    expect(changed).toHaveLength(1);
    expect(changed[0]?.params).toMatchObject({ threadId: thread.id, readState: { firstUnread: { type: "turn", turnId: first.turnId } } });
    // Codex's order: read state, then idle, then turn/completed.
    const methods = s.messages.map((m) => m.method).filter((m) => m === "thread/readState/changed" || m === "turn/completed" || m === "thread/status/changed");
    expect(methods.slice(-3)).toEqual(["thread/readState/changed", "thread/status/changed", "turn/completed"]);

    // Unread turns stay unread: the earliest one is still the first unread; the revision moves.
    await runTurn(s, thread.id, "second");
    const second = s.notifications("thread/readState/changed")[1]?.params.readState;
    expect(second.firstUnread).toEqual({ type: "turn", turnId: first.turnId });
    expect(second.revision).not.toBe(changed[0]?.params.readState.revision);

    const stale = await s.request("thread/readState/update", { threadId: thread.id, operation: { type: "read" }, expectedRevision: "stale" });
    expect(stale.error).toEqual({ code: -32600, message: "read state changed", data: { reason: "readStateConflict", readState: second } });
    const read = await s.call("thread/readState/update" as never, { threadId: thread.id, operation: { type: "read" }, expectedRevision: second.revision } as never);
    expect((read as { readState: { firstUnread: unknown } }).readState.firstUnread).toBeNull();
    expect(s.notifications("thread/readState/changed").at(-1)?.params.readState).toEqual((read as { readState: unknown }).readState);
    const revision = (read as { readState: { revision: string } }).readState.revision;
    const unread = await s.call("thread/readState/update" as never, { threadId: thread.id, operation: { type: "unread" }, expectedRevision: revision } as never);
    expect((unread as { readState: { firstUnread: unknown } }).readState.firstUnread).toEqual({ type: "threadStart" });
    acceptReadStateResults(s, [read, unread] as { readState: unknown }[]);

    // Kept across a restart: the next completion keeps the explicit unread mark.
    await s.close();
    const again = await fx.boot();
    await again.call("thread/resume", { threadId: thread.id });
    await runTurn(again, thread.id, "third");
    expect(again.notifications("thread/readState/changed").at(-1)?.params.readState.firstUnread).toEqual({ type: "threadStart" });
  });

  it("is experimental: a stable client hears no read state and cannot update it", async () => {
    fx.fake.enqueue(turn([sse.message("one")]));
    const s = await fx.boot({ capabilities: {} });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "first");
    expect(s.notifications("thread/readState/changed")).toEqual([]);
    const refused = await s.request("thread/readState/update", { threadId: thread.id, operation: { type: "read" }, expectedRevision: "x" });
    expect(refused.error).toEqual({ code: -32600, message: "thread/readState/update requires experimentalApi capability" });
  });
});

describe("account/rateLimits/updated", () => {
  it("follows every model response, sparse when the response carried no rate-limit headers", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "true" }, { callId: "c1" })]),
      turn([sse.message("done")], { headers: { "x-codex-primary-used-percent": "42", "x-codex-primary-window-minutes": "300" } }),
    );
    const s = await fx.boot({ capabilities: {} });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "go");
    const updates = s.notifications("account/rateLimits/updated").map((m) => m.params.rateLimits);
    expect(updates).toHaveLength(2);
    expect(updates[0]).toEqual({
      limitId: "codex",
      limitName: null,
      normalModelSlug: null,
      primary: null,
      secondary: null,
      credits: null,
      individualLimit: null,
      spendControlReached: null,
      planType: null,
      rateLimitReachedType: null,
    });
    expect(updates[1]).toMatchObject({ limitId: "codex", primary: { usedPercent: 42, windowDurationMins: 300 } });
    expect(s.notifications("thread/tokenUsage/updated")).toHaveLength(2);
  });
});
