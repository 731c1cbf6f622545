import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  EXTENDED_OUTPUT_CAP_BYTES,
  forkRollout,
  type PersistenceMode,
  parseRolloutFileName,
  readRollout,
  readSessionMeta,
  reconstructHistory,
  reconstructThread,
  RolloutWriter,
  rolloutPath,
} from "./index.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "rollout-test-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const THREAD = "01a1fe48-0000-7000-8000-000000000001";
const createdAt = new Date(2026, 0, 2, 3, 4, 5);

function ev(payload: Record<string, unknown>): RolloutItem {
  return { type: "event_msg", payload } as RolloutItem;
}
function ri(payload: Record<string, unknown>): RolloutItem {
  return { type: "response_item", payload } as RolloutItem;
}

/** One full turn with a command, as core records it (events + model-visible items). */
function turnItems(turnId: string, text: string, bigOutput = "hello\n"): RolloutItem[] {
  const at = 1_800_000_000_000;
  return [
    ev({ type: "task_started", turn_id: turnId, started_at: 1_800_000_000, model_context_window: 1000 }),
    {
      type: "turn_context",
      payload: { turn_id: turnId, cwd: "/w", approval_policy: "never", model: "m", sandbox_policy: { type: "read-only" } },
    } as RolloutItem,
    ri({ type: "message", role: "user", content: [{ type: "input_text", text }] }),
    ev({
      type: "item_completed",
      thread_id: THREAD,
      turn_id: turnId,
      item: { type: "UserMessage", id: `${turnId}-u`, content: [{ type: "text", text }] },
      started_at_ms: at,
      completed_at_ms: at,
    }),
    ev({ type: "user_message", message: text }),
    ri({ type: "function_call", name: "exec_command", arguments: '{"cmd":"echo hello"}', call_id: `${turnId}-c` }),
    ev({
      type: "item_completed",
      thread_id: THREAD,
      turn_id: turnId,
      item: {
        type: "CommandExecution",
        id: `${turnId}-c`,
        command: ["bash", "-lc", "echo hello"],
        cwd: "/w",
        parsed_cmd: [{ type: "unknown", cmd: "echo hello" }],
        source: "agent",
        status: "completed",
        aggregated_output: bigOutput,
        exit_code: 0,
        duration: { secs: 0, nanos: 5_000_000 },
      },
      started_at_ms: at + 1,
      completed_at_ms: at + 6,
    }),
    ri({ type: "function_call_output", call_id: `${turnId}-c`, output: "hello" }),
    ri({ type: "message", role: "assistant", content: [{ type: "output_text", text: `done ${text}` }], phase: "final_answer" }),
    ev({
      type: "item_completed",
      thread_id: THREAD,
      turn_id: turnId,
      item: { type: "AgentMessage", id: `${turnId}-a`, content: [{ type: "Text", text: `done ${text}` }], phase: "final_answer" },
      started_at_ms: at + 7,
      completed_at_ms: at + 8,
    }),
    ev({ type: "agent_message", message: `done ${text}`, phase: "final_answer" }),
    ev({ type: "token_count", info: null, rate_limits: null }),
    ev({ type: "exec_command_begin", call_id: "ignored", turn_id: turnId, command: ["x"], cwd: "/w" }),
    ev({ type: "task_complete", turn_id: turnId, last_agent_message: `done ${text}`, duration_ms: 9 }),
  ];
}

async function create(mode: PersistenceMode = "limited") {
  const created = await RolloutWriter.create({
    codexHome: home,
    threadId: THREAD,
    createdAt,
    mode,
    meta: {
      cwd: "/w",
      originator: "codex-ts",
      cli_version: "0.0.0",
      source: "exec",
      thread_source: "user",
      model_provider: "openai",
      base_instructions: { text: "You are a test." },
    },
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

async function readBack(file: string) {
  const read = await readRollout(file);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

describe("RolloutWriter", () => {
  it("creates the file at the Codex path with session_meta first", async () => {
    const writer = await create();
    expect(writer.path).toBe(rolloutPath(home, THREAD, createdAt));
    expect(path.relative(home, writer.path)).toBe(
      path.join("sessions", "2026", "01", "02", `rollout-2026-01-02T03-04-05-${THREAD}.jsonl`),
    );
    expect(parseRolloutFileName(writer.path)).toEqual({ threadId: THREAD, createdAt });
    await writer.close();
    const meta = await readSessionMeta(writer.path);
    expect(meta).toMatchObject({
      ok: true,
      value: { id: THREAD, session_id: THREAD, cwd: "/w", thread_source: "user", model_provider: "openai" },
    });
    const first = JSON.parse(readFileSync(writer.path, "utf8").split("\n")[0] ?? "");
    expect(Object.keys(first)).toEqual(["timestamp", "ordinal", "type", "payload"]);
  });

  it("refuses to overwrite an existing rollout", async () => {
    const writer = await create();
    await writer.close();
    const again = await RolloutWriter.create({ codexHome: home, threadId: THREAD, createdAt, meta: { cwd: "/w" } });
    expect(again).toMatchObject({ ok: false, error: { code: "exists" } });
  });

  it("buffers until the turn ends, then writes in order with ordinals", async () => {
    const writer = await create();
    const items = turnItems("t1", "hi");
    writer.record(items.slice(0, 5));
    expect(readFileSync(writer.path, "utf8").trim().split("\n")).toHaveLength(1);
    writer.record(items.slice(5));
    expect((await writer.flush()).ok).toBe(true);
    const lines = readFileSync(writer.path, "utf8").trim().split("\n").map((text) => JSON.parse(text));
    expect(lines.map((line) => line.ordinal)).toEqual(lines.map((_, index) => index));
    expect(lines.at(-1)?.payload.type).toBe("task_complete");
    await writer.close();
  });

  it("limited mode reloads into the same turns (conversation items only)", async () => {
    const writer = await create("limited");
    writer.record(turnItems("t1", "one"));
    writer.record(turnItems("t2", "two"));
    await writer.close();
    const contents = await readBack(writer.path);
    const types = contents.lines.map((line) => (line.type === "event_msg" ? line.payload.type : line.type));
    expect(types).not.toContain("exec_command_begin");
    const { turns, warnings } = reconstructThread(contents.lines);
    expect(warnings).toEqual([]);
    expect(turns.map((turn) => [turn.id, turn.status])).toEqual([
      ["t1", "completed"],
      ["t2", "completed"],
    ]);
    // user + agent from item events; the legacy twins are not duplicated; no command in limited mode
    expect(turns[0]?.items.map((item) => item.type)).toEqual(["userMessage", "agentMessage"]);
    expect(turns[1]?.items[1]).toMatchObject({ text: "done two", phase: "final_answer" });
    expect(reconstructHistory(contents.lines).map((item) => item.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
      "message",
      "message",
      "function_call",
      "function_call_output",
      "message",
    ]);
  });

  it("extended mode keeps command executions with output capped at 10,000 bytes", async () => {
    const writer = await create("extended");
    const big = "é".repeat(EXTENDED_OUTPUT_CAP_BYTES); // 20,000 bytes
    writer.record(turnItems("t1", "one", big));
    await writer.close();
    const { turns } = reconstructThread((await readBack(writer.path)).lines);
    expect(turns[0]?.items.map((item) => item.type)).toEqual(["userMessage", "commandExecution", "agentMessage"]);
    const command = turns[0]?.items[1];
    if (command?.type !== "commandExecution") throw new Error("expected a command");
    expect(command).toMatchObject({ command: "bash -lc 'echo hello'", exitCode: 0, durationMs: 5, startedAtMs: 1_800_000_000_001 });
    expect(Buffer.byteLength(command.aggregatedOutput ?? "", "utf8")).toBe(EXTENDED_OUTPUT_CAP_BYTES);
  });

  it("a crash keeps the killed turn's lines written so far; a torn last line is ignored and cut on resume", async () => {
    const writer = await create();
    writer.record(turnItems("t1", "one"));
    await writer.flush();
    // The "crash": turn t2 recorded part-way (those lines are appended at once, without waiting
    // for the turn to end), then the process dies in the middle of writing a line.
    writer.record(turnItems("t2", "two").slice(0, 4));
    await writer.flush();
    appendFileSync(writer.path, '{"timestamp":"2026-01-02T03:04:06.000Z","type":"event_msg","payload":{"type":"age');

    const afterCrash = await readBack(writer.path);
    expect(afterCrash.truncatedTail).toBe(true);
    expect(afterCrash.skipped).toEqual([]);
    // The killed turn is kept (with its prompt) and reads back as interrupted.
    expect(reconstructThread(afterCrash.lines).turns.map((turn) => [turn.id, turn.status])).toEqual([
      ["t1", "completed"],
      ["t2", "interrupted"],
    ]);

    const resumed = await RolloutWriter.resume(writer.path);
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.value.threadId).toBe(THREAD);
    resumed.value.record(turnItems("t3", "three"));
    await resumed.value.close();
    const after = await readBack(writer.path);
    expect(after.truncatedTail).toBe(false);
    expect(after.skipped).toEqual([]);
    const ordinals = after.lines.map((line) => line.ordinal);
    expect(ordinals).toEqual(ordinals.map((_, index) => index));
    expect(reconstructThread(after.lines).turns.map((turn) => [turn.id, turn.status])).toEqual([
      ["t1", "completed"],
      ["t2", "interrupted"],
      ["t3", "completed"],
    ]);
  });

  it("a garbled line in the middle is skipped, the rest still reads", async () => {
    const writer = await create();
    writer.record(turnItems("t1", "one"));
    await writer.close();
    const text = readFileSync(writer.path, "utf8").split("\n");
    text.splice(3, 0, "this is not json", '{"timestamp":"x","type":"brand_new_line_type","payload":{}}');
    writeFileSync(writer.path, text.join("\n"));
    const contents = await readBack(writer.path);
    expect(contents.skipped.map((skip) => skip.type)).toEqual([null, "brand_new_line_type"]);
    expect(reconstructThread(contents.lines).turns).toHaveLength(1);
  });

  it("reports a missing file and a non-rollout file as errors, not exceptions", async () => {
    expect(await readRollout(path.join(home, "nope.jsonl"))).toMatchObject({ ok: false, error: { code: "not_found" } });
    const junk = path.join(home, "junk.jsonl");
    writeFileSync(junk, '{"hello":1}\n');
    expect(await readSessionMeta(junk)).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await RolloutWriter.resume(junk)).toMatchObject({ ok: false, error: { code: "invalid" } });
  });
});

describe("forkRollout", () => {
  it("copies history up to a turn into a new thread", async () => {
    const writer = await create();
    writer.record(turnItems("t1", "one"));
    writer.record(turnItems("t2", "two"));
    await writer.close();
    appendFileSync(writer.path, '{"timestamp":"x","type":"future_line","payload":{"a":1}}\n');

    const forked = await forkRollout({
      sourcePath: writer.path,
      codexHome: home,
      upTo: { turns: 1 },
      newThreadId: "01a1fe48-0000-7000-8000-000000000002",
    });
    if (!forked.ok) throw new Error(forked.error.message);
    expect(forked.value.forkedFromId).toBe(THREAD);
    const contents = await readBack(forked.value.path);
    expect(contents.meta).toMatchObject({
      id: "01a1fe48-0000-7000-8000-000000000002",
      forked_from_id: THREAD,
      cwd: "/w",
      base_instructions: { text: "You are a test." },
    });
    expect(reconstructThread(contents.lines).turns.map((turn) => turn.id)).toEqual(["t1"]);

    const whole = await forkRollout({ sourcePath: writer.path, codexHome: home, upTo: { throughTurnId: "t2" } });
    if (!whole.ok) throw new Error(whole.error.message);
    const wholeContents = await readBack(whole.value.path);
    expect(reconstructThread(wholeContents.lines).turns.map((turn) => turn.id)).toEqual(["t1", "t2"]);
    expect(wholeContents.skipped.map((skip) => skip.type)).toEqual(["future_line"]);
    const ordinals = wholeContents.entries.map((entry) => JSON.parse(entry.text).ordinal);
    expect(ordinals).toEqual(ordinals.map((_, index) => index));

    expect(await forkRollout({ sourcePath: writer.path, codexHome: home, upTo: { throughTurnId: "nope" } })).toMatchObject({
      ok: false,
      error: { code: "invalid" },
    });
  });
});
