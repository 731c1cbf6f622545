import { existsSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { Session } from "../session/session.js";
import { type Harness, say, type SessionDirs, startSession, useSessionDirs } from "../session/test-harness.js";
import { autoApprovalReviewer, type GuardianReport } from "./guardian.js";

let dirs: SessionDirs;
let h: Harness | undefined;
useSessionDirs("core-guardian-", (d) => (dirs = d), async () => {
  await h?.session.shutdown();
  h = undefined;
});

const escalated = (file: string) =>
  turn(sse.functionCall("shell_command", { command: `touch ${file}`, sandbox_permissions: "require_escalated", justification: "write outside" }, { callId: "c1" }));

function start(reports: GuardianReport[]): Harness {
  let session: Session | undefined;
  const harness = startSession(dirs.server, dirs.work, {
    approvalPolicy: "on-request",
    sandboxPolicy: { type: "read-only" },
    approvalHandler: autoApprovalReviewer(() => session!, { onDecision: (r) => reports.push(r) }),
  });
  session = harness.session;
  return harness;
}

describe("autoApprovalReviewer (--approve-for-me)", () => {
  it("asks a guardian sub-agent with the transcript and the planned action; allow runs the command", async () => {
    const file = path.join(dirs.dir, "outside.txt");
    dirs.server.enqueue(escalated(file), turn(sse.message('{"risk_level":"low","user_authorization":"high","outcome":"allow","rationale":"asked for"}')), turn(sse.message("done")));
    const reports: GuardianReport[] = [];
    h = start(reports);
    h.session.submit(say("please touch the file"));
    await h.turnEnd();
    expect(existsSync(file)).toBe(true);
    expect(reports.map((r) => [r.decision, r.assessment?.risk_level])).toEqual([["approved", "low"]]);
    const guardian = dirs.server.responsesRequests()[1]!;
    expect(guardian.headers["x-openai-subagent"]).toBe("guardian");
    const body = guardian.body as { text?: { format?: { type: string; schema: { required: string[] } } }; input: unknown[] };
    expect(body.text?.format).toMatchObject({ type: "json_schema", schema: { required: ["outcome"] } });
    const prompt = JSON.stringify(body.input);
    expect(prompt).toContain("user: please touch the file");
    expect(prompt).toContain(`touch ${file}`);
    expect(JSON.stringify(body)).toContain("# Approval review");
  });

  it("deny, or three answers that are not the assessment JSON, keep the command from running (fails closed)", async () => {
    const file = path.join(dirs.dir, "denied.txt");
    dirs.server.enqueue(escalated(file), turn(sse.message('{"outcome":"deny","rationale":"not asked"}')), turn(sse.message("ok, not doing it")));
    const reports: GuardianReport[] = [];
    h = start(reports);
    h.session.submit(say("hi"));
    await h.turnEnd();
    expect(existsSync(file)).toBe(false);
    expect(reports.map((r) => r.decision)).toEqual(["denied"]);
    await h.session.shutdown();

    dirs.server.enqueue(escalated(file), turn(sse.message("sure!")), turn(sse.message("{bad")), turn(sse.message("yes")), turn(sse.message("gave up")));
    const second: GuardianReport[] = [];
    h = start(second);
    h.session.submit(say("hi"));
    await h.turnEnd();
    expect(existsSync(file)).toBe(false);
    expect(second.map((r) => [r.decision, r.assessment])).toEqual([["denied", null]]);
    const guardians = dirs.server.responsesRequests().filter((r) => r.headers["x-openai-subagent"] === "guardian");
    expect(guardians).toHaveLength(4);
    expect(dirs.server.unscripted).toEqual([]);
  });
});
