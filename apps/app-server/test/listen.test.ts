import { existsSync, lstatSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, type Message, runTurn, useAppServerFixture, writeFakeProviderConfig } from "./harness.js";
import type { RpcClient } from "./rpc-client.js";
import { WsClient } from "./ws-client.js";

const fx = useAppServerFixture();

/** Waits until the server printed its listener URLs on stderr. */
async function listenUrls(server: AppServerProcess, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const urls = [...server.stderr.matchAll(/listening on: (\S+)/g)].map((m) => m[1] as string);
    if (urls.length >= count) return urls;
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`no listener URLs; stderr:\n${server.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function threadIdsIn(messages: Message[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) {
    const id = m.params?.threadId ?? m.params?.thread?.id;
    if (typeof m.method === "string" && typeof id === "string") ids.add(id);
  }
  return ids;
}

describe("transports: --listen stdio:// | unix://[PATH] | ws://IP:PORT | off", () => {
  it("serves stdio, unix-socket and WebSocket clients at once, each hearing only its own threads", async () => {
    writeFakeProviderConfig(fx.home, fx.fake.url);
    for (let i = 0; i < 3; i++) fx.fake.enqueue(turn([sse.message("same answer", { deltas: 2 })]));
    const socket = path.join(fx.tempDir("codex-sock-"), "ctl.sock");
    const server = await fx.spawn({ codexHome: fx.home, args: ["--listen", "stdio://", "--listen", "ws://127.0.0.1:0", "--listen", `unix://${socket}`] });
    const [wsUrl, unixUrl] = await listenUrls(server, 2);
    expect(wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(unixUrl).toBe(`unix://${socket}`);
    expect(lstatSync(socket).mode & 0o777).toBe(0o600);

    const ws = await WsClient.connect(wsUrl as string);
    const unix = await WsClient.connect(unixUrl as string);
    try {
      const clients: RpcClient[] = [server, ws, unix];
      expect((await ws.request("thread/list", {})).error).toEqual({ code: -32600, message: "Not initialized" });
      for (const client of clients) expect((await client.initialize()).codexHome).toBe(fx.home);
      const threads = await Promise.all(clients.map((c) => c.call("thread/start", { cwd: fx.workDir })));
      const turns = await Promise.all(clients.map((c, i) => runTurn(c as AppServerProcess, threads[i]!.thread.id, `hello from ${i}`)));
      for (const [i, client] of clients.entries()) {
        expect(turns[i]!.completed.params.turn.status).toBe("completed");
        expect([...threadIdsIn(client.messages)]).toEqual([threads[i]!.thread.id]);
        expect(client.notifications().every((m) => typeof m.emittedAtMs === "number")).toBe(true);
        client.assertClean();
      }
      // A second client can subscribe to another's thread with thread/resume.
      const resumed = await ws.call("thread/resume", { threadId: threads[0]!.thread.id });
      expect(resumed.thread.id).toBe(threads[0]!.thread.id);
      fx.fake.enqueue(turn([sse.message("both hear this")]));
      const { turnId } = await runTurn(server, threads[0]!.thread.id, "shared");
      await ws.waitForNotification("turn/completed", (p) => p.turn.id === turnId);
      expect((await ws.call("thread/unsubscribe", { threadId: threads[0]!.thread.id })).status).toBe("unsubscribed");
      expect((await ws.call("thread/unsubscribe", { threadId: threads[0]!.thread.id })).status).toBe("notSubscribed");
    } finally {
      await ws.close();
      await unix.close();
    }
    expect(await server.close()).toBe(0);
    expect(existsSync(socket)).toBe(false);
  });

  it("answers health probes, refuses browser origins, and stops on SIGTERM without stdio", async () => {
    const server = await fx.spawn({ codexHome: fx.home, args: ["--listen", "ws://127.0.0.1:0"] });
    const [url] = await listenUrls(server, 1);
    const http = (url as string).replace("ws://", "http://");
    expect((await fetch(`${http}/readyz`)).status).toBe(200);
    expect((await fetch(`${http}/healthz`)).status).toBe(200);
    expect((await fetch(`${http}/healthz`, { headers: { origin: "https://evil.example" } })).status).toBe(403);
    await expect(WsClient.connect(url as string, { origin: "https://evil.example" })).rejects.toThrow("HTTP 403");
    const client = await WsClient.connect(url as string);
    await client.initialize();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("listens on CODEX_HOME's control socket for a bare unix://", async () => {
    const server = await fx.spawn({ codexHome: fx.home, args: ["--listen", "unix://"] });
    const [url] = await listenUrls(server, 1);
    expect(url).toBe(`unix://${path.join(fx.home, "app-server-control", "app-server-control.sock")}`);
    const client = await WsClient.connect(url as string);
    await client.initialize();
    await client.close();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("requires the capability token on a WebSocket listener that asks for one", async () => {
    const tokenFile = path.join(fx.tempDir("codex-token-"), "token");
    writeFileSync(tokenFile, "s3cret-token\n");
    const server = await fx.spawn({ codexHome: fx.home, args: ["--listen", "ws://127.0.0.1:0", "--ws-auth", "capability-token", "--ws-token-file", tokenFile] });
    const [url] = await listenUrls(server, 1);
    await expect(WsClient.connect(url as string)).rejects.toThrow("HTTP 401");
    await expect(WsClient.connect(url as string, { authorization: "Bearer wrong" })).rejects.toThrow("HTTP 401");
    const client = await WsClient.connect(url as string, { authorization: "Bearer s3cret-token" });
    expect((await client.initialize()).codexHome).toBe(fx.home);
    await client.close();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("refuses a non-loopback WebSocket bind without auth, and bad options, with one readable line", async () => {
    const cases: [string[], number, string][] = [
      [["--listen", "ws://0.0.0.0:0"], 1, "refusing to start non-loopback websocket listener 0.0.0.0:0 without auth"],
      [["--listen", "ws://localhost:0"], 2, "invalid websocket --listen URL `ws://localhost:0`; expected `ws://IP:PORT`"],
      [["--listen", "foo://x"], 2, "unsupported --listen URL `foo://x`"],
      [["--stdio", "--listen", "off"], 2, "'--stdio' cannot be used with '--listen <URL>'"],
      [["--listen", "ws://0.0.0.0:0", "--ws-auth", "capability-token"], 1, "`--ws-token-file` or `--ws-token-sha256` is required"],
      [["--ws-token-file", "/x"], 1, "websocket auth flags require `--ws-auth capability-token`"],
    ];
    for (const [args, code, message] of cases) {
      const server = await fx.spawn({ codexHome: fx.home, args });
      expect(await server.exited).toBe(code);
      expect(server.stderr.trim().split("\n")).toHaveLength(1);
      expect(server.stderr).toContain(message);
    }
  });
});
