import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HookCommandInput, v2 } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HookEngine, type HookContext, type HookRequest } from "./engine.js";
import { hookToolName, shellToolInput } from "./tools.js";
import { type Fixture, hooksJson, makeFixture, SCHEMA_DIR, waitFor } from "./test/fixture.js";

let fx: Fixture;
let ctx: HookContext;
beforeEach(() => {
  fx = makeFixture();
  ctx = {
    sessionId: "sess-1",
    turnId: "turn-1",
    cwd: fx.project,
    transcriptPath: null,
    model: "gpt-5",
    permissionMode: "default",
  };
});
afterEach(() => fx.cleanup());

/** An engine over hooks.json in CODEX_HOME with trust bypassed (event semantics, not trust, under test). */
function engineFor(entries: Parameters<typeof hooksJson>[0]): HookEngine {
  fx.write("home/hooks.json", hooksJson(entries));
  const engine = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }], bypassHookTrust: true });
  expect(engine.warnings.filter((w) => !w.includes("not trusted"))).toEqual([]);
  return engine;
}

/** Read a hook's dumped stdin, checking it against the protocol's hook input schema. */
function readJson(path: string): Record<string, unknown> {
  const value = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  expect(HookCommandInput.safeParse(value).success).toBe(true);
  return value;
}

/** A command with the placeholder the engine expands for plugin hooks. */
const PLUGIN_COMMAND = "$" + "{CLAUDE_PLUGIN_ROOT}/hooks/env.sh";

const dump = (name: string) => `cat > "${"$"}OUT_DIR/${name}.json"`;

describe("events", () => {
  beforeEach(() => {
    process.env.OUT_DIR = fx.out;
  });

  it("SessionStart: matcher on source, plain text and JSON context, cannot block, never for subagents", async () => {
    const a = fx.script("s/a.sh", `${dump("start")}\necho "context from startup"`);
    const b = fx.script(
      "s/b.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"resumed ctx"}}'`,
    );
    const c = fx.script("s/c.sh", `echo "no" >&2\nexit 2`);
    const engine = engineFor([
      { event: "SessionStart", matcher: "startup", command: a },
      { event: "SessionStart", matcher: "resume", command: b },
      { event: "SessionStart", command: c },
    ]);
    const startup = await engine.run({ ...ctx, turnId: null, event: "SessionStart", source: "startup" });
    expect(startup.additionalContexts).toEqual(["context from startup"]);
    expect(startup.blocked).toBe(false);
    expect(startup.runs.map((r) => r.status)).toEqual(["completed", "failed"]);
    expect(startup.runs[1]?.entries[0]?.text).toContain("SessionStart hooks cannot block");
    expect(startup.runs[0]).toMatchObject({
      eventName: "sessionStart",
      scope: "thread",
      source: "user",
      handlerType: "command",
    });
    expect(readJson(join(fx.out, "start.json"))).toEqual({
      session_id: "sess-1",
      turn_id: null,
      transcript_path: null,
      cwd: fx.project,
      hook_event_name: "SessionStart",
      model: "gpt-5",
      permission_mode: "default",
      source: "startup",
    });

    const resume = await engine.run({ ...ctx, event: "SessionStart", source: "resume" });
    expect(resume.additionalContexts).toEqual(["resumed ctx"]);

    const sub = await engine.run({ ...ctx, event: "SessionStart", source: "startup", isSubagent: true });
    expect(sub.runs).toEqual([]);
  });

  it("UserPromptSubmit: exit 2 and decision:block block; additionalContext and plain text reach the caller", async () => {
    const s = fx.script(
      "s/ups.sh",
      `input=$(cat)
printf '%s' "$input" > "$OUT_DIR/ups.json"
case "$input" in
  *forbidden*) echo "no secrets in prompts" >&2; exit 2;;
  *jsonblock*) echo '{"decision":"block","reason":"json says no"}';;
  *plain*) echo "plain prompt context";;
  *) echo '{"systemMessage":"checked","hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"ctx for prompt"}}';;
esac`,
    );
    const engine = engineFor([{ event: "UserPromptSubmit", matcher: "ignored-[", command: s }]);
    const blocked = await engine.run({
      ...ctx,
      event: "UserPromptSubmit",
      prompt: "print the forbidden key",
    });
    expect(blocked).toMatchObject({ blocked: true, blockReason: "no secrets in prompts" });
    expect(blocked.runs[0]).toMatchObject({
      status: "blocked",
      entries: [{ kind: "feedback", text: "no secrets in prompts" }],
    });
    expect(readJson(join(fx.out, "ups.json"))).toMatchObject({
      hook_event_name: "UserPromptSubmit",
      prompt: "print the forbidden key",
      turn_id: "turn-1",
    });

    const json = await engine.run({ ...ctx, event: "UserPromptSubmit", prompt: "jsonblock" });
    expect(json).toMatchObject({ blocked: true, blockReason: "json says no" });

    const ok = await engine.run({ ...ctx, event: "UserPromptSubmit", prompt: "hello" });
    expect(ok).toMatchObject({
      blocked: false,
      additionalContexts: ["ctx for prompt"],
      systemMessages: ["checked"],
    });
    expect(ok.runs[0]?.entries).toEqual([
      { kind: "warning", text: "checked" },
      { kind: "context", text: "ctx for prompt" },
    ]);
    const plain = await engine.run({ ...ctx, event: "UserPromptSubmit", prompt: "plain" });
    expect(plain.additionalContexts).toEqual(["plain prompt context"]);
  });

  it("PreToolUse: shell tools are Bash with tool_input.command; deny, exit 2 and updatedInput", async () => {
    const s = fx.script(
      "s/pre.sh",
      `input=$(cat)
printf '%s' "$input" > "$OUT_DIR/pre.json"
case "$input" in
  *"rm -rf"*) echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"destructive command"}}';;
  *sudo*) echo "no sudo" >&2; exit 2;;
  *rewrite*) echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"command":"echo rewritten"}}}';;
  *broken*) echo '{"decision": ';;
  *crash*) echo "boom" >&2; exit 3;;
  *) echo "debug only";;
esac`,
    );
    const edit = fx.script("s/edit.sh", `touch "$OUT_DIR/edit.ran"`);
    const engine = engineFor([
      { event: "PreToolUse", matcher: "Bash", command: s },
      { event: "PreToolUse", matcher: "Write|Edit", command: edit },
    ]);
    const call = (command: string[]): HookRequest => ({
      ...ctx,
      event: "PreToolUse",
      ...hookToolName("shell"),
      toolInput: shellToolInput(command),
      toolUseId: "call-1",
    });

    const denied = await engine.run(call(["bash", "-lc", "rm -rf /"]));
    expect(denied).toMatchObject({ blocked: true, blockReason: "destructive command" });
    expect(denied.runs).toHaveLength(1);
    expect(denied.runs[0]?.id).toMatch(/:pre_tool_use:0:0:call-1$/);
    expect(readJson(join(fx.out, "pre.json"))).toMatchObject({
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: { command: "rm -rf /" },
      tool_use_id: "call-1",
    });
    expect(existsSync(join(fx.out, "edit.ran"))).toBe(false);

    expect(await engine.run(call(["sudo", "ls"]))).toMatchObject({ blocked: true, blockReason: "no sudo" });
    const rewritten = await engine.run(call(["bash", "-lc", "rewrite me"]));
    expect(rewritten).toMatchObject({ blocked: false, updatedInput: { command: "echo rewritten" } });

    const debug = await engine.run(call(["ls"]));
    expect(debug).toMatchObject({ blocked: false, additionalContexts: [] });
    expect(debug.runs[0]?.status).toBe("completed");
    expect(debug.handlers[0]?.stdoutExcerpt).toBe("debug only");

    const broken = await engine.run(call(["broken"]));
    expect(broken.blocked).toBe(false);
    expect(broken.runs[0]).toMatchObject({
      status: "failed",
      entries: [{ kind: "error", text: "hook returned invalid PreToolUse JSON output" }],
    });

    const crash = await engine.run(call(["crash"]));
    expect(crash.blocked).toBe(false);
    expect(crash.runs[0]).toMatchObject({
      status: "failed",
      entries: [{ kind: "error", text: "hook exited with code 3: boom" }],
    });
    expect(crash.handlers[0]).toMatchObject({ exitCode: 3, stderrExcerpt: "boom" });

    await engine.run({
      ...ctx,
      event: "PreToolUse",
      ...hookToolName("apply_patch"),
      toolInput: {},
      toolUseId: "call-2",
    });
    expect(existsSync(join(fx.out, "edit.ran"))).toBe(true);
  });

  it("PostToolUse: sees tool_response; decision:block returns the reason", async () => {
    const s = fx.script(
      "s/post.sh",
      `${dump("post")}\necho '{"decision":"block","reason":"lint failed","hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"3 lint errors"}}'`,
    );
    const engine = engineFor([{ event: "PostToolUse", matcher: "^Ba", command: s }]);
    const outcome = await engine.run({
      ...ctx,
      event: "PostToolUse",
      toolName: "Bash",
      toolInput: { command: "make" },
      toolUseId: "call-9",
      toolResponse: { exit_code: 0, output: "ok" },
    });
    expect(outcome).toMatchObject({
      blocked: true,
      blockReason: "lint failed",
      additionalContexts: ["3 lint errors"],
    });
    expect(readJson(join(fx.out, "post.json"))).toMatchObject({
      tool_response: { exit_code: 0, output: "ok" },
      tool_name: "Bash",
    });
    const other = await engine.run({
      ...ctx,
      event: "PostToolUse",
      toolName: "Read",
      toolInput: {},
      toolUseId: "c",
      toolResponse: null,
    });
    expect(other.runs).toEqual([]);
  });

  it("Stop: decision:block keeps the turn going, stop_hook_active lets it end", async () => {
    const s = fx.script(
      "s/stop.sh",
      `case "$(cat)" in
  *'"stop_hook_active":false'*) echo '{"decision":"block","reason":"run the tests first"}';;
  *) exit 0;;
esac`,
    );
    const engine = engineFor([{ event: "Stop", command: s }]);
    const first = await engine.run({
      ...ctx,
      event: "Stop",
      stopHookActive: false,
      lastAssistantMessage: "done",
    });
    expect(first).toMatchObject({ blocked: true, blockReason: "run the tests first" });
    const second = await engine.run({
      ...ctx,
      event: "Stop",
      stopHookActive: true,
      lastAssistantMessage: "done",
    });
    expect(second.blocked).toBe(false);
    expect(second.runs[0]?.status).toBe("completed");
  });

  it("SubagentStart/SubagentStop: matcher on agent_type, agent fields in input; stop can block", async () => {
    const start = fx.script(
      "s/sub-start.sh",
      `${dump("sub-start")}\necho '{"hookSpecificOutput":{"hookEventName":"SubagentStart","additionalContext":"explorer rules"}}'`,
    );
    const stop = fx.script("s/sub-stop.sh", `${dump("sub-stop")}\necho "summarise first" >&2\nexit 2`);
    const engine = engineFor([
      { event: "SubagentStart", matcher: "explorer", command: start },
      { event: "SubagentStop", matcher: "explorer", command: stop },
    ]);
    const started = await engine.run({
      ...ctx,
      event: "SubagentStart",
      agentId: "agent-7",
      agentType: "explorer",
    });
    expect(started).toMatchObject({ blocked: false, additionalContexts: ["explorer rules"] });
    expect(started.runs[0]).toMatchObject({ eventName: "subagentStart", scope: "thread" });
    expect(readJson(join(fx.out, "sub-start.json"))).toMatchObject({
      hook_event_name: "SubagentStart",
      agent_id: "agent-7",
      agent_type: "explorer",
    });
    expect(
      (await engine.run({ ...ctx, event: "SubagentStart", agentId: "a", agentType: "worker" })).runs,
    ).toEqual([]);

    const stopped = await engine.run({
      ...ctx,
      event: "SubagentStop",
      agentId: "agent-7",
      agentType: "explorer",
      agentTranscriptPath: null,
      stopHookActive: false,
      lastAssistantMessage: "found it",
    });
    expect(stopped).toMatchObject({ blocked: true, blockReason: "summarise first" });
    expect(readJson(join(fx.out, "sub-stop.json"))).toMatchObject({
      agent_id: "agent-7",
      agent_type: "explorer",
      last_assistant_message: "found it",
      stop_hook_active: false,
    });
  });

  it("PreCompact never blocks; PreCompact/PostCompact match manual|auto and carry the trigger", async () => {
    const exit2 = fx.script("s/pc2.sh", `${dump("pre-compact")}\necho "do not compact" >&2\nexit 2`);
    const jsonBlock = fx.script("s/pcj.sh", `echo '{"decision":"block","reason":"still no"}'`);
    const post = fx.script("s/post-compact.sh", dump("post-compact"));
    const engine = engineFor([
      { event: "PreCompact", matcher: "manual", command: exit2 },
      { event: "PreCompact", matcher: "manual", command: jsonBlock },
      { event: "PostCompact", matcher: "auto", command: post },
    ]);
    const pre = await engine.run({ ...ctx, event: "PreCompact", trigger: "manual" });
    expect(pre.blocked).toBe(false);
    expect(pre.blockReason).toBeNull();
    expect(pre.runs.map((r) => r.status)).toEqual(["failed", "completed"]);
    expect(pre.runs[0]?.entries[0]?.text).toBe(
      "PreCompact hooks cannot block; exit code 2 treated as a failure: do not compact",
    );
    expect(pre.runs[1]?.entries).toEqual([
      { kind: "warning", text: "PreCompact hooks cannot block; decision:block ignored" },
    ]);
    expect(readJson(join(fx.out, "pre-compact.json"))).toEqual({
      session_id: "sess-1",
      turn_id: "turn-1",
      transcript_path: null,
      cwd: fx.project,
      hook_event_name: "PreCompact",
      model: "gpt-5",
      trigger: "manual",
    });
    expect((await engine.run({ ...ctx, event: "PreCompact", trigger: "auto" })).runs).toEqual([]);
    expect((await engine.run({ ...ctx, event: "PostCompact", trigger: "manual" })).runs).toEqual([]);
    const after = await engine.run({ ...ctx, event: "PostCompact", trigger: "auto" });
    expect(after.runs[0]?.status).toBe("completed");
    expect(readJson(join(fx.out, "post-compact.json"))).toMatchObject({
      hook_event_name: "PostCompact",
      trigger: "auto",
    });
  });
});

describe("execution", () => {
  it("runs matching handlers in parallel (each sees the other start before it ends)", async () => {
    const body = (me: string, other: string) => `cat > /dev/null
# Write then rename: once the other script sees "${me}.start", its timestamp is already in it.
date +%s%N > "${fx.out}/${me}.start.tmp" && mv "${fx.out}/${me}.start.tmp" "${fx.out}/${me}.start"
i=0
while [ ! -e "${fx.out}/${other}.start" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
date +%s%N > "${fx.out}/${me}.end"`;
    const a = fx.script("s/a.sh", body("a", "b"));
    const b = fx.script("s/b.sh", body("b", "a"));
    const engine = engineFor([
      { event: "UserPromptSubmit", command: a },
      { event: "UserPromptSubmit", command: b },
    ]);
    const outcome = await engine.run({ ...ctx, event: "UserPromptSubmit", prompt: "go" });
    expect(outcome.runs.map((r) => r.status)).toEqual(["completed", "completed"]);
    const t = (name: string) => BigInt(readFileSync(join(fx.out, name), "utf8").trim());
    // The runs overlap: each started before the other ended.
    expect(t("a.start") <= t("b.end")).toBe(true);
    expect(t("b.start") <= t("a.end")).toBe(true);
  }, 90_000);

  it("kills a hung hook's whole process group at its timeout", async () => {
    const hung = fx.script("s/hung.sh", `sleep 300 &\necho $! > "${fx.out}/child.pid"\nwait`);
    const engine = engineFor([{ event: "Stop", command: hung, timeout: 1 }]);
    const outcome = await engine.run({
      ...ctx,
      event: "Stop",
      stopHookActive: false,
      lastAssistantMessage: null,
    });
    expect(outcome.blocked).toBe(false);
    expect(outcome.runs[0]).toMatchObject({
      status: "failed",
      entries: [{ kind: "error", text: "hook timed out after 1s" }],
    });
    expect(outcome.handlers[0]?.timedOut).toBe(true);
    const pid = Number(readFileSync(join(fx.out, "child.pid"), "utf8"));
    const gone = () => {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    };
    await waitFor(gone, "the hook's background child to die");
  });

  it("reports every run through the observer in official hook/started and hook/completed shapes", async () => {
    const s = fx.script("s/ok.sh", `echo '{"systemMessage":"hi"}'`);
    const engine = engineFor([{ event: "PreToolUse", matcher: "*", command: s }]);
    const seen: { method: string; params: unknown }[] = [];
    const outcome = await engine.run(
      { ...ctx, event: "PreToolUse", toolName: "Bash", toolInput: { command: "ls" }, toolUseId: "u1" },
      {
        onStarted: (run, turnId) =>
          seen.push({ method: "hook/started", params: { threadId: "th-1", turnId, run } }),
        onCompleted: (run, turnId) =>
          seen.push({ method: "hook/completed", params: { threadId: "th-1", turnId, run } }),
      },
    );
    expect(seen.map((m) => m.method)).toEqual(["hook/started", "hook/completed"]);
    expect(seen[1]?.params).toEqual({ threadId: "th-1", turnId: "turn-1", run: outcome.runs[0] });
    const official = v2.createOfficialSchemaValidator(SCHEMA_DIR);
    for (const message of seen) {
      expect(official.validateMessage({ jsonrpc: "2.0", ...message })).toMatchObject({ valid: true });
      const definition =
        message.method === "hook/started" ? "HookStartedNotification" : "HookCompletedNotification";
      expect(official.validateDefinition(definition, message.params)).toMatchObject({
        valid: true,
        definition,
      });
    }
    expect(v2.HookCompletedNotification.parse(seen[1]?.params)).toBeTruthy();
  });

  it("starts async handlers without waiting for them", async () => {
    const slow = fx.script(
      "s/slow.sh",
      `cat > /dev/null\nwhile [ ! -e "${fx.out}/release" ]; do sleep 0.05; done\ntouch "${fx.out}/async.done"`,
    );
    fx.write(
      "home/hooks.json",
      JSON.stringify({ hooks: { Stop: [{ hooks: [{ type: "command", command: slow, async: true }] }] } }),
    );
    const engine = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }], bypassHookTrust: true });
    const completed: v2.HookRunSummary[] = [];
    const outcome = await engine.run(
      { ...ctx, event: "Stop", stopHookActive: false, lastAssistantMessage: null },
      { onCompleted: (run) => completed.push(run) },
    );
    expect(outcome.runs).toEqual([]);
    expect(existsSync(join(fx.out, "async.done"))).toBe(false);
    fx.write("out/release", "");
    await engine.drain();
    expect(existsSync(join(fx.out, "async.done"))).toBe(true);
    expect(completed[0]).toMatchObject({ executionMode: "async", status: "completed" });
  });
});

describe("trust", () => {
  const stop = (): HookRequest => ({
    ...ctx,
    event: "Stop",
    stopHookActive: false,
    lastAssistantMessage: null,
  });

  it("runs an unmanaged hook only while its trusted hash matches; enablement applies live", async () => {
    const marker = join(fx.out, "user.ran");
    fx.write("home/hooks.json", hooksJson([{ event: "Stop", command: `touch "${marker}"` }]));
    const engine = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }] });
    const hook = engine.hooks[0];
    if (hook === undefined) throw new Error("no hook discovered");

    const untrusted = await engine.run(stop());
    expect(untrusted.runs).toEqual([]);
    expect(untrusted.skippedUntrusted.map((h) => [h.key, h.trustStatus])).toEqual([[hook.key, "untrusted"]]);
    expect(existsSync(marker)).toBe(false);

    engine.setHookStates({ [hook.key]: { trusted_hash: hook.currentHash } });
    expect((await engine.run(stop())).runs[0]?.status).toBe("completed");
    expect(existsSync(marker)).toBe(true);

    engine.setHookStates({ [hook.key]: { trusted_hash: hook.currentHash, enabled: false } });
    const disabled = await engine.run(stop());
    expect(disabled.runs).toEqual([]);
    expect(disabled.skippedUntrusted).toEqual([]);

    // The user edits the hook: the stored hash no longer matches, so it needs re-trust.
    const marker2 = join(fx.out, "edited.ran");
    fx.write("home/hooks.json", hooksJson([{ event: "Stop", command: `touch "${marker2}"` }]));
    fx.write(
      "home/config.toml",
      `[hooks.state.${JSON.stringify(hook.key)}]\ntrusted_hash = ${JSON.stringify(hook.currentHash)}\n`,
    );
    const reloaded = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }] });
    expect(reloaded.hooks[0]?.trustStatus).toBe("modified");
    const skipped = await reloaded.run(stop());
    expect(skipped.runs).toEqual([]);
    expect(skipped.skippedUntrusted[0]?.trustStatus).toBe("modified");
    expect(existsSync(marker2)).toBe(false);

    const bypass = new HookEngine({ layers: [{ source: "user", dir: fx.codexHome }], bypassHookTrust: true });
    expect((await bypass.run(stop())).runs).toHaveLength(1);
    expect(existsSync(marker2)).toBe(true);
  });

  it("always runs managed hooks, which cannot be disabled, next to untrusted user hooks", async () => {
    const managedMarker = join(fx.out, "managed.ran");
    const userMarker = join(fx.out, "user.ran");
    fx.write("home/hooks.json", hooksJson([{ event: "Stop", command: `touch "${userMarker}"` }]));
    const engine = new HookEngine({
      layers: [{ source: "user", dir: fx.codexHome }],
      managed: {
        sourcePath: "/etc/codex/requirements.toml",
        hooks: { Stop: [{ hooks: [{ type: "command", command: `touch "${managedMarker}"` }] }] },
      },
    });
    engine.setHookStates({ "/etc/codex/requirements.toml:stop:0:0": { enabled: false } });
    const outcome = await engine.run(stop());
    expect(outcome.runs.map((r) => r.source)).toEqual(["system"]);
    expect(outcome.skippedUntrusted.map((h) => h.source)).toEqual(["user"]);
    expect(existsSync(managedMarker)).toBe(true);
    expect(existsSync(userMarker)).toBe(false);
  });

  it("gives plugin hooks PLUGIN_ROOT and CLAUDE_PLUGIN_ROOT", async () => {
    const root = join(fx.root, "plugins", "demo");
    fx.script(
      "plugins/demo/hooks/env.sh",
      `cat > /dev/null\necho "$PLUGIN_ROOT|$CLAUDE_PLUGIN_ROOT|$PLUGIN_DATA" > "${fx.out}/env.txt"`,
    );
    fx.write(
      "plugins/demo/hooks/hooks.json",
      hooksJson([{ event: "SessionStart", command: PLUGIN_COMMAND }]),
    );
    const engine = new HookEngine({ plugins: [{ id: "demo@m", root }], features: { plugin_hooks: true } });
    const hook = engine.hooks[0];
    if (hook === undefined) throw new Error("no plugin hook");
    engine.setHookStates({ [hook.key]: { trusted_hash: hook.currentHash } });
    const outcome = await engine.run({ ...ctx, event: "SessionStart", source: "startup" });
    expect(outcome.runs[0]).toMatchObject({ status: "completed", source: "plugin" });
    expect(readFileSync(join(fx.out, "env.txt"), "utf8").trim()).toBe(
      `${root}|${root}|${join(root, "data")}`,
    );
  });
});
