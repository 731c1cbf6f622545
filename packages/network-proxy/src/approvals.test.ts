import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultRulesPath, loadExecPolicy, type Policy } from "@codex-ts/execpolicy";
import type { ReviewDecision } from "@codex-ts/protocol";
import { v2 } from "@codex-ts/protocol";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  composeNetworkPolicy,
  createNetworkApprovalBroker,
  networkApprovalContext,
  networkPolicyFromConfig,
  proposedNetworkPolicyAmendments,
} from "./approvals.js";
import { compileNetworkPolicy } from "./policy.js";
import {
  type BlockedAttempt,
  type NetworkAccessRequest,
  type NetworkProxy,
  startNetworkProxy,
} from "./proxy.js";
import { SOCKS_REPLY } from "./socks5.js";
import {
  curl,
  type Origin,
  socksConnect,
  startEchoOrigin,
  startHttpOrigin,
  testLookup,
} from "./test-util.js";

let origin: Origin;
let echo: Origin;
let codexHome: string;
beforeAll(async () => {
  origin = await startHttpOrigin();
  echo = await startEchoOrigin();
});
afterAll(async () => {
  await Promise.all([origin.close(), echo.close()]);
});
beforeEach(() => {
  codexHome = fs.mkdtempSync(path.join(os.tmpdir(), "np-home-"));
  fs.mkdirSync(path.join(codexHome, "rules"));
});
const proxies: NetworkProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  fs.rmSync(codexHome, { recursive: true, force: true });
});

async function loadRules(): Promise<Policy> {
  const loaded = await loadExecPolicy({ codexHome });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  if (loaded.value.warning) throw new Error(JSON.stringify(loaded.value.warning));
  return loaded.value.policy;
}

async function start() {
  const r = await startNetworkProxy({ policy: {}, lookup: testLookup() });
  if (!r.ok) throw new Error(r.error.message);
  proxies.push(r.proxy);
  const blocked: BlockedAttempt[] = [];
  r.proxy.onBlocked((b) => blocked.push(b));
  return { proxy: r.proxy, blocked, httpProxy: `http://127.0.0.1:${r.proxy.httpAddress.port}` };
}

/** Core's side of the seam, scripted: answers with queued decisions and records the requests. */
function scriptedApprovals(...decisions: ReviewDecision[]) {
  const asked: NetworkAccessRequest[] = [];
  return {
    asked,
    requestApproval: async (request: NetworkAccessRequest): Promise<ReviewDecision> => {
      asked.push(request);
      return decisions.shift() ?? "denied";
    },
  };
}

const status = (out: string) => Number(/^HTTP\/1\.1 (\d+)/.exec(out)?.[1]);

describe("config and execpolicy compile into the proxy policy", () => {
  it("networkPolicyFromConfig reads Codex's [network] keys and names bad ones", () => {
    expect(
      networkPolicyFromConfig({
        allowed_domains: ["*.openai.com"],
        denied_domains: ["evil.example"],
        allow_local_binding: true,
        mode: "full",
      }),
    ).toEqual({
      ok: true,
      spec: { allowedDomains: ["*.openai.com"], deniedDomains: ["evil.example"], allowLocal: true },
    });
    expect(networkPolicyFromConfig(undefined)).toEqual({
      ok: true,
      spec: { allowedDomains: [], deniedDomains: [], allowLocal: false },
    });
    const bad = networkPolicyFromConfig({ allowed_domains: "x" });
    expect(!bad.ok && bad.error.message).toContain("allowed_domains");
  });

  it("network_rule allow/deny become allowed/denied hosts; prompt adds nothing", async () => {
    fs.writeFileSync(
      path.join(codexHome, "rules", "default.rules"),
      [
        'network_rule(host = "api.rules.test", protocol = "https", decision = "allow")',
        'network_rule(host = "blocked.rules.test", protocol = "http", decision = "deny")',
        'network_rule(host = "ask.rules.test", protocol = "https", decision = "prompt")',
      ].join("\n"),
    );
    const spec = composeNetworkPolicy(
      { allowedDomains: ["**.rules.test"], allowLocal: true },
      await loadRules(),
      {
        allowed: ["session.test"],
      },
    );
    expect(spec).toEqual({
      allowedDomains: ["**.rules.test", "api.rules.test", "session.test"],
      deniedDomains: ["blocked.rules.test"],
      allowLocal: true,
    });
    const compiled = compileNetworkPolicy(spec);
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.policy.evaluateHost("blocked.rules.test")).toMatchObject({
      allowed: false,
      reason: "denied",
    });
    expect(compiled.policy.evaluateHost("ask.rules.test").allowed).toBe(true); // the wildcard covers it
  });

  it("the approval request carries the app-server's networkApprovalContext and amendments", () => {
    const request: NetworkAccessRequest = { host: "new.test", port: 443, protocol: "https" };
    const context = networkApprovalContext(request);
    expect(v2.NetworkApprovalContext.parse(context)).toEqual({ host: "new.test", protocol: "https" });
    expect(networkApprovalContext({ ...request, protocol: "socks5Tcp" }).protocol).toBe("socks5Tcp");
    const amendments = proposedNetworkPolicyAmendments(request);
    expect(amendments.map((a) => v2.NetworkPolicyAmendment.parse(a))).toEqual([
      { host: "new.test", action: "allow" },
      { host: "new.test", action: "deny" },
    ]);
  });
});

describe("approvals through the broker", () => {
  it("approve once: this attempt passes, the next one asks again", async () => {
    const { proxy, httpProxy } = await start();
    const core = scriptedApprovals("approved", "denied");
    createNetworkApprovalBroker({ proxy, base: { allowLocal: true }, requestApproval: core.requestApproval });
    const first = await curl(["-x", httpProxy, `http://new.test:${origin.port}/1`]);
    expect(first.stdout).toContain("path=/1");
    const second = await curl(["-x", httpProxy, `http://new.test:${origin.port}/2`]);
    expect(status(second.stdout)).toBe(403);
    expect(core.asked).toEqual([
      { host: "new.test", port: origin.port, protocol: "http" },
      { host: "new.test", port: origin.port, protocol: "http" },
    ]);
  });

  it("approve for the session: later attempts (any protocol) pass without asking; nothing is persisted", async () => {
    const { proxy, httpProxy } = await start();
    const core = scriptedApprovals("approved_for_session");
    const broker = createNetworkApprovalBroker({
      proxy,
      base: { allowLocal: true },
      rulesPath: defaultRulesPath(codexHome),
      requestApproval: core.requestApproval,
    });
    expect(status((await curl(["-x", httpProxy, `http://sess.test:${origin.port}/`])).stdout)).toBe(200);
    expect(status((await curl(["-x", httpProxy, `http://sess.test:${origin.port}/`])).stdout)).toBe(200);
    const s = await socksConnect(proxy.socksAddress.port, { type: "domain", host: "sess.test" }, echo.port);
    expect(s.code).toBe(SOCKS_REPLY.succeeded);
    s.socket.destroy();
    expect(core.asked).toHaveLength(1);
    expect(broker.sessionAllowed).toEqual(["sess.test"]);
    expect(fs.existsSync(defaultRulesPath(codexHome))).toBe(false);
  });

  it("approve always: a network_rule is persisted, the policy updates live, and a retry in a new session passes", async () => {
    const { proxy, httpProxy } = await start();
    const core = scriptedApprovals({
      network_policy_amendment: { network_policy_amendment: { host: "always.test", action: "allow" } },
    });
    const broker = createNetworkApprovalBroker({
      proxy,
      base: { allowLocal: true },
      execPolicy: await loadRules(),
      rulesPath: defaultRulesPath(codexHome),
      requestApproval: core.requestApproval,
    });
    const r = await curl(["-p", "-x", httpProxy, `http://always.test:${origin.port}/tunnel`]);
    expect(r.stdout).toContain("path=/tunnel");
    const text = fs.readFileSync(defaultRulesPath(codexHome), "utf8");
    expect(text).toContain('network_rule(host="always.test", protocol="https", decision="allow")');
    expect(broker.execPolicy?.checkNetwork("always.test", "https")).toBe("allow");
    expect(status((await curl(["-x", httpProxy, `http://always.test:${origin.port}/again`])).stdout)).toBe(
      200,
    );
    expect(core.asked).toHaveLength(1);

    // A new session: the rules file alone now allows the host (no approver at all).
    const next = await startNetworkProxy({
      policy: composeNetworkPolicy({ allowLocal: true }, await loadRules()),
      lookup: testLookup(),
    });
    if (!next.ok) throw new Error(next.error.message);
    proxies.push(next.proxy);
    const retry = await curl([
      "-x",
      `http://127.0.0.1:${next.proxy.httpAddress.port}`,
      `http://always.test:${origin.port}/retry`,
    ]);
    expect(retry.stdout).toContain("path=/retry");
  });

  it("deny always persists a deny rule; declined attempts are refused and reported", async () => {
    const { proxy, httpProxy, blocked } = await start();
    const core = scriptedApprovals(
      { network_policy_amendment: { network_policy_amendment: { host: "never.test", action: "deny" } } },
      "denied",
    );
    createNetworkApprovalBroker({
      proxy,
      base: { allowLocal: true },
      execPolicy: await loadRules(),
      rulesPath: defaultRulesPath(codexHome),
      requestApproval: core.requestApproval,
    });
    const first = await curl(["-x", httpProxy, `http://never.test:${origin.port}/`]);
    expect(status(first.stdout)).toBe(403);
    expect(fs.readFileSync(defaultRulesPath(codexHome), "utf8")).toContain(
      'network_rule(host="never.test", protocol="http", decision="deny")',
    );
    const second = await curl(["-x", httpProxy, `http://never.test:${origin.port}/`]);
    expect(second.stdout).toMatch(/x-proxy-error: blocked-by-denylist/i);
    const declined = await curl(["-x", httpProxy, `http://nope.test:${origin.port}/`]);
    expect(declined.stdout).toMatch(/x-proxy-error: blocked-by-allowlist/i);
    expect(core.asked.map((a) => a.host)).toEqual(["never.test", "nope.test"]);
    expect(blocked.map((b) => [b.host, b.reason])).toEqual([
      ["never.test", "not_allowed"],
      ["never.test", "denied"],
      ["nope.test", "not_allowed"],
    ]);
    expect((await loadRules()).checkNetwork("never.test", "http")).toBe("forbidden");
  });

  it("a broad wildcard is never persisted: the decision applies to the session and the error is reported", async () => {
    const { proxy, httpProxy } = await start();
    const errors: string[] = [];
    const core = scriptedApprovals({
      network_policy_amendment: { network_policy_amendment: { host: "*.test", action: "allow" } },
    });
    createNetworkApprovalBroker({
      proxy,
      base: { allowLocal: true },
      rulesPath: defaultRulesPath(codexHome),
      requestApproval: core.requestApproval,
      onError: (m) => errors.push(m),
    });
    const r = await curl(["-x", httpProxy, `http://wide.test:${origin.port}/`]);
    expect(status(r.stdout)).toBe(200);
    expect(errors.join("\n")).toContain("wildcard");
    expect(fs.existsSync(defaultRulesPath(codexHome))).toBe(false);
  });

  it("denied hosts and local addresses never reach the approver; an approval does not lift the local guard", async () => {
    const { proxy, httpProxy } = await start();
    const core = scriptedApprovals("approved");
    createNetworkApprovalBroker({
      proxy,
      base: { deniedDomains: ["denied.test"] },
      requestApproval: core.requestApproval,
    });
    const denied = await curl(["-x", httpProxy, `http://denied.test:${origin.port}/`]);
    expect(status(denied.stdout)).toBe(403);
    const local = await curl(["-x", httpProxy, `http://127.0.0.1:${origin.port}/`]);
    expect(status(local.stdout)).toBe(403);
    expect(core.asked).toEqual([]);
    // allowLocal is off here: an approved name that resolves to 127.0.0.1 is still refused.
    const s = await socksConnect(proxy.socksAddress.port, { type: "domain", host: "same.test" }, echo.port);
    expect(s.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
    s.socket.destroy();
    expect(core.asked).toEqual([{ host: "same.test", port: echo.port, protocol: "socks5Tcp" }]);
  });
});
