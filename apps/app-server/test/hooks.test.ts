/**
 * Hooks through the built server: real shell-script hooks from CODEX_HOME/hooks.json, trust via
 * config/batchWrite applied to a live thread, hook notifications, and Turn.hookRuns persisted
 * across a restart (experimental field; stable clients never see it).
 */
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/** `Turn.hookRuns` is experimental, so v2's Turn type does not carry it. */
const hookRuns = (t: v2.Turn) => (t as v2.Turn & { hookRuns?: v2.HookRunSummary[] }).hookRuns;

/** A UserPromptSubmit hook (in CODEX_HOME/hooks.json) that adds context to the prompt. */
function writePromptHook(): void {
  const script = path.join(fx.home, "prompt-hook.sh");
  writeFileSync(
    script,
    `#!/bin/sh\ncat > /dev/null\nprintf '%s' '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"HOOK-CONTEXT-4242"}}'\n`,
  );
  chmodSync(script, 0o755);
  writeFileSync(
    path.join(fx.home, "hooks.json"),
    JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: script, timeout: 30 }] }] } }),
  );
}

const bodyText = (index: number) => JSON.stringify(fx.fake.responsesRequests()[index]?.body ?? null);

describe("hooks", () => {
  it("lists an untrusted hook, trusts it live via config/batchWrite, runs it and keeps its runs on the turn", async () => {
    writePromptHook();
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]), turn([sse.message("three")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });

    const listed = await s.call("hooks/list", { cwds: [fx.workDir] });
    expect(listed.data).toHaveLength(1);
    const hook = listed.data[0]!.hooks.find((h) => h.eventName === "userPromptSubmit");
    expect(hook).toBeDefined();
    expect(hook!.trustStatus).not.toBe("trusted");

    // Untrusted: the hook does not run.
    const first = await runTurn(s, thread.id, "first prompt");
    expect(bodyText(0)).not.toContain("HOOK-CONTEXT-4242");
    expect(s.notifications("hook/started")).toHaveLength(0);
    expect(hookRuns(first.completed.params.turn)).toEqual([]);

    // Trust it through config/batchWrite: the live thread picks it up without a restart.
    await s.call("config/batchWrite", {
      edits: [{ keyPath: `hooks.state."${hook!.key}"`, value: { trusted_hash: hook!.currentHash }, mergeStrategy: "upsert" }],
    });
    const relisted = await s.call("hooks/list", { threadId: thread.id });
    expect(relisted.data[0]!.hooks.find((h) => h.key === hook!.key)!.trustStatus).toBe("trusted");

    const second = await runTurn(s, thread.id, "second prompt");
    expect(bodyText(1)).toContain("HOOK-CONTEXT-4242");
    const started = s.notifications("hook/started");
    const completed = s.notifications("hook/completed");
    expect(started).toHaveLength(1);
    expect(completed).toHaveLength(1);
    expect(started[0]?.params).toMatchObject({ threadId: thread.id, turnId: second.turnId });
    expect(completed[0]?.params.run.status).toBe("completed");
    const runs = hookRuns(second.completed.params.turn);
    expect(runs).toHaveLength(1);
    expect(runs![0]!.id).toBe(completed[0]?.params.run.id);

    // Disable it the same way: the next turn runs without it.
    await s.call("config/value/write", { keyPath: `hooks.state."${hook!.key}".enabled`, value: false, mergeStrategy: "replace" });
    const third = await runTurn(s, thread.id, "third prompt");
    expect(JSON.stringify(fx.fake.responsesRequests()[2]?.body).split("HOOK-CONTEXT-4242")).toHaveLength(2); // only turn 2's, from history
    expect(s.notifications("hook/completed")).toHaveLength(1);
    expect(hookRuns(third.completed.params.turn)).toEqual([]);

    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns.map((t) => hookRuns(t)!.length)).toEqual([0, 1, 0]);

    // After a restart the runs come back on thread/resume and thread/read.
    await s.dispose();
    const again = await fx.boot();
    const resumed = await again.call("thread/resume", { threadId: thread.id });
    expect(resumed.thread.turns.map((t) => hookRuns(t)!.length)).toEqual([0, 1, 0]);
    expect(hookRuns(resumed.thread.turns[1]!)![0]!.id).toBe(runs![0]!.id);
    await again.dispose();

    // A stable client never sees the experimental field.
    const stable = await fx.boot({ capabilities: {} });
    const stableRead = await stable.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(stableRead.thread.turns).toHaveLength(3);
    for (const t of stableRead.thread.turns) expect(t).not.toHaveProperty("hookRuns");
  });
});
