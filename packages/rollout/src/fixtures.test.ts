import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { parseRolloutFileName, readRollout, readSessionMeta, reconstructHistory, reconstructThread } from "./index.js";

const FIXTURES = fileURLToPath(new URL("../test/fixtures/codex-0.169", import.meta.url));

function rolloutsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return rolloutsUnder(full);
    return name.endsWith(".jsonl") ? [full] : [];
  });
}

const fixture = (home: string) => {
  const [file] = rolloutsUnder(path.join(FIXTURES, home));
  if (file === undefined) throw new Error(`no fixture in ${home}`);
  return file;
};

describe("real Codex 0.169 rollouts", () => {
  it("every fixture reads with no invalid lines and a matching session_meta", async () => {
    const files = rolloutsUnder(FIXTURES);
    expect(files.length).toBe(6);
    for (const file of files) {
      const read = await readRollout(file);
      if (!read.ok) throw new Error(read.error.message);
      expect(read.value.skipped).toEqual([]);
      expect(read.value.truncatedTail).toBe(false);
      const meta = await readSessionMeta(file);
      if (!meta.ok) throw new Error(meta.error.message);
      expect(meta.value.id).toBe(read.value.meta?.id);
      expect(meta.value.cli_version).toBe(/home-(ours|ext)/.test(file) ? "0.0.0" : "0.169.0");
      expect(meta.value.model_provider).toBe("x");
      expect(meta.value.base_instructions?.text.length).toBeGreaterThan(0);
      expect(parseRolloutFileName(file)?.threadId).toBe(meta.value.id);
    }
  });

  it("reconstructs a plain answer into one completed turn", async () => {
    const read = await readRollout(fixture("home1"));
    if (!read.ok) throw new Error(read.error.message);
    const { turns, warnings } = reconstructThread(read.value.lines);
    expect(warnings).toEqual([]);
    expect(turns).toHaveLength(1);
    const [turn] = turns;
    expect(turn?.status).toBe("completed");
    expect(turn?.durationMs).toBeGreaterThan(0);
    expect(turn?.items.map((item) => item.type)).toEqual(["userMessage", "agentMessage"]);
    expect(turn?.items[0]).toMatchObject({ content: [{ type: "text", text: "Say hello" }] });
    expect(turn?.items[1]).toMatchObject({ text: "Hello! This is a plain answer.", phase: "final_answer" });
    expect(turn?.items[1]?.completedAtMs).toBeGreaterThan(0);
  });

  it("reconstructs a tool-call turn and a resumed second turn", async () => {
    const read = await readRollout(fixture("home3"));
    if (!read.ok) throw new Error(read.error.message);
    const { turns } = reconstructThread(read.value.lines);
    expect(turns.map((turn) => turn.status)).toEqual(["completed", "completed"]);
    const first = turns[0];
    expect(first?.items.map((item) => item.type)).toEqual(["userMessage", "reasoning", "commandExecution", "agentMessage"]);
    expect(first?.items[2]).toMatchObject({
      type: "commandExecution",
      command: "/bin/bash -lc 'echo hello-from-tool'",
      cwd: "/tmp/rollout-fx/work",
      status: "completed",
      exitCode: 0,
      aggregatedOutput: "hello-from-tool\n",
      source: "unifiedExecStartup",
    });
    expect(turns[1]?.items[0]).toMatchObject({ content: [{ type: "text", text: "Second turn, say hello again" }] });

    const history = reconstructHistory(read.value.lines);
    expect(history.map((item) => item.type)).toContain("function_call_output");
    const last = history.at(-1);
    expect(last).toMatchObject({ type: "message", role: "assistant", phase: "final_answer" });
  });

  it("reconstructs a failed command", async () => {
    const read = await readRollout(fixture("home2"));
    if (!read.ok) throw new Error(read.error.message);
    const command = reconstructThread(read.value.lines).turns[0]?.items.find((item) => item.type === "commandExecution");
    expect(command).toMatchObject({ status: "failed", exitCode: 1 });
  });

  it("reads a rollout codex-ts wrote that real Codex then resumed and appended to", async () => {
    const read = await readRollout(fixture("home-ours"));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.meta?.originator).toBe("codex-ts");
    const { turns } = reconstructThread(read.value.lines);
    expect(turns.map((turn) => turn.status)).toEqual(["completed", "completed"]);
    expect(turns[0]?.items.map((item) => item.type)).toEqual(["userMessage", "agentMessage"]);
    expect(turns[1]?.items[0]).toMatchObject({ content: [{ type: "text", text: "What was my secret word?" }] });
  });

  it.each(["home1", "home2", "home3", "home-ours"])(
    "reconstructs %s into exactly the turns real Codex 0.169 thread/read returns",
    async (home) => {
      const read = await readRollout(fixture(home));
      if (!read.ok) throw new Error(read.error.message);
      const expected = JSON.parse(readFileSync(path.join(FIXTURES, `${home}-thread-read.json`), "utf8")) as {
        threadId: string;
        turns: unknown[];
      };
      expect(read.value.meta?.id).toBe(expected.threadId);
      const { turns, warnings } = reconstructThread(read.value.lines);
      expect(warnings).toEqual([]);
      expect(JSON.parse(JSON.stringify(turns))).toEqual(expected.turns);
      // Items are built without a zod pass: each must already be its own v2 parse (all fields, same order).
      for (const item of turns.flatMap((turn) => turn.items)) {
        expect(JSON.stringify(item)).toBe(JSON.stringify(v2.ThreadItem.parse(item)));
      }
    },
  );

  it("matches Codex on legacy extended events, and adds what Codex 0.169 drops", async () => {
    // Written by RolloutWriter in extended mode (legacy events + item_completed), then read by
    // real Codex 0.169 `thread/read`. Codex ignores exec_command_end, view_image_tool_call,
    // non-Plan item_completed and error events in such rollouts; codex-ts keeps them. Everything
    // else must be identical.
    for (const home of ["home-ext", "home-ext2"]) {
      const read = await readRollout(fixture(home));
      if (!read.ok) throw new Error(read.error.message);
      const expected = JSON.parse(readFileSync(path.join(FIXTURES, `${home}-thread-read.json`), "utf8")) as {
        turns: { items: unknown[] }[];
      };
      const { turns } = reconstructThread(read.value.lines);
      const extras = turns.flatMap((turn) =>
        turn.items.filter((item) => item.type === "commandExecution" || item.type === "imageView"),
      );
      expect(extras.length).toBeGreaterThan(0);
      const codexView = turns.map((turn) => ({
        ...turn,
        status: turn.error !== null && turn.status === "failed" ? "completed" : turn.status,
        error: null,
        items: turn.items.filter((item) => item.type !== "commandExecution" && item.type !== "imageView"),
      }));
      // The v2 McpToolCall schema always writes `mcpAppResourceUri: null`; Codex omits it when null.
      const normalized = JSON.parse(JSON.stringify(codexView, (key, value) => (key === "mcpAppResourceUri" && value === null ? undefined : value)));
      expect(normalized).toEqual(expected.turns);
    }
  });

  it("keeps extended-mode items real Codex 0.169 would drop", async () => {
    const read = await readRollout(fixture("home-ext2"));
    if (!read.ok) throw new Error(read.error.message);
    const [first] = reconstructThread(read.value.lines).turns;
    expect(first?.status).toBe("failed");
    expect(first?.error?.message).toBe("context window exceeded");
    expect(first?.items.map((item) => item.type)).toEqual(["userMessage", "commandExecution", "plan", "imageView", "agentMessage"]);
    expect(first?.items[1]).toMatchObject({ id: "call_item", command: "bash -lc pwd", startedAtMs: 1795268000100 });
  });
});
