// End to end under real bwrap: a sandboxed `curl` (restricted network, so the session's proxy is
// its only way out) to a host the policy does not allow raises an exec approval on the running
// command; the answer decides whether the held request reaches the origin.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { findOnPath, probeBwrap } from "@codex-ts/sandboxing";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest, ReviewDecision } from "../tools/index.js";
import type { Session, SessionNetworkProxyOptions } from "./session.js";
import { say, startSession } from "./test-harness.js";

const CURL = "/usr/bin/curl";
const bwrap = process.platform === "linux" ? findOnPath("bwrap", process.env.PATH) : undefined;
const bwrapProblem = bwrap ? await probeBwrap(bwrap) : "bwrap not found";

let server: FakeResponsesServer;
let origin: http.Server;
let originPort: number;
let originHits: string[];
let dir: string;
let work: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  originHits = [];
  origin = http.createServer((req, res) => {
    originHits.push(`${req.headers.host}${req.url}`);
    res.end("hello from origin");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originPort = (origin.address() as AddressInfo).port;
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-netproxy-")));
  work = path.join(dir, "work");
  mkdirSync(work);
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  await new Promise<void>((resolve) => origin.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** `*.test` names resolve to the loopback origin; anything else does not resolve. */
const lookup: SessionNetworkProxyOptions["lookup"] = async (name) => {
  if (name.endsWith(".test")) return [{ address: "127.0.0.1", family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

function start(decide: (request: ApprovalRequest) => ReviewDecision, extra: Partial<SessionNetworkProxyOptions> = {}) {
  const approvals: ApprovalRequest[] = [];
  const h = startSession(server, work, {
    approvalPolicy: "on-request",
    // Workspace-write with the network restricted: only the proxy is reachable from the sandbox.
    sandboxPolicy: { type: "workspace-write", network_access: false },
    tools: { shellTool: "shell_command" },
    // Loopback destinations are allowed so the test origin on 127.0.0.1 is reachable at all.
    networkProxy: { policy: { allowedDomains: [], deniedDomains: [], allowLocal: true }, lookup, ...extra },
    approvalHandler: async (request) => {
      approvals.push(request);
      return decide(request);
    },
  });
  session = h.session;
  return { ...h, approvals };
}

/** One shell_command call running `script`, then a final message. */
function enqueueCommand(script: string, callId: string) {
  server.enqueue(turn(sse.functionCall("shell_command", { command: script, login: false, timeout_ms: 60_000 }, { callId })), turn(sse.message("done")));
}

const curl = (host: string) => `${CURL} -sS -w ' [%{http_code}]' http://${host}:${originPort}/hello`;

function commandOutput(n = 1): string {
  const output = (server.responsesRequests()[n]!.body.input as any[]).find((i) => i.type === "function_call_output");
  return JSON.stringify(output.output);
}

describe.skipIf(bwrapProblem !== null || !existsSync(CURL))("network proxy in the session (real bwrap, sandboxed curl)", () => {
  it("a blocked host becomes an approval on the running command; approved for the session, requests pass", async () => {
    enqueueCommand(`${curl("api.test")}; echo; ${curl("api.test")}`, "net1");
    const h = start(() => "approved_for_session");
    h.session.submit(say("fetch it"));
    await h.turnEnd();
    expect(h.approvals).toHaveLength(1);
    const request = h.approvals[0]!;
    expect(request).toMatchObject({
      kind: "exec",
      callId: "net1",
      reason: "network access to api.test",
      networkApprovalContext: { host: "api.test", protocol: "http" },
      proposedNetworkPolicyAmendments: [
        { host: "api.test", action: "allow" },
        { host: "api.test", action: "deny" },
      ],
    });
    expect(request.kind === "exec" && request.approvalId).not.toBe("net1");
    // Both requests reached the origin through the proxy; the second one without asking again.
    expect(originHits).toEqual([`api.test:${originPort}/hello`, `api.test:${originPort}/hello`]);
    expect(commandOutput().match(/hello from origin \[200\]/g)).toHaveLength(2);
  });

  it("approved once: the held request passes and the next one asks again", async () => {
    enqueueCommand(`${curl("api.test")}; echo; ${curl("api.test")}`, "net2");
    const h = start(() => "approved");
    h.session.submit(say("fetch it twice"));
    await h.turnEnd();
    expect(h.approvals).toHaveLength(2);
    expect(originHits).toHaveLength(2);
  });

  it("declined: the request stays blocked (403) and never reaches the origin", async () => {
    // The direct attempt (proxy bypassed) cannot leave the sandbox's network namespace at all.
    enqueueCommand(`${curl("blocked.test")}; echo; ${CURL} -sS --noproxy '*' -w ' [%{http_code}]' http://127.0.0.1:${originPort}/direct`, "net3");
    const h = start(() => "denied");
    h.session.submit(say("fetch it"));
    await h.turnEnd();
    expect(h.approvals).toHaveLength(1);
    expect(h.approvals[0]).toMatchObject({ networkApprovalContext: { host: "blocked.test" } });
    expect(originHits).toEqual([]);
    expect(commandOutput()).toContain("[403]");
    expect(commandOutput()).toContain("[000]");
    expect(commandOutput()).not.toContain("hello from origin");
  });

  it("a network_policy_amendment is persisted as an execpolicy network_rule and allows the host", async () => {
    const rulesPath = path.join(dir, "rules", "default.rules");
    enqueueCommand(`${curl("always.test")}; echo; ${curl("always.test")}`, "net4");
    const h = start(
      (request) => ({
        network_policy_amendment: {
          network_policy_amendment: { host: request.kind === "exec" ? request.networkApprovalContext!.host : "", action: "allow" },
        },
      }),
      { rulesPath },
    );
    h.session.submit(say("fetch it"));
    await h.turnEnd();
    expect(h.approvals).toHaveLength(1);
    expect(originHits).toHaveLength(2);
    const rules = readFileSync(rulesPath, "utf8");
    expect(rules).toContain("network_rule(");
    expect(rules).toContain('"always.test"');
    expect(rules).toContain('"allow"');
  });

  it("without an approval handler the request is an exec_approval_request event answered by an op", async () => {
    enqueueCommand(curl("event.test"), "net5");
    const h = startSession(server, work, {
      approvalPolicy: "on-request",
      sandboxPolicy: { type: "workspace-write" },
      tools: { shellTool: "shell_command" },
      networkProxy: { policy: { allowedDomains: [], deniedDomains: [], allowLocal: true }, lookup },
    });
    session = h.session;
    h.session.submit(say("fetch it"));
    const asked = await h.waitFor((e) => e.msg.type === "exec_approval_request");
    expect(asked.msg).toMatchObject({
      call_id: "net5",
      reason: "network access to event.test",
      network_approval_context: { host: "event.test", protocol: "http" },
      proposed_network_policy_amendments: [
        { host: "event.test", action: "allow" },
        { host: "event.test", action: "deny" },
      ],
    });
    const approvalId = (asked.msg as { approval_id: string }).approval_id;
    h.session.submit({ type: "exec_approval", id: approvalId, decision: "approved" });
    await h.turnEnd();
    expect(originHits).toEqual([`event.test:${originPort}/hello`]);
    expect(commandOutput()).toContain("hello from origin [200]");
  });
});
