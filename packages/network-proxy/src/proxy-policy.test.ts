import net from "node:net";
import { describe, expect, it } from "vitest";
import { type LookupFn, startNetworkProxy } from "./proxy.js";
import { SOCKS_REPLY } from "./socks5.js";
import {
  connect,
  curl,
  echoRoundTrip,
  fixedLookup,
  httpConnect,
  listen,
  readUntil,
  socksConnect,
  testLookup,
  waitFor,
} from "./test-util.js";
import {
  allowLocalTests,
  echo,
  nodeGetViaProxy,
  origin,
  origin6,
  start,
  tlsOrigin,
  useProxyFixture,
} from "./proxy-fixture.js";

useProxyFixture();

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
