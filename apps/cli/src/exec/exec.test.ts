import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExecThreadEvent } from "@codex-ts/protocol";
import { fail, type FakeResponsesServer, sse, startFakeResponsesServer, turn, usage } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "../../test/helpers.js";

let server: FakeResponsesServer;
let home: string;
let work: string;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-home-")));
  work = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-work-")));
  mkdirSync(path.join(work, ".git"));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function providerArgs(): string[] {
  return [
    "-c",
    `model_providers.fake={name="fake",base_url="${server.url}",env_key="FAKE_KEY",wire_api="responses",request_max_retries=1,stream_max_retries=0}`,
    "-c",
    "model_provider=fake",
  ];
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CODEX_HOME: home, FAKE_KEY: "k", PATH: process.env.PATH, HOME: home, SHELL: "/bin/bash", ...extra };
}

function jsonLines(stdout: string): ExecThreadEvent[] {
  return stdout
    .trim()
    .split("\n")
    .map((line) => ExecThreadEvent.parse(JSON.parse(line)));
}

describe("exec --json", () => {
  it("prints thread.started, turn.started, the agent message and turn.completed with usage", async () => {
    server.enqueue(turn([sse.reasoning("thinking hard"), sse.message("hello there", { phase: "final_answer" })], { usage: usage(12, 7, { cached: 2, reasoning: 3 }) }));
    const r = await runInProcess(["exec", "--json", ...providerArgs(), "say hi"], { cwd: work, env: env() });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.map((e) => e.type)).toEqual(["thread.started", "turn.started", "item.completed", "item.completed", "turn.completed"]);
    expect(events[2]).toEqual({ type: "item.completed", item: { id: "item_0", type: "reasoning", text: "thinking hard" } });
    expect(events[3]).toEqual({ type: "item.completed", item: { id: "item_1", type: "agent_message", text: "hello there" } });
    expect(events[4]).toEqual({
      type: "turn.completed",
      usage: { input_tokens: 12, cached_input_tokens: 2, cache_write_input_tokens: 0, output_tokens: 7, reasoning_output_tokens: 3 },
    });
    const body = server.responsesRequests()[0]!.body;
    expect(JSON.stringify(body.input)).toContain("say hi");
  });

  it("runs a command and reports it as command_execution items", async () => {
    server.enqueue(
      turn(sse.functionCall("exec_command", { cmd: "echo out-$((1+1))" }, { callId: "c1" })),
      turn(sse.message("done")),
    );
    const r = await runInProcess(["exec", "--json", "-s", "danger-full-access", ...providerArgs(), "run it"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    const started = events.find((e) => e.type === "item.started");
    const completed = events.find((e) => e.type === "item.completed" && e.item.type === "command_execution");
    expect(started).toMatchObject({ item: { type: "command_execution", status: "in_progress" } });
    expect(completed).toMatchObject({ item: { type: "command_execution", status: "completed", exit_code: 0 } });
    if (completed?.type === "item.completed" && completed.item.type === "command_execution") {
      expect(completed.item.aggregated_output).toContain("out-2");
    }
    const second = server.responsesRequests()[1]!.body;
    expect(second.input).toContainEqual(expect.objectContaining({ type: "function_call_output", call_id: "c1" }));
  });

  it("reports a patch as file_change and a plan as todo_list (started, updated, completed)", async () => {
    writeFileSync(path.join(work, "old.txt"), "one\ntwo\n");
    const patch = [
      "*** Begin Patch",
      "*** Add File: new.txt",
      "+hello",
      "*** Update File: old.txt",
      "@@",
      " one",
      "-two",
      "+TWO",
      "*** End Patch",
    ].join("\n");
    server.enqueue(
      turn(sse.functionCall("update_plan", { plan: [{ step: "edit files", status: "in_progress" }, { step: "report", status: "pending" }] }, { callId: "p1" })),
      turn(sse.customToolCall("apply_patch", patch, { callId: "a1" })),
      turn(sse.functionCall("update_plan", { plan: [{ step: "edit files", status: "completed" }, { step: "report", status: "completed" }] }, { callId: "p2" })),
      turn(sse.message("patched")),
    );
    const r = await runInProcess(["exec", "--json", "-s", "danger-full-access", ...providerArgs(), "patch it"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(work, "new.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(path.join(work, "old.txt"), "utf8")).toBe("one\nTWO\n");
    const events = jsonLines(r.stdout);
    const change = events.find((e) => e.type === "item.completed" && e.item.type === "file_change");
    expect(change).toMatchObject({ item: { type: "file_change", status: "completed" } });
    if (change?.type === "item.completed" && change.item.type === "file_change") {
      const kinds = Object.fromEntries(change.item.changes.map((c) => [path.basename(c.path), c.kind]));
      expect(kinds).toEqual({ "new.txt": "add", "old.txt": "update" });
    }
    const todo = events.filter((e) => (e.type === "item.started" || e.type === "item.updated" || e.type === "item.completed") && e.item.type === "todo_list");
    expect(todo.map((e) => e.type)).toEqual(["item.started", "item.updated", "item.completed"]);
    expect(todo.at(-1)).toMatchObject({ item: { items: [{ text: "edit files", completed: true }, { text: "report", completed: true }] } });
    expect(events.at(-1)?.type).toBe("turn.completed");
  });

  it("reports turn.failed and exits 1 when the model keeps failing", async () => {
    server.enqueue(fail.status(500), fail.status(500), fail.status(500));
    const r = await runInProcess(["exec", "--json", ...providerArgs(), "hi"], { cwd: work, env: env() });
    expect(r.code).toBe(1);
    const events = jsonLines(r.stdout);
    expect(events.at(-1)?.type).toBe("turn.failed");
    expect(events.some((e) => e.type === "error")).toBe(true);
  });

  it("writes the last message with -o and resumes the same thread", async () => {
    server.enqueue(turn(sse.message("first answer")), turn(sse.message("second answer")));
    const out = path.join(work, "last.txt");
    const first = await runInProcess(["exec", "--json", "-o", out, ...providerArgs(), "one"], { cwd: work, env: env() });
    expect(first.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("first answer");
    const threadId = (jsonLines(first.stdout)[0] as { thread_id: string }).thread_id;

    const second = await runInProcess(["exec", "--json", ...providerArgs(), "resume", threadId], { cwd: work, env: env(), stdin: "two" });
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout)[0]).toEqual({ type: "thread.started", thread_id: threadId });
    const input = JSON.stringify(server.responsesRequests()[1]!.body.input);
    expect(input).toContain("one");
    expect(input).toContain("first answer");
    expect(input).toContain("two");
  });

  it("resumes the most recent session with --last", async () => {
    server.enqueue(turn(sse.message("a1")), turn(sse.message("a2")));
    const first = await runInProcess(["exec", "--json", ...providerArgs(), "remember 42"], { cwd: work, env: env() });
    expect(first.code).toBe(0);
    const second = await runInProcess(["exec", "--json", ...providerArgs(), "resume", "--last", "what number?"], { cwd: work, env: env() });
    expect(second.code).toBe(0);
    expect(JSON.stringify(server.responsesRequests()[1]!.body.input)).toContain("remember 42");
  });

  it("fails in one line when the session to resume does not exist", async () => {
    const r = await runInProcess(["exec", "--json", ...providerArgs(), "resume", "0190f0f0-0000-7000-8000-000000000000", "x"], { cwd: work, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no session found");
  });
});

describe("exec with .rules", () => {
  it("never runs a command a rule forbids, and tells the model why", async () => {
    mkdirSync(path.join(home, "rules"));
    writeFileSync(path.join(home, "rules", "default.rules"), 'prefix_rule(pattern=["touch"], decision="forbidden", justification="no touching")\n');
    const marker = path.join(work, "touched");
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: `touch ${marker}` }, { callId: "c1" })), turn(sse.message("ok")));
    const r = await runInProcess(["exec", "--json", "-s", "danger-full-access", ...providerArgs(), "touch it"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    const output = JSON.stringify(server.responsesRequests()[1]!.body.input);
    expect(output).toContain("no touching");
  });

  it("--ignore-rules skips the user's rules", async () => {
    mkdirSync(path.join(home, "rules"));
    writeFileSync(path.join(home, "rules", "default.rules"), 'prefix_rule(pattern=["touch"], decision="forbidden")\n');
    const marker = path.join(work, "touched");
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: `touch ${marker}` }, { callId: "c1" })), turn(sse.message("ok")));
    const r = await runInProcess(["exec", "--json", "--ignore-rules", "-s", "danger-full-access", ...providerArgs(), "touch it"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("a broken rules file fails in one line naming file:line", async () => {
    mkdirSync(path.join(home, "rules"));
    writeFileSync(path.join(home, "rules", "default.rules"), "prefix_rule(pattern=[\n");
    const r = await runInProcess(["exec", "--json", ...providerArgs(), "hi"], { cwd: work, env: env() });
    expect(r.stderr).toMatch(/default\.rules:\d+/);
  });
});

describe("exec with hooks", () => {
  function writeHook(): string {
    const script = path.join(home, "context-hook.sh");
    writeFileSync(script, `#!/bin/sh\necho '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"HOOK-CONTEXT-42"}}'\n`, { mode: 0o755 });
    writeFileSync(
      path.join(home, "hooks.json"),
      JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: script, timeout: 10 }] }] } }),
    );
    return script;
  }

  it("does not run an untrusted hook, and says so", async () => {
    writeHook();
    server.enqueue(turn(sse.message("ok")));
    const r = await runInProcess(["exec", "--json", ...providerArgs(), "hi"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(JSON.stringify(server.responsesRequests()[0]!.body.input)).not.toContain("HOOK-CONTEXT-42");
    expect(r.stderr).toMatch(/trust/i);
  });

  it("--dangerously-bypass-hook-trust runs it: its context reaches the model", async () => {
    writeHook();
    server.enqueue(turn(sse.message("ok")));
    const r = await runInProcess(["exec", "--json", "--dangerously-bypass-hook-trust", ...providerArgs(), "hi"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(JSON.stringify(server.responsesRequests()[0]!.body.input)).toContain("HOOK-CONTEXT-42");
  });
});

describe("exec human output", () => {
  it("streams readable progress to stderr and the final answer to stdout", async () => {
    server.enqueue(
      turn(sse.functionCall("exec_command", { cmd: "exit 3" }, { callId: "c1" })),
      turn(sse.message("all done")),
    );
    const r = await runInProcess(["exec", "-s", "danger-full-access", ...providerArgs(), "do it"], { cwd: work, env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("all done\n");
    expect(r.stderr).toContain(`workdir: ${work}`);
    expect(r.stderr).toContain("exec\n");
    expect(r.stderr).toContain("exited 3 in");
    expect(r.stderr).toContain("codex\nall done");
    expect(r.stderr).toContain("tokens used");
  });

  it("draws a spinner while waiting on the model when stderr is a terminal, and none otherwise", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.enqueue(turn(sse.message("slow answer"), { gate }), turn(sse.message("fast")));
    const running = runInProcess(["exec", ...providerArgs(), "wait"], { cwd: work, env: env(), stderrIsTTY: true });
    await server.waitForResponsesRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    release();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Working…");
    expect(r.stdout).toBe("slow answer\n");
    const plain = await runInProcess(["exec", ...providerArgs(), "again"], { cwd: work, env: env() });
    expect(plain.stderr).not.toContain("Working…");
  });

  it("prints the answer once when stdout and stderr are the same terminal", async () => {
    server.enqueue(turn(sse.message("only once")));
    const r = await runInProcess(["exec", ...providerArgs(), "hi"], { cwd: work, env: env(), stderrIsTTY: true, stdoutIsTTY: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("codex\nonly once");
  });

  it("lists a patch's files and exits 1 on a failed turn", async () => {
    const patch = ["*** Begin Patch", "*** Add File: added.txt", "+x", "*** End Patch"].join("\n");
    server.enqueue(turn(sse.customToolCall("apply_patch", patch, { callId: "a1" })), fail.status(500), fail.status(500), fail.status(500));
    const r = await runInProcess(["exec", "-s", "danger-full-access", ...providerArgs(), "patch"], { cwd: work, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/file update\nA .*added\.txt/);
    expect(r.stderr).toContain("ERROR:");
  });
});

describe("exec credentials and config", () => {
  it("says what to set when no API key is available, exit 1", async () => {
    const r = await runInProcess(["exec", "hi"], { cwd: work, env: { CODEX_HOME: home, PATH: process.env.PATH } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("OPENAI_API_KEY");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
  });

  it("retargets the built-in provider with openai_base_url", async () => {
    server.enqueue(turn(sse.message("via base url")));
    const r = await runInProcess(["exec", "--json", "--config", `openai_base_url="${server.url}"`, "hi"], {
      cwd: work,
      env: { CODEX_HOME: home, PATH: process.env.PATH, OPENAI_API_KEY: "sk-test" },
    });
    expect(r.code).toBe(0);
    expect(server.responsesRequests()[0]!.headers.authorization).toBe("Bearer sk-test");
  });

  it("reports an invalid config.toml naming the file", async () => {
    writeFileSync(path.join(home, "config.toml"), "model = [unclosed\n");
    const r = await runInProcess(["exec", ...providerArgs(), "hi"], { cwd: work, env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("config.toml");
  });
});
