// What a parent's rollout keeps of its sub-agents, checked against what real Codex 0.169 wrote
// (app-server, default persistence, fake model server: spawn_agent, wait_agent, the child's
// `<subagent_notification>`, the final answer). The payloads below are those lines, ids shortened.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forkRollout, readRollout, readSessionMeta, reconstructHistory, reconstructThread, RolloutWriter } from "./index.js";

const P = "parent-thread";
const C = "child-thread";
const T = "turn-1";
const NOTIFICATION = `<subagent_notification>\n{"agent_path":"${C}","status":{"completed":"child says 42"}}\n</subagent_notification>`;

const ev = (payload: Record<string, unknown>) => ({ type: "event_msg", payload }) as RolloutItem;
const ri = (payload: Record<string, unknown>) => ({ type: "response_item", payload }) as RolloutItem;
const collab = (status: string, more: Record<string, unknown>) => ({
  type: "CollabAgentToolCall",
  status,
  sender_thread_id: P,
  receiver_thread_ids: [C],
  receiver_agents: [{ thread_id: C, agent_nickname: "Zeno" }],
  ...more,
});

/** One parent turn as core records it: live-only events mixed with what Codex keeps. */
const recorded: RolloutItem[] = [
  ev({ type: "task_started", turn_id: T, model_context_window: null, collaboration_mode_kind: "default" }),
  ri({ type: "message", role: "user", content: [{ type: "input_text", text: "delegate it" }] }),
  ev({ type: "item_completed", thread_id: P, turn_id: T, item: { type: "UserMessage", id: "u1", content: [{ type: "text", text: "delegate it", text_elements: [] }] } }),
  ri({ type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1", arguments: '{"message":"count the files"}', call_id: "c1" }),
  ev({ type: "item_started", thread_id: P, turn_id: T, item: collab("in_progress", { id: "c1", tool: "spawn_agent", receiver_thread_ids: [], receiver_agents: [], prompt: "count the files", agents_states: {} }) }),
  ev({
    type: "item_completed",
    thread_id: P,
    turn_id: T,
    item: collab("completed", { id: "c1", tool: "spawn_agent", prompt: "count the files", model: "fake-model", reasoning_effort: "medium", agents_states: { [C]: "pending_init" } }),
    started_at_ms: 1796679443691,
    completed_at_ms: 1796679443697,
  }),
  ri({ type: "function_call_output", call_id: "c1", output: `{"agent_id":"${C}","nickname":"Zeno"}` }),
  ri({ type: "function_call", name: "wait_agent", namespace: "multi_agent_v1", arguments: `{"targets":["${C}"]}`, call_id: "c2" }),
  ev({
    type: "item_completed",
    thread_id: P,
    turn_id: T,
    item: collab("completed", { id: "c2", tool: "wait", agents_states: { [C]: { completed: "child says 42" } } }),
    started_at_ms: 1796679443759,
    completed_at_ms: 1796679444191,
  }),
  ri({ type: "function_call_output", call_id: "c2", output: `{"status":{"${C}":{"completed":"child says 42"}},"timed_out":false}` }),
  ri({ type: "message", role: "user", content: [{ type: "input_text", text: NOTIFICATION }] }),
  ev({ type: "item_completed", thread_id: P, turn_id: T, item: { type: "AgentMessage", id: "msg_7", content: [{ type: "Text", text: "parent done" }], phase: "final_answer" } }),
  ri({ type: "message", role: "assistant", content: [{ type: "output_text", text: "parent done" }], phase: "final_answer" }),
  ev({ type: "task_complete", turn_id: T, last_agent_message: "parent done" }),
];

describe("a parent's rollout and its sub-agents", () => {
  let home = "";
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), "rollout-collab-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("keeps what Codex 0.169 keeps (completed CollabAgentToolCall items, the notification), drops item_started; thread/read and resume see it as Codex does", async () => {
    const created = await RolloutWriter.create({ codexHome: home, meta: { cwd: "/w" }, mode: "limited" });
    if (!created.ok) throw new Error(created.error.message);
    created.value.record(recorded);
    await created.value.close();
    const read = await readRollout(created.value.path);
    if (!read.ok) throw new Error(read.error.message);
    const kept = read.value.lines.slice(1).map((line) => {
      const payload = line.payload as { type: string; item?: { type: string; status?: string } };
      return `${line.type}:${payload.type}${payload.item ? `:${payload.item.type}` : ""}`;
    });
    // The line types real Codex wrote for this turn (its world_state / token_usage_record lines aside).
    expect(kept).toEqual([
      "event_msg:task_started",
      "response_item:message",
      "event_msg:item_completed:UserMessage",
      "response_item:function_call",
      "event_msg:item_completed:CollabAgentToolCall",
      "response_item:function_call_output",
      "response_item:function_call",
      "event_msg:item_completed:CollabAgentToolCall",
      "response_item:function_call_output",
      "response_item:message",
      "event_msg:item_completed:AgentMessage",
      "response_item:message",
      "event_msg:task_complete",
    ]);
    // The item as Codex 0.169 writes it: its fields, in its key order (whatever order core gave them in).
    const spawn = read.value.lines.find((l) => (l.payload as { item?: { id?: string } }).item?.id === "c1")!;
    expect(Object.keys((spawn.payload as { item: object }).item)).toEqual([
      "type",
      "id",
      "tool",
      "status",
      "sender_thread_id",
      "receiver_thread_ids",
      "receiver_agents",
      "prompt",
      "model",
      "reasoning_effort",
      "agents_states",
    ]);

    // thread/read: the calls, not the notification (as Codex 0.169 answers).
    const { turns } = reconstructThread(read.value.lines);
    expect(turns[0]!.items.map((i) => [i.type, (i as { tool?: string }).tool ?? null])).toEqual([
      ["userMessage", null],
      ["collabAgentToolCall", "spawnAgent"],
      ["collabAgentToolCall", "wait"],
      ["agentMessage", null],
    ]);
    // Resume: the model gets the notification back as the plain user message it was (Codex 0.169, multi_agent_v1).
    const history = reconstructHistory(read.value.lines) as { type: string; role?: string; phase?: string; content?: { text: string }[] }[];
    const notification = history.find((i) => i.type === "message" && i.content?.[0]?.text === NOTIFICATION);
    expect(notification).toEqual({ type: "message", role: "user", content: [{ type: "input_text", text: NOTIFICATION }] });
  });

  it("a fork of a sub-agent's thread is nobody's sub-agent: no thread_source, parent, nickname or role; source vscode (as Codex 0.169)", async () => {
    const created = await RolloutWriter.create({
      codexHome: home,
      meta: {
        cwd: "/w",
        session_id: P,
        parent_thread_id: P,
        source: { subagent: { thread_spawn: { parent_thread_id: P, depth: 1, agent_path: null, agent_nickname: "Zeno", agent_role: null } } },
        thread_source: "subagent",
        agent_nickname: "Zeno",
        agent_role: "researcher",
      } as never,
    });
    if (!created.ok) throw new Error(created.error.message);
    created.value.record(recorded);
    await created.value.close();
    const forked = await forkRollout({ sourcePath: created.value.path, codexHome: home });
    if (!forked.ok) throw new Error(forked.error.message);
    const meta = await readSessionMeta(forked.value.path);
    if (!meta.ok) throw new Error(meta.error.message);
    expect(meta.value).toMatchObject({ id: forked.value.threadId, session_id: forked.value.threadId, forked_from_id: created.value.threadId, cwd: "/w", source: "vscode" });
    for (const field of ["thread_source", "parent_thread_id", "agent_nickname", "agent_role"]) expect(meta.value).not.toHaveProperty(field);
  });
});
