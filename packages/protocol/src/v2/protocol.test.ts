import { describe, expect, it } from "vitest";
import { ReviewDecision } from "../core/policy.js";
import {
  commandDecisionToReviewDecision,
  reviewDecisionToCommandDecision,
  reviewDecisionToFileChangeDecision,
} from "./approvals.js";
import {
  ClientRequest,
  ServerNotification,
  ServerRequest,
  clientRequestMethods,
  parseClientRequest,
  serverNotificationMethods,
} from "./protocol.js";
import { CommandExecutionApprovalDecision } from "./server-requests.js";

describe("ClientRequest", () => {
  it("parses by method and types params", () => {
    const request = ClientRequest.parse({
      id: 1,
      method: "thread/read",
      params: { threadId: "t", includeTurns: true },
    });
    expect(request.method).toBe("thread/read");
    if (request.method === "thread/read") expect(request.params.includeTurns).toBe(true);
  });

  it("answers unknown methods with -32601 and bad params with -32602 naming the path", () => {
    const unknown = parseClientRequest({ id: 1, method: "nope/nope", params: {} });
    expect(unknown).toEqual({ ok: false, error: { code: -32601, message: "unknown method: nope/nope" } });
    const bad = parseClientRequest({ id: 2, method: "turn/start", params: { threadId: 5, input: [] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe(-32602);
      expect(bad.error.message).toContain("params.threadId");
    }
    expect(parseClientRequest("garbage").ok).toBe(false);
    expect(parseClientRequest(null).ok).toBe(false);
  });

  it("has a params and response schema for every method", () => {
    for (const [method, entry] of Object.entries(clientRequestMethods)) {
      expect(typeof entry.params.safeParse, method).toBe("function");
      expect(typeof entry.response.safeParse, method).toBe("function");
    }
    expect(Object.keys(clientRequestMethods)).toEqual(
      expect.arrayContaining([
        "initialize",
        "thread/goal/clear",
        "config/batchWrite",
        "command/exec/terminate",
      ]),
    );
  });
});

describe("ServerNotification / ServerRequest", () => {
  it("reads an item/completed notification with item timing", () => {
    const n = ServerNotification.parse({
      method: "item/completed",
      params: {
        threadId: "t",
        turnId: "u",
        completedAtMs: 10,
        item: { type: "agentMessage", id: "m", text: "hi", startedAtMs: 1, completedAtMs: 10 },
      },
    });
    if (n.method !== "item/completed") throw new Error("wrong method");
    expect(n.params.item).toMatchObject({ phase: null, completedAtMs: 10 });
    expect(n.params.contentTokenCount).toBeNull();
    expect(Object.keys(serverNotificationMethods)).toContain("serverRequest/resolved");
  });

  it("reads a command approval request with approvalId and availableDecisions", () => {
    const r = ServerRequest.parse({
      id: 0,
      method: "item/commandExecution/requestApproval",
      params: {
        threadId: "t",
        turnId: "u",
        itemId: "c",
        startedAtMs: 3,
        approvalId: "a1",
        availableDecisions: [
          "accept",
          { acceptWithExecpolicyAmendment: { execpolicy_amendment: ["ls"] } },
          "cancel",
        ],
      },
    });
    if (r.method !== "item/commandExecution/requestApproval") throw new Error("wrong method");
    expect(r.params.approvalId).toBe("a1");
    expect(r.params.kind).toBe("command");
    expect(r.params.command).toBeNull();
  });
});

describe("ReviewDecision <-> CommandExecutionApprovalDecision", () => {
  const pairs: Array<[CommandExecutionApprovalDecision, ReviewDecision]> = [
    ["accept", "approved"],
    ["acceptForSession", "approved_for_session"],
    ["decline", "denied"],
    ["cancel", "abort"],
    [
      { acceptWithExecpolicyAmendment: { execpolicy_amendment: ["git", "status"] } },
      { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ["git", "status"] } },
    ],
    [
      { applyNetworkPolicyAmendment: { network_policy_amendment: { host: "x.com", action: "allow" } } },
      { network_policy_amendment: { network_policy_amendment: { host: "x.com", action: "allow" } } },
    ],
  ];
  it.each(pairs)("maps %j both ways", (v2, core) => {
    expect(commandDecisionToReviewDecision(v2)).toEqual(core);
    expect(reviewDecisionToCommandDecision(core)).toEqual(v2);
    expect(ReviewDecision.parse(commandDecisionToReviewDecision(v2))).toEqual(core);
    expect(CommandExecutionApprovalDecision.parse(reviewDecisionToCommandDecision(core))).toEqual(v2);
  });
  it("reads timed_out as decline, and amendments as accept for file changes", () => {
    expect(reviewDecisionToCommandDecision("timed_out")).toBe("decline");
    expect(
      reviewDecisionToFileChangeDecision({
        approved_execpolicy_amendment: { proposed_execpolicy_amendment: [] },
      }),
    ).toBe("accept");
  });
});
