import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NetworkPolicySpec } from "./policy.js";
import { type BlockedAttempt, type LookupFn, type NetworkProxy, startNetworkProxy } from "./proxy.js";
import { SOCKS_REPLY } from "./socks5.js";
import {
  connect,
  curl,
  echoRoundTrip,
  fixedLookup,
  httpConnect,
  listen,
  type Origin,
  readUntil,
  socksConnect,
  startEchoOrigin,
  startHttpOrigin,
  testLookup,
  waitFor,
} from "./test-util.js";

let origin: Origin;
let origin6: Origin;
let echo: Origin;
let tlsOrigin: Origin;
let certDir: string;
let certPem: string;

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

const proxies: NetworkProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function start(policy: NetworkPolicySpec, lookup: LookupFn = testLookup()) {
  const r = await startNetworkProxy({ policy, lookup });
  if (!r.ok) throw new Error(r.error.message);
  proxies.push(r.proxy);
  const blocked: BlockedAttempt[] = [];
  r.proxy.onBlocked((b) => blocked.push(b));
  const httpProxy = `http://127.0.0.1:${r.proxy.httpAddress.port}`;
  return { proxy: r.proxy, blocked, httpProxy };
}

/** GET through the HTTP proxy with node's http client (absolute-form). */
function nodeGetViaProxy(
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

const allowLocalTests: NetworkPolicySpec = {
  allowedDomains: ["allowed.test", "secure.test", "*.wild.test", "**.both.test", "bücher.test"],
  deniedDomains: ["denied.test", "*.bad.wild.test"],
  allowLocal: true,
};

describe("allowed hosts pass", () => {
  it("HTTP absolute-form with node http and curl, request body and Host header preserved", async () => {
    const { proxy, httpProxy } = await start(allowLocalTests);
    const viaNode = await nodeGetViaProxy(proxy.httpAddress.port, `http://allowed.test:${origin.port}/a?b=1`);
    expect(viaNode.status).toBe(200);
    expect(viaNode.body).toBe(`origin host=allowed.test:${origin.port} path=/a?b=1 method=GET`);
    expect(viaNode.headers["x-origin"]).toBe("yes");
    const viaCurl = await curl(["-x", httpProxy, "-d", "hello", `http://allowed.test:${origin.port}/post`]);
    expect(viaCurl.code).toBe(0);
    expect(viaCurl.stdout).toContain(
      `origin host=allowed.test:${origin.port} path=/post method=POST body=hello`,
    );
  });

  it("HTTP absolute-form answers are relayed byte for byte: chunked, large, keep-alive clients, bad origins", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    const seen: { url: string; connection: string | undefined; custom: string | undefined; body: string }[] =
      [];
    const special = http.createServer({ keepAlive: true }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        seen.push({
          url: req.url ?? "",
          connection: req.headers.connection,
          custom: req.headers["x-custom"] as string,
          body,
        });
        if (req.url === "/big") {
          res.writeHead(200, { "content-length": String(big.length), "keep-alive": "timeout=5" });
          res.end(big);
        } else if (req.url === "/chunked") {
          res.writeHead(201, { "x-origin": "chunked" });
          res.write("part one, ");
          setImmediate(() => res.end("part two"));
        } else if (req.url === "/hangup") {
          req.socket.destroy();
        } else {
          res.end(`plain ${req.method} ${body}`);
        }
      });
    });
    const specialOrigin = await listen(special, "127.0.0.1");
    try {
      const { proxy } = await start(allowLocalTests);
      const base = `http://allowed.test:${specialOrigin.port}`;
      // A keep-alive client agent: each answer says `connection: close`, and the next request works.
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const get = (pathname: string, method = "GET", body?: string) =>
        new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
          (resolve, reject) => {
            const req = http.request(
              {
                host: "127.0.0.1",
                port: proxy.httpAddress.port,
                method,
                path: `${base}${pathname}`,
                agent,
                headers: {
                  host: `allowed.test:${specialOrigin.port}`,
                  "X-Custom": "kept",
                  ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}),
                },
              },
              (res) => {
                const parts: Buffer[] = [];
                res.on("data", (c: Buffer) => parts.push(c));
                res.on("end", () =>
                  resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
                );
                res.on("error", reject);
              },
            );
            req.on("error", reject);
            req.end(body);
          },
        );
      const chunked = await get("/chunked");
      expect(chunked.status).toBe(201);
      expect(chunked.headers["transfer-encoding"]).toBe("chunked");
      expect(chunked.headers.connection).toBe("close");
      expect(chunked.headers["x-origin"]).toBe("chunked");
      expect(chunked.body.toString()).toBe("part one, part two");
      const large = await get("/big");
      expect(large.status).toBe(200);
      expect(large.headers["keep-alive"]).toBeUndefined();
      expect(large.body.equals(big)).toBe(true);
      const posted = await get("/echo", "POST", "a body");
      expect(posted.body.toString()).toBe("plain POST a body");
      expect(seen.map((r) => [r.url, r.connection, r.custom])).toEqual([
        ["/chunked", "close", "kept"],
        ["/big", "close", "kept"],
        ["/echo", "close", "kept"],
      ]);
      // A chunked request body takes the re-framing path and arrives whole.
      const chunkedPost = await new Promise<string>((resolve, reject) => {
        const req = http.request(
          { host: "127.0.0.1", port: proxy.httpAddress.port, method: "POST", path: `${base}/echo` },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => {
              text += c.toString();
            });
            res.on("end", () => resolve(text));
          },
        );
        req.on("error", reject);
        req.write("chunk one ");
        req.end("chunk two");
      });
      expect(chunkedPost).toBe("plain POST chunk one chunk two");
      // Two pipelined requests on one connection: the first is answered, then the connection closes.
      const pipelined = await connect(proxy.httpAddress.port);
      const request = (n: number) =>
        `GET ${base}/p${n} HTTP/1.1\r\nHost: allowed.test:${specialOrigin.port}\r\n\r\n`;
      pipelined.write(request(1) + request(2));
      const answered = (await readUntil(pipelined, () => false).catch((err: Error) => err.message)) as string;
      expect(answered).toContain("plain GET");
      expect(answered.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
      pipelined.destroy();
      // An origin that hangs up before answering: 502 from the proxy.
      const hangup = await get("/hangup");
      expect(hangup.status).toBe(502);
      expect(hangup.body.toString()).toContain("upstream error");
      agent.destroy();
    } finally {
      await specialOrigin.close();
    }
  });

  it("CONNECT: curl tunnels plain HTTP (-p) and HTTPS; node https over a CONNECT socket", async () => {
    const { proxy, httpProxy } = await start(allowLocalTests);
    const tunnelled = await curl(["-p", "-x", httpProxy, `http://allowed.test:${origin.port}/t`]);
    expect(tunnelled.code).toBe(0);
    expect(tunnelled.stdout).toContain("200 Connection Established");
    expect(tunnelled.stdout).toContain(`origin host=allowed.test:${origin.port} path=/t`);

    const caFile = path.join(certDir, "cert.pem");
    const secure = await curl([
      "--cacert",
      caFile,
      "-x",
      httpProxy,
      `https://secure.test:${tlsOrigin.port}/s`,
    ]);
    expect(secure.code).toBe(0);
    expect(secure.stdout).toContain(`tls origin host=secure.test:${tlsOrigin.port} path=/s`);

    const { head, socket } = await httpConnect(proxy.httpAddress.port, `secure.test:${tlsOrigin.port}`);
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          host: "secure.test",
          port: tlsOrigin.port,
          path: "/node",
          ca: certPem,
          createConnection: () => tls.connect({ socket, servername: "secure.test", ca: certPem }),
        },
        (res) => {
          let b = "";
          res.on("data", (c: Buffer) => {
            b += c.toString();
          });
          res.on("end", () => resolve(b));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe(`tls origin host=secure.test:${tlsOrigin.port} path=/node`);
  });

  it("SOCKS5 with a domain (curl --socks5-hostname), IPv4 and IPv6 addresses (curl --socks5)", async () => {
    const { proxy } = await start({
      ...allowLocalTests,
      allowedDomains: ["allowed.test", "127.0.0.1", "::1"],
    });
    const socks = `127.0.0.1:${proxy.socksAddress.port}`;
    const byName = await curl(["--socks5-hostname", socks, `http://allowed.test:${origin.port}/n`]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain(`origin host=allowed.test:${origin.port} path=/n`);
    const v4 = await curl(["--socks5", socks, `http://127.0.0.1:${origin.port}/v4`]);
    expect(v4.code).toBe(0);
    expect(v4.stdout).toContain("path=/v4");
    const v6 = await curl(["--socks5", socks, `http://[::1]:${origin6.port}/v6`]);
    expect(v6.code).toBe(0);
    expect(v6.stdout).toContain("path=/v6");
  });

  it("a SOCKS5 tunnel carries bytes both ways after a successful reply", async () => {
    const { proxy } = await start(allowLocalTests);
    const { code, socket } = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "allowed.test" },
      echo.port,
    );
    expect(code).toBe(SOCKS_REPLY.succeeded);
    expect(await echoRoundTrip(socket, "ping over socks")).toContain("ping over socks");
    socket.destroy();
  });
});

describe("half-close", () => {
  it("a client that ends its side still receives the rest of the answer (CONNECT and SOCKS5)", async () => {
    const { proxy } = await start(allowLocalTests);
    const tunnels = [
      (await httpConnect(proxy.httpAddress.port, `allowed.test:${echo.port}`)).socket,
      (await socksConnect(proxy.socksAddress.port, { type: "domain", host: "allowed.test" }, echo.port))
        .socket,
    ];
    for (const socket of tunnels) {
      let received = "";
      socket.on("data", (d: Buffer) => {
        received += d.toString();
      });
      const ended = new Promise<void>((resolve) => socket.once("end", () => resolve()));
      socket.end("last words");
      await ended;
      expect(received).toBe("last words");
      socket.destroy();
    }
  });
});

describe("denied and unlisted hosts are refused", () => {
  it("HTTP gets 403 with x-proxy-error; CONNECT gets 403; SOCKS gets 'not allowed by ruleset'", async () => {
    const { proxy, blocked, httpProxy } = await start(allowLocalTests);
    const denied = await curl(["-x", httpProxy, `http://denied.test:${origin.port}/`]);
    expect(denied.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(denied.stdout).toMatch(/x-proxy-error: blocked-by-denylist/i);
    expect(denied.stdout).not.toContain("origin host=");
    const unlisted = await curl(["-x", httpProxy, `http://other.test:${origin.port}/`]);
    expect(unlisted.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(unlisted.stdout).toMatch(/x-proxy-error: blocked-by-allowlist/i);

    const tunnel = await httpConnect(proxy.httpAddress.port, `denied.test:${echo.port}`);
    expect(tunnel.head).toMatch(/^HTTP\/1\.1 403/);
    expect(tunnel.head).toMatch(/x-proxy-error: blocked-by-denylist/i);
    tunnel.socket.destroy();
    const curlTunnel = await curl(["-x", httpProxy, `https://other.test:${tlsOrigin.port}/`]);
    expect(curlTunnel.code).not.toBe(0);
    expect(curlTunnel.stdout + curlTunnel.stderr).toContain("403");

    for (const host of ["denied.test", "other.test"]) {
      const r = await socksConnect(proxy.socksAddress.port, { type: "domain", host }, echo.port);
      expect(r.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
      r.socket.destroy();
    }
    const viaCurl = await curl([
      "--socks5-hostname",
      `127.0.0.1:${proxy.socksAddress.port}`,
      `http://other.test:${origin.port}/`,
    ]);
    expect(viaCurl.code).not.toBe(0);
    expect(viaCurl.stdout).not.toContain("origin host=");

    expect(blocked).toEqual(
      expect.arrayContaining([
        { host: "denied.test", port: origin.port, protocol: "http", reason: "denied" },
        { host: "other.test", port: origin.port, protocol: "http", reason: "not_allowed" },
        { host: "denied.test", port: echo.port, protocol: "https", reason: "denied" },
        { host: "other.test", port: tlsOrigin.port, protocol: "https", reason: "not_allowed" },
        { host: "denied.test", port: echo.port, protocol: "socks5Tcp", reason: "denied" },
        { host: "other.test", port: echo.port, protocol: "socks5Tcp", reason: "not_allowed" },
      ]),
    );
  });

  it("wildcards: *.x covers subdomains not the apex, **.x both; deny patterns win", async () => {
    const { httpProxy } = await start(allowLocalTests);
    const status = async (host: string) => {
      const r = await curl(["-x", httpProxy, `http://${host}:${origin.port}/`]);
      return Number(/^HTTP\/1\.1 (\d+)/.exec(r.stdout)?.[1]);
    };
    expect(await status("a.wild.test")).toBe(200);
    expect(await status("x.y.wild.test")).toBe(200);
    expect(await status("wild.test")).toBe(403);
    expect(await status("both.test")).toBe(200);
    expect(await status("z.both.test")).toBe(200);
    expect(await status("q.bad.wild.test")).toBe(403);
  });

  it("names are normalised: case, trailing dot, IDNA", async () => {
    const { proxy } = await start(allowLocalTests);
    const raw = async (target: string) => {
      const s = await connect(proxy.httpAddress.port);
      s.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const data = (await readUntil(s, () => false).catch((e: Error) => e.message)) as string;
      s.destroy();
      return data;
    };
    expect(await raw(`http://ALLOWED.Test.:${origin.port}/case`)).toContain("200 OK");
    // The pattern was written in Unicode; clients send the punycode form.
    expect(await raw(`http://xn--bcher-kva.test:${origin.port}/idn`)).toContain("200 OK");
    const socksIdn = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "xn--bcher-kva.test" },
      echo.port,
    );
    expect(socksIdn.code).toBe(SOCKS_REPLY.succeeded);
    socksIdn.socket.destroy();
    const socksUnicode = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "BÜCHER.test." },
      echo.port,
    );
    expect(socksUnicode.code).toBe(SOCKS_REPLY.succeeded);
    socksUnicode.socket.destroy();
    const denied = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "DENIED.test." },
      echo.port,
    );
    expect(denied.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
    denied.socket.destroy();
  });
});

describe("local addresses and rebinding", () => {
  it("IP literals on loopback are refused unless named exactly (HTTP, CONNECT, SOCKS IPv4/IPv6)", async () => {
    const { proxy, blocked, httpProxy } = await start({ allowedDomains: ["*"] });
    const r = await curl(["-x", httpProxy, `http://127.0.0.1:${origin.port}/`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(r.stdout).toMatch(/x-proxy-error: blocked-by-policy/i);
    const t = await httpConnect(proxy.httpAddress.port, `[::1]:${echo.port}`);
    expect(t.head).toMatch(/^HTTP\/1\.1 403/);
    t.socket.destroy();
    const s4 = await socksConnect(proxy.socksAddress.port, { type: "ipv4", host: "127.0.0.1" }, echo.port);
    expect(s4.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
    s4.socket.destroy();
    const loop6 = Buffer.alloc(16);
    loop6[15] = 1;
    const s6 = await socksConnect(proxy.socksAddress.port, { type: "ipv6", bytes: loop6 }, echo.port);
    expect(s6.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
    s6.socket.destroy();
    const meta = await curl(["-x", httpProxy, "http://169.254.169.254/latest/meta-data"]);
    expect(meta.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(blocked.map((b) => b.reason)).toEqual(Array(5).fill("not_allowed_local"));
    expect(blocked.map((b) => b.host)).toEqual(["127.0.0.1", "::1", "127.0.0.1", "::1", "169.254.169.254"]);

    const explicit = await start({ allowedDomains: ["127.0.0.1", "[::1]"] });
    const ok = await curl(["-x", explicit.httpProxy, `http://127.0.0.1:${origin.port}/explicit`]);
    expect(ok.stdout).toContain("path=/explicit");
    const ok6 = await curl(["-x", explicit.httpProxy, `http://[::1]:${origin6.port}/explicit6`]);
    expect(ok6.stdout).toContain("path=/explicit6");
    const other = await curl(["-x", explicit.httpProxy, `http://127.0.0.2:${origin.port}/`]);
    expect(other.stdout).toMatch(/^HTTP\/1\.1 403/);
  });

  it("an allowed name that resolves to a local address is refused (checked on the resolved address)", async () => {
    const calls: string[] = [];
    const { proxy, blocked, httpProxy } = await start({ allowedDomains: ["rebind.test"] }, testLookup(calls));
    const r = await curl(["-x", httpProxy, `http://rebind.test:${origin.port}/`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(r.stdout).not.toContain("origin host=");
    const s = await socksConnect(proxy.socksAddress.port, { type: "domain", host: "rebind.test" }, echo.port);
    expect(s.code).toBe(SOCKS_REPLY.notAllowedByRuleset);
    s.socket.destroy();
    expect(blocked).toEqual([
      {
        host: "rebind.test",
        port: origin.port,
        protocol: "http",
        reason: "not_allowed_local",
        address: "127.0.0.1",
      },
      {
        host: "rebind.test",
        port: echo.port,
        protocol: "socks5Tcp",
        reason: "not_allowed_local",
        address: "127.0.0.1",
      },
    ]);
    expect(calls).toEqual(["rebind.test", "rebind.test"]);
  });

  it("any local address among the answers refuses the attempt", async () => {
    const lookup = fixedLookup([
      { address: "93.184.216.34", family: 4 },
      { address: "::ffff:10.0.0.1", family: 6 },
    ]);
    const { httpProxy, blocked } = await start({ allowedDomains: ["mixed.test"] }, lookup);
    const r = await curl(["-x", httpProxy, "http://mixed.test/"]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403/);
    expect(blocked[0]).toMatchObject({ reason: "not_allowed_local", address: "::ffff:10.0.0.1" });
  });

  it("resolves once per attempt and dials exactly the address it checked", async () => {
    let n = 0;
    // A rebinding resolver: the first answer is the real origin, later answers point elsewhere.
    const lookup: LookupFn = async () => [{ address: n++ === 0 ? "127.0.0.1" : "127.0.0.2", family: 4 }];
    const { httpProxy } = await start({ allowedDomains: ["flip.test"], allowLocal: true }, lookup);
    const r = await curl(["-x", httpProxy, `http://flip.test:${origin.port}/once`]);
    expect(r.stdout).toContain("path=/once");
    expect(n).toBe(1);
  });
});

describe("live policy updates and lifecycle", () => {
  it("updatePolicy applies to the next connection; an open tunnel keeps working", async () => {
    const { proxy } = await start({ allowedDomains: ["allowed.test"], allowLocal: true });
    const open = await httpConnect(proxy.httpAddress.port, `allowed.test:${echo.port}`);
    expect(open.head).toMatch(/^HTTP\/1\.1 200/);
    expect(await echoRoundTrip(open.socket, "before")).toContain("before");

    expect(
      proxy.updatePolicy({ allowedDomains: [], deniedDomains: ["allowed.test"], allowLocal: true }),
    ).toEqual({ ok: true });
    const refused = await httpConnect(proxy.httpAddress.port, `allowed.test:${echo.port}`);
    expect(refused.head).toMatch(/^HTTP\/1\.1 403/);
    refused.socket.destroy();
    expect(await echoRoundTrip(open.socket, "after-update")).toContain("after-update");

    expect(proxy.updatePolicy({ allowedDomains: ["allowed.test"], allowLocal: true }).ok).toBe(true);
    const again = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "allowed.test" },
      echo.port,
    );
    expect(again.code).toBe(SOCKS_REPLY.succeeded);
    again.socket.destroy();
    open.socket.destroy();

    const bad = proxy.updatePolicy({ deniedDomains: ["*"] });
    expect(bad.ok).toBe(false);
    expect(proxy.policy.evaluateHost("allowed.test").allowed).toBe(true);
  });

  it("close() frees both listeners and ends open tunnels", async () => {
    const r = await startNetworkProxy({
      policy: { allowedDomains: ["allowed.test"], allowLocal: true },
      lookup: testLookup(),
    });
    if (!r.ok) throw new Error(r.error.message);
    const { proxy } = r;
    const tunnel = await httpConnect(proxy.httpAddress.port, `allowed.test:${echo.port}`);
    const socks = await socksConnect(
      proxy.socksAddress.port,
      { type: "domain", host: "allowed.test" },
      echo.port,
    );
    let tunnelClosed = false;
    let socksClosed = false;
    tunnel.socket.on("close", () => {
      tunnelClosed = true;
    });
    socks.socket.on("close", () => {
      socksClosed = true;
    });
    await proxy.close();
    await waitFor(() => tunnelClosed && socksClosed);
    for (const port of [proxy.httpAddress.port, proxy.socksAddress.port]) {
      await expect(connect(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    }
    await proxy.close();
  });

  it("bad specs and bad requests get clear answers", async () => {
    const bad = await startNetworkProxy({ policy: { allowedDomains: ["bad host"] } });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid-spec" } });
    const wide = await startNetworkProxy({ policy: {}, listenHost: "0.0.0.0" });
    expect(wide).toMatchObject({ ok: false, error: { code: "invalid-spec" } });
    const port = await startNetworkProxy({ policy: {}, httpPort: 70000 });
    expect(port).toMatchObject({ ok: false, error: { code: "invalid-spec" } });

    const { proxy } = await start(allowLocalTests);
    const originForm = await nodeGetViaProxy(proxy.httpAddress.port, "/not-absolute");
    expect(originForm.status).toBe(400);
    const unresolvable = await nodeGetViaProxy(proxy.httpAddress.port, "http://allowed.nowhere/");
    expect(unresolvable.status).toBe(403); // not allowed: the policy is checked before any DNS
    const { proxy: all } = await start({ allowedDomains: ["*"] });
    const nx = await nodeGetViaProxy(all.httpAddress.port, "http://nowhere.invalid/");
    expect(nx.status).toBe(502);
    const s = await connect(proxy.socksAddress.port);
    s.write(Buffer.from([5, 1, 2])); // only username/password offered
    const reply = await readUntil(s, (d) => d.length >= 2);
    expect([...reply]).toEqual([5, 0xff]);
    s.destroy();
    const bind = await connect(proxy.socksAddress.port);
    bind.write(Buffer.from([5, 1, 0]));
    await readUntil(bind, (d) => d.length >= 2);
    bind.write(Buffer.from([5, 2, 0, 1, 127, 0, 0, 1, 0, 80])); // BIND
    const bindReply = await readUntil(bind, (d) => d.length >= 10);
    expect(bindReply[1]).toBe(SOCKS_REPLY.commandNotSupported);
    bind.destroy();
  });

  it("a refused upstream connection maps to SOCKS 'connection refused' and HTTP 502", async () => {
    const closed = net.createServer();
    const tmp = await listen(closed, "127.0.0.1");
    await tmp.close();
    const { proxy } = await start(allowLocalTests);
    const s = await socksConnect(proxy.socksAddress.port, { type: "domain", host: "allowed.test" }, tmp.port);
    expect(s.code).toBe(SOCKS_REPLY.connectionRefused);
    s.socket.destroy();
    const h = await nodeGetViaProxy(proxy.httpAddress.port, `http://allowed.test:${tmp.port}/`);
    expect(h.status).toBe(502);
  });
});
