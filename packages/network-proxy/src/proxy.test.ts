import http from "node:http";
import https from "node:https";
import path from "node:path";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { SOCKS_REPLY } from "./socks5.js";
import { connect, curl, echoRoundTrip, httpConnect, listen, readUntil, socksConnect } from "./test-util.js";
import {
  allowLocalTests,
  certDir,
  certPem,
  echo,
  nodeGetViaProxy,
  origin,
  origin6,
  start,
  tlsOrigin,
  useProxyFixture,
} from "./proxy-fixture.js";

useProxyFixture();

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
