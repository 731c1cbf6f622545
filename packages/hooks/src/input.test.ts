// Hook inputs of a thread-spawned subagent: what real hook commands read, with the keys (and their
// order) real Codex 0.169 wrote in a child session (captured with the fake model server).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HookContext, HookRequest } from "./engine.js";
import { HookEngine } from "./engine.js";
import { hookInput } from "./input.js";
import { type Fixture, hooksJson, makeFixture } from "./test/fixture.js";

const ctx: HookContext = {
  sessionId: "parent-session",
  turnId: "child-turn",
  cwd: "/work",
  transcriptPath: "/rollouts/child.jsonl",
  model: "gpt-test",
  permissionMode: "bypassPermissions",
};
const child = { agentId: "child-thread", agentType: "researcher", parentTranscriptPath: "/rollouts/parent.jsonl" };
const tool = { toolName: "Bash", toolInput: { command: "echo hi" }, toolUseId: "k1" };

describe("hook inputs of a subagent", () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = makeFixture();
  });
  afterEach(() => fx.cleanup());

  it("ordinary events carry agent_id / agent_type after turn_id, in Codex's key order", () => {
    const keys = (request: HookRequest) => Object.keys(hookInput(request, child));
    const head = ["session_id", "turn_id", "agent_id", "agent_type", "transcript_path", "cwd", "hook_event_name", "model", "permission_mode"];
    expect(keys({ ...ctx, event: "UserPromptSubmit", prompt: "count" })).toEqual([...head, "prompt"]);
    expect(keys({ ...ctx, event: "PostToolUse", ...tool, toolResponse: "hi\n" })).toEqual([
      ...head,
      "tool_name",
      "tool_input",
      "tool_response",
      "tool_use_id",
    ]);
    // SubagentStop: the parent's transcript, the child's as agent_transcript_path.
    const stop = hookInput(
      {
        ...ctx,
        event: "SubagentStop",
        agentId: "child-thread",
        agentType: "researcher",
        agentTranscriptPath: "/rollouts/child.jsonl",
        stopHookActive: false,
        lastAssistantMessage: "42",
      },
      child,
    );
    expect(Object.keys(stop)).toEqual([
      "session_id",
      "turn_id",
      "transcript_path",
      "agent_transcript_path",
      "cwd",
      "hook_event_name",
      "model",
      "permission_mode",
      "stop_hook_active",
      "agent_id",
      "agent_type",
      "last_assistant_message",
    ]);
    expect(stop).toMatchObject({
      transcript_path: "/rollouts/parent.jsonl",
      agent_transcript_path: "/rollouts/child.jsonl",
    });
    // A root session's inputs have no identity.
    expect(hookInput({ ...ctx, event: "PreToolUse", ...tool })).not.toHaveProperty("agent_id");
  });

  it("forSubagent: the child's commands read its identity; the parent's do not; hooks.state changes reach both", async () => {
    const log = join(fx.out, "inputs.jsonl");
    const rec = fx.script("rec.sh", `cat >> ${log}; echo >> ${log}`);
    fx.write("home/hooks.json", hooksJson([{ event: "PreToolUse", command: rec }]));
    const parent = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }], bypassHookTrust: true });
    const view = parent.forSubagent(child);
    await view.run({ ...ctx, event: "PreToolUse", ...tool });
    await parent.run({ ...ctx, turnId: "parent-turn", event: "PreToolUse", ...tool });
    const inputs = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toMatchObject({ agent_id: "child-thread", agent_type: "researcher", turn_id: "child-turn" });
    expect(inputs[1]).not.toHaveProperty("agent_id");
    expect(inputs[1].turn_id).toBe("parent-turn");
    // Turning the hook off on the parent's engine turns it off for the child too.
    const key = parent.hooks[0]!.key;
    parent.setHookStates({ [key]: { enabled: false } });
    expect(view.select({ ...ctx, event: "PreToolUse", ...tool }).runnable).toEqual([]);
    view.setHookStates({ [key]: { enabled: true } });
    expect(parent.select({ ...ctx, event: "PreToolUse", ...tool }).runnable).toHaveLength(1);
  });
});
