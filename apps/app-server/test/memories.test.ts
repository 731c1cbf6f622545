/**
 * The memories write trigger through the built server: with `features.memories = true`, starting a
 * thread extracts memories from the user's earlier (idle) threads in the background — one strict
 * JSON-schema request per rollout — and writes CODEX_HOME/memories/ (rollout_summaries/,
 * raw_memories.md, memory_summary.md; secrets redacted). Off by default; recent threads wait.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
const SECRET = "sk-abcdefghijklmnopqrstuvwx0123";

const memoriesDir = () => path.join(fx.home, "memories");
const lastRun = () => path.join(memoriesDir(), "last_run.json");

/** Starts a thread and waits for the memories run it triggers to finish. */
async function startAndWaitForMemories(
  s: AppServerProcess,
): Promise<{ threadId: string; run: Record<string, unknown> }> {
  rmSync(lastRun(), { force: true });
  const { thread } = await s.call("thread/start", { cwd: fx.workDir });
  await expect.poll(() => existsSync(lastRun()), { timeout: 20_000 }).toBe(true);
  return { threadId: thread.id, run: JSON.parse(readFileSync(lastRun(), "utf8")) as Record<string, unknown> };
}

describe("memories", () => {
  it("a new thread extracts memories from an earlier idle thread once, and writes the memory files", async () => {
    const config = "\n[features]\nmemories = true\n\n[memories]\nmin_rollout_idle_hours = 0\n";
    fx.fake.enqueue(turn([sse.message("noted")]));
    const s = await fx.boot({ extraConfig: config });
    const first = await startAndWaitForMemories(s);
    expect(first.run).toMatchObject({ candidates: 0, extracted: 0 });
    await runTurn(s, first.threadId, `Remember: I prefer tabs over spaces. My key is ${SECRET}.`);

    const answer = {
      rollout_summary: "Set the user's indentation preference",
      rollout_slug: "Tabs Preference",
      raw_memory: `- prefers tabs over spaces\n- key ${SECRET}`,
    };
    fx.fake.enqueue(turn([sse.message(JSON.stringify(answer))]));
    const second = await startAndWaitForMemories(s);
    expect(second.run).toMatchObject({ candidates: 1, extracted: 1, failed: 0 });
    const request = fx.fake.responsesRequests()[1]!.body as Record<string, unknown>;
    expect(request.text).toMatchObject({
      format: { type: "json_schema", strict: true, name: "memory_extraction" },
    });
    const sent = JSON.stringify(request.input);
    expect(sent).toContain("I prefer tabs over spaces");
    expect(sent).not.toContain(SECRET);
    expect(sent).not.toContain("<permissions instructions>");

    const raw = readFileSync(path.join(memoriesDir(), "raw_memories.md"), "utf8");
    expect(raw).toContain("prefers tabs over spaces");
    expect(raw).toContain(first.threadId);
    expect(raw).not.toContain(SECRET);
    expect(
      readFileSync(path.join(memoriesDir(), "rollout_summaries", "tabs-preference.md"), "utf8"),
    ).toContain("Set the user's indentation preference");
    expect(readFileSync(path.join(memoriesDir(), "memory_summary.md"), "utf8")).toContain(
      "rollout_summaries/tabs-preference.md",
    );

    // Nothing changed since: the next start sends no new extraction request.
    const third = await startAndWaitForMemories(s);
    expect(third.run).toMatchObject({ extracted: 0, failed: 0 });
    expect(fx.fake.responsesRequests()).toHaveLength(2);
    expect(fx.fake.unscripted).toEqual([]);
  });

  it("is off by default, and waits for threads to be idle long enough", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const off = await fx.boot();
    const { thread } = await off.call("thread/start", { cwd: fx.workDir });
    await runTurn(off, thread.id, "I prefer tabs");
    await off.call("thread/start", { cwd: fx.workDir });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(existsSync(memoriesDir())).toBe(false);
    await off.dispose();

    const on = await fx.boot({ extraConfig: "\n[features]\nmemories = true\n" });
    const { run } = await startAndWaitForMemories(on);
    expect(run).toMatchObject({ candidates: 0, extracted: 0 });
    expect(fx.fake.responsesRequests()).toHaveLength(1);
  });
});
