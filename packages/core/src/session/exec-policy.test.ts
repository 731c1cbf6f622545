// loadSessionExecPolicy: user and project `.rules` enforced in a session; accepted prefix rules
// persisted to CODEX_HOME/rules/default.rules.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest } from "../tools/index.js";
import { loadSessionExecPolicy } from "./exec-policy.js";
import type { Session } from "./session.js";
import { say, startSession, useSessionDirs } from "./test-harness.js";

let server: FakeResponsesServer;
let home: string;
let work: string;
let session: Session | undefined;

useSessionDirs(
  "codex-rules-",
  (d) => {
    ({ server, home, work } = d);
  },
  async () => {
    await session?.shutdown();
    session = undefined;
  },
);
beforeEach(() => {
  mkdirSync(path.join(home, "rules"));
  mkdirSync(path.join(work, ".git"));
  mkdirSync(path.join(work, ".codex", "rules"), { recursive: true });
});

const outputOf = (n: number, callId: string) =>
  JSON.stringify((server.responsesRequests()[n]!.body.input as any[]).find((i) => i.type === "function_call_output" && i.call_id === callId)?.output);

describe("loadSessionExecPolicy", () => {
  it("enforces user and project rules in a session", async () => {
    writeFileSync(path.join(home, "rules", "user.rules"), 'prefix_rule(pattern=["touch"], decision="forbidden", justification="user says no")\n');
    writeFileSync(path.join(work, ".codex", "rules", "project.rules"), 'prefix_rule(pattern=["mkdir"], decision="forbidden", justification="project says no")\n');
    const loaded = await loadSessionExecPolicy({ codexHome: home, cwd: work });
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.files).toEqual([path.join(home, "rules", "user.rules"), path.join(work, ".codex", "rules", "project.rules")]);
    server.enqueue(
      turn([
        sse.functionCall("shell_command", { command: "touch a.txt" }, { callId: "t1" }),
        sse.functionCall("shell_command", { command: "mkdir b" }, { callId: "m1" }),
      ]),
      turn(sse.message("ok")),
    );
    const h = startSession(server, work, { execPolicy: loaded.execPolicy, onExecpolicyAmendment: loaded.onExecpolicyAmendment });
    session = h.session;
    h.session.submit(say("try"));
    await h.turnEnd();
    expect(existsSync(path.join(work, "a.txt"))).toBe(false);
    expect(existsSync(path.join(work, "b"))).toBe(false);
    expect(outputOf(1, "t1")).toContain("user says no");
    expect(outputOf(1, "m1")).toContain("project says no");
  });

  it("skips project rules when asked (untrusted project) and reports unparsable files", async () => {
    writeFileSync(path.join(work, ".codex", "rules", "project.rules"), 'prefix_rule(pattern=["mkdir"], decision="forbidden")\n');
    const untrusted = await loadSessionExecPolicy({ codexHome: home, cwd: work, includeProjectRules: false });
    expect(untrusted.ok && untrusted.files).toEqual([]);
    writeFileSync(path.join(home, "rules", "bad.rules"), "prefix_rule(pattern=\n");
    const bad = await loadSessionExecPolicy({ codexHome: home, cwd: work });
    expect(bad.ok && bad.warnings.length).toBe(1);
  });

  it("persists an accepted prefix rule to default.rules, and it applies after a reload", async () => {
    const loaded = await loadSessionExecPolicy({ codexHome: home, cwd: work });
    if (!loaded.ok) throw new Error(loaded.error);
    const approvals: ApprovalRequest[] = [];
    server.enqueue(turn(sse.functionCall("shell_command", { command: "mkdir made" }, { callId: "a1" })), turn(sse.message("ok")));
    const h = startSession(server, work, {
      approvalPolicy: "untrusted",
      execPolicy: loaded.execPolicy,
      onExecpolicyAmendment: loaded.onExecpolicyAmendment,
      approvalHandler: async (request) => {
        approvals.push(request);
        const proposed = request.kind === "exec" ? request.proposedExecpolicyAmendment : undefined;
        if (!proposed) return "denied";
        return { approved_execpolicy_amendment: { proposed_execpolicy_amendment: proposed } };
      },
    });
    session = h.session;
    h.session.submit(say("make it"));
    await h.turnEnd();
    expect(approvals).toHaveLength(1);
    expect(existsSync(path.join(work, "made"))).toBe(true);
    const rules = readFileSync(path.join(home, "rules", "default.rules"), "utf8");
    expect(rules).toContain('prefix_rule(pattern=["mkdir"');
    const reloaded = await loadSessionExecPolicy({ codexHome: home, cwd: work });
    expect(reloaded.ok && reloaded.files).toContain(path.join(home, "rules", "default.rules"));
  });
});
