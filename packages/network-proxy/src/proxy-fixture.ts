/**
 * The proxy tests' shared fixture: real origins (HTTP on IPv4 and IPv6, an echo server, and an
 * HTTPS origin with a throwaway certificate for `secure.test`), proxies started per test and
 * closed after it. Call {@link useProxyFixture} at the top of a test file; the origins are live
 * bindings, set once its `beforeAll` ran.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { NetworkPolicySpec } from "./policy.js";
import { type BlockedAttempt, type LookupFn, type NetworkProxy, startNetworkProxy } from "./proxy.js";
import { listen, type Origin, startEchoOrigin, startHttpOrigin, testLookup } from "./test-util.js";

export let origin: Origin;
export let origin6: Origin;
export let echo: Origin;
export let tlsOrigin: Origin;
export let certDir: string;
export let certPem: string;
/** The proxies `start` opened in the running test. */
const proxies: NetworkProxy[] = [];

/** Registers the hooks that start the origins (once per file) and close each test's proxies. */
export function useProxyFixture(): void {
  beforeAll(async () => {
    origin = await startHttpOrigin();
    origin6 = await startHttpOrigin("::1");
    echo = await startEchoOrigin();
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), "np-cert-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=secure.test",
        "-addext",
        "subjectAltName=DNS:secure.test",
        "-keyout",
        path.join(certDir, "key.pem"),
        "-out",
        path.join(certDir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    certPem = fs.readFileSync(path.join(certDir, "cert.pem"), "utf8");
    const server = https.createServer(
      { key: fs.readFileSync(path.join(certDir, "key.pem")), cert: certPem },
      (req, res) => res.end(`tls origin host=${req.headers.host} path=${req.url}`),
    );
    tlsOrigin = await listen(server, "127.0.0.1");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([origin.close(), origin6.close(), echo.close(), tlsOrigin.close()]);
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
}

/** Starts a proxy (closed after the test) that records its blocked attempts. */
export async function start(policy: NetworkPolicySpec, lookup: LookupFn = testLookup()) {
  const r = await startNetworkProxy({ policy, lookup });
  if (!r.ok) throw new Error(r.error.message);
  proxies.push(r.proxy);
  const blocked: BlockedAttempt[] = [];
  r.proxy.onBlocked((b) => blocked.push(b));
  const httpProxy = `http://127.0.0.1:${r.proxy.httpAddress.port}`;
  return { proxy: r.proxy, blocked, httpProxy };
}

/** GET through the HTTP proxy with node's http client (absolute-form). */
export function nodeGetViaProxy(
  proxyPort: number,
  url: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const host = url.startsWith("http") ? new URL(url).host : "127.0.0.1";
    const req = http.request(
      { host: "127.0.0.1", port: proxyPort, method: "GET", path: url, headers: { host } },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

export const allowLocalTests: NetworkPolicySpec = {
  allowedDomains: ["allowed.test", "secure.test", "*.wild.test", "**.both.test", "bücher.test"],
  deniedDomains: ["denied.test", "*.bad.wild.test"],
  allowLocal: true,
};
