/**
 * `.rules` enforcement through the built server: forbidden prefixes refuse commands, project rules
 * only count for a trusted project, and accepting a proposed execpolicy amendment persists it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

beforeEach(() => {
  mkdirSync(path.join(fx.workDir, ".git"));
  mkdirSync(path.join(fx.home, "rules"));
  mkdirSync(path.join(fx.workDir, ".codex", "rules"), { recursive: true });
  writeFileSync(path.join(fx.home, "rules", "user.rules"), 'prefix_rule(pattern=["touch"], decision="forbidden", justification="user rule says no")\n');
  writeFileSync(path.join(fx.workDir, ".codex", "rules", "project.rules"), 'prefix_rule(pattern=["mkdir"], decision="forbidden", justification="project rule says no")\n');
});

const boot = (extraConfig = "") => fx.boot({ extraConfig });
const call = (cmd: string, callId: string) => turn([sse.functionCall("exec_command", { cmd, yield_time_ms: 10_000 }, { callId })]);

describe("exec policy", () => {
  it("a forbidden user rule blocks a command; an untrusted project's rules are ignored", async () => {
    fx.fake.enqueue(call("touch blocked.txt", "c1"), call("mkdir allowed-dir", "c2"), turn([sse.message("done")]));
    // explicitly untrusted: with no decision, thread/start with a writable sandbox would trust the project
    const s = await boot(`\n[projects."${fx.workDir}"]\ntrust_level = "untrusted"\n`);
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { completed } = await runTurn(s, thread.id, "go");
    expect(completed.params.turn.status).toBe("completed");
    expect(existsSync(path.join(fx.workDir, "blocked.txt"))).toBe(false);
    expect(fx.toolOutputText("c1")).toContain("user rule says no");
    expect(existsSync(path.join(fx.workDir, "allowed-dir"))).toBe(true);
  });

  it("a trusted project's rules apply", async () => {
    fx.fake.enqueue(call("mkdir blocked-dir", "c1"), turn([sse.message("done")]));
    const s = await boot(`\n[projects."${fx.workDir}"]\ntrust_level = "trusted"\n`);
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, sandbox: "danger-full-access" });
    await runTurn(s, thread.id, "go");
    expect(existsSync(path.join(fx.workDir, "blocked-dir"))).toBe(false);
    expect(fx.toolOutputText("c1")).toContain("project rule says no");
  });

  it("accepting a proposed execpolicy amendment persists the rule, and the next matching command runs without asking", async () => {
    const first = path.join(fx.workDir, "one.txt");
    fx.fake.enqueue(call(`cp /dev/null ${first}`, "c1"), turn([sse.message("ok")]), call(`cp /dev/null ${first}`, "c2"), turn([sse.message("ok")]));
    const s = await boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "copy" }] });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval");
    const amendment = request.params.proposedExecpolicyAmendment;
    expect(Array.isArray(amendment)).toBe(true);
    expect(amendment![0]).toBe("cp");
    expect(request.params.availableDecisions).toContainEqual({ acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } });
    s.respond(request.id, { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: amendment } } });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(existsSync(first)).toBe(true);
    const rules = readFileSync(path.join(fx.home, "rules", "default.rules"), "utf8");
    expect(rules).toContain('prefix_rule(pattern=["cp"');

    rmSync(first);
    await runTurn(s, thread.id, "copy again");
    expect(existsSync(first)).toBe(true);
    expect(s.messages.filter((m) => m.method === "item/commandExecution/requestApproval")).toHaveLength(1);
  });
});
