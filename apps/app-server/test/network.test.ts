/**
 * Network approvals through the built server under real bwrap: a sandboxed `curl` to a host the
 * proxy policy does not list raises item/commandExecution/requestApproval with a
 * networkApprovalContext and proposedNetworkPolicyAmendments; accepting lets the request through.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sse, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bwrapWorks, findItem, useAppServerFixture } from "./harness.js";

const sandboxed = bwrapWorks();

const fx = useAppServerFixture();
let origin: http.Server;
let originPort: number;
let originHits: number;

beforeEach(async () => {
  originHits = 0;
  origin = http.createServer((_req, res) => {
    originHits += 1;
    res.end("ORIGIN-REPLY-5150");
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originPort = (origin.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise<void>((resolve) => origin.close(() => resolve()));
});

describe.skipIf(!sandboxed)("network approvals", () => {
  it("asks about an unlisted host with networkApprovalContext and lets it through once accepted", async () => {
    const cmd = `curl -s --noproxy '' -x "$HTTP_PROXY" http://localhost:${originPort}/`;
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd, yield_time_ms: 30_000 }, { callId: "net-1" })]), turn([sse.message("done")]));
    const s = await fx.boot({ extraConfig: "\n[network]\nenabled = true\nallow_local_binding = true\n" });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, sandbox: "workspace-write", approvalPolicy: "on-request" });
    const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "fetch" }] });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval", 60_000);
    expect(request.params.itemId).toBe("net-1");
    expect(request.params.networkApprovalContext).toEqual({ host: "localhost", protocol: "http" });
    expect(request.params.proposedNetworkPolicyAmendments).toContainEqual({ host: "localhost", action: "allow" });
    expect(originHits).toBe(0);
    s.respond(request.id, { decision: "accept" });
    const completed = await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id, 60_000);
    const item = findItem(completed.params.turn.items, "commandExecution");
    expect(item!.aggregatedOutput).toContain("ORIGIN-REPLY-5150");
    expect(originHits).toBe(1);
  });
});
