/**
 * `.rules` enforcement through the built server: forbidden prefixes refuse commands, project rules
 * only count for a trusted project, and accepting a proposed execpolicy amendment persists it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, runTurn, startWithFakeModel } from "./harness.js";

let fake: FakeResponsesServer;
let servers: AppServerProcess[] = [];
let workDir: string;
let home: string;

beforeEach(async () => {
  fake = await startFakeResponsesServer();
  workDir = makeTempDir("codex-work-");
  home = makeTempDir("codex-home-");
  mkdirSync(path.join(workDir, ".git"));
  mkdirSync(path.join(home, "rules"));
  mkdirSync(path.join(workDir, ".codex", "rules"), { recursive: true });
  writeFileSync(path.join(home, "rules", "user.rules"), 'prefix_rule(pattern=["touch"], decision="forbidden", justification="user rule says no")\n');
  writeFileSync(path.join(workDir, ".codex", "rules", "project.rules"), 'prefix_rule(pattern=["mkdir"], decision="forbidden", justification="project rule says no")\n');
});
afterEach(async () => {
  for (const s of servers) await s.dispose();
  servers = [];
  await fake.close();
  rmSync(workDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

async function boot(extraConfig = ""): Promise<AppServerProcess> {
  const s = await startWithFakeModel(fake.url, { codexHome: home, extraConfig });
  servers.push(s);
  return s;
}

const call = (cmd: string, callId: string) => turn([sse.functionCall("exec_command", { cmd, yield_time_ms: 10_000 }, { callId })]);
/** The output the model got back for `callId`. */
function outputOf(callId: string): string {
  for (const request of fake.responsesRequests()) {
    const input = (request.body as { input?: any[] } | undefined)?.input ?? [];
    const item = input.find((i) => i.type === "function_call_output" && i.call_id === callId);
    if (item) return typeof item.output === "string" ? item.output : JSON.stringify(item.output);
  }
  return "";
}

describe("exec policy", () => {
  it("a forbidden user rule blocks a command; an untrusted project's rules are ignored", async () => {
    fake.enqueue(call("touch blocked.txt", "c1"), call("mkdir allowed-dir", "c2"), turn([sse.message("done")]));
    // explicitly untrusted: with no decision, thread/start with a writable sandbox would trust the project
    const s = await boot(`\n[projects."${workDir}"]\ntrust_level = "untrusted"\n`);
    const { thread } = await s.call("thread/start", { cwd: workDir });
    const { completed } = await runTurn(s, thread.id, "go");
    expect(completed.params.turn.status).toBe("completed");
    expect(existsSync(path.join(workDir, "blocked.txt"))).toBe(false);
    expect(outputOf("c1")).toContain("user rule says no");
    expect(existsSync(path.join(workDir, "allowed-dir"))).toBe(true);
  });

  it("a trusted project's rules apply", async () => {
    fake.enqueue(call("mkdir blocked-dir", "c1"), turn([sse.message("done")]));
    const s = await boot(`\n[projects."${workDir}"]\ntrust_level = "trusted"\n`);
    const { thread } = await s.call("thread/start", { cwd: workDir, sandbox: "danger-full-access" });
    await runTurn(s, thread.id, "go");
    expect(existsSync(path.join(workDir, "blocked-dir"))).toBe(false);
    expect(outputOf("c1")).toContain("project rule says no");
  });

  it("accepting a proposed execpolicy amendment persists the rule, and the next matching command runs without asking", async () => {
    const first = path.join(workDir, "one.txt");
    fake.enqueue(call(`cp /dev/null ${first}`, "c1"), turn([sse.message("ok")]), call(`cp /dev/null ${first}`, "c2"), turn([sse.message("ok")]));
    const s = await boot();
    const { thread } = await s.call("thread/start", { cwd: workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "copy" }] });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval");
    const amendment = request.params.proposedExecpolicyAmendment;
    expect(Array.isArray(amendment)).toBe(true);
    expect(amendment[0]).toBe("cp");
    expect(request.params.availableDecisions).toContainEqual({ acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } });
    s.respond(request.id, { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } } });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(existsSync(first)).toBe(true);
    const rules = readFileSync(path.join(home, "rules", "default.rules"), "utf8");
    expect(rules).toContain('prefix_rule(pattern=["cp"');

    rmSync(first);
    await runTurn(s, thread.id, "copy again");
    expect(existsSync(first)).toBe(true);
    expect(s.messages.filter((m) => m.method === "item/commandExecution/requestApproval")).toHaveLength(1);
  });
});
