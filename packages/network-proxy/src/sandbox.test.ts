/**
 * The sandbox integration end to end: a command under bwrap with proxied networking (its own
 * network namespace, bridged to this proxy by @codex-ts/sandboxing) reaches an allowed host only
 * through the proxy.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readOnlyPermissionProfile } from "@codex-ts/protocol";
import { findOnPath, prepareSandboxedCommand, probeBwrap, resolvePolicy } from "@codex-ts/sandboxing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BlockedAttempt, type NetworkProxy, startNetworkProxy } from "./proxy.js";
import { CURL, type Origin, run, startEchoOrigin, startHttpOrigin, testLookup } from "./test-util.js";

const bwrap = process.platform === "linux" ? findOnPath("bwrap", process.env.PATH) : undefined;
const bwrapProblem = bwrap ? await probeBwrap(bwrap) : "bwrap not found";
const haveCurl = fs.existsSync(CURL);

describe.skipIf(bwrapProblem !== null || !haveCurl)("sandboxed curl with proxied networking", () => {
  let origin: Origin;
  let echo: Origin;
  let proxy: NetworkProxy;
  let cwd: string;
  const blocked: BlockedAttempt[] = [];

  beforeAll(async () => {
    origin = await startHttpOrigin();
    echo = await startEchoOrigin();
    const started = await startNetworkProxy({
      policy: { allowedDomains: ["allowed.test"], allowLocal: true },
      lookup: testLookup(),
    });
    if (!started.ok) throw new Error(started.error.message);
    proxy = started.proxy;
    proxy.onBlocked((b) => blocked.push(b));
    cwd = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "np-sbx-")));
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([origin?.close(), echo?.close()]);
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  async function sandboxed(script: string) {
    const policy = resolvePolicy(readOnlyPermissionProfile("restricted"), {
      cwd,
      networkProxy: { host: proxy.httpAddress.host, port: proxy.httpAddress.port },
    });
    const prepared = await prepareSandboxedCommand({
      policy,
      command: ["sh", "-c", script],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      platform: "linux",
    });
    if (!prepared.ok) throw new Error(prepared.error.message);
    expect(prepared.sandbox).toBe("bwrap");
    return run(prepared.argv, prepared.env);
  }

  it("reaches an allowed host through the proxy; other hosts get 403; direct connections fail", async () => {
    const c = `${CURL} -sS -i --max-time 30`;
    const r = await sandboxed(
      [
        `${c} http://allowed.test:${origin.port}/via-proxy; echo "[exit=$?]"`,
        `${c} -p http://allowed.test:${origin.port}/via-connect; echo "[exit=$?]"`,
        `${c} http://other.test:${origin.port}/; echo "[exit=$?]"`,
        `${c} --noproxy '*' http://127.0.0.1:${origin.port}/direct; echo "[direct-exit=$?]"`,
        `${c} --noproxy '*' http://127.0.0.1:${echo.port}/direct; echo "[direct-echo-exit=$?]"`,
      ].join("; "),
    );
    expect(r.stdout).toContain(`origin host=allowed.test:${origin.port} path=/via-proxy`);
    expect(r.stdout).toContain("200 Connection Established");
    expect(r.stdout).toContain(`origin host=allowed.test:${origin.port} path=/via-connect`);
    expect(r.stdout).toMatch(/HTTP\/1\.1 403[\s\S]*x-proxy-error: blocked-by-allowlist/i);
    expect(r.stdout).not.toContain("path=/direct");
    // curl exit 7: couldn't connect (nothing listens on those ports in the sandbox's namespace).
    expect(r.stdout).toContain("[direct-exit=7]");
    expect(r.stdout).toContain("[direct-echo-exit=7]");
    expect(blocked).toContainEqual({
      host: "other.test",
      port: origin.port,
      protocol: "http",
      reason: "not_allowed",
    });
  }, 120_000);
});
