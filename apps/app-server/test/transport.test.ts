import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("transport and handshake", () => {
  it("rejects requests before initialize, then answers initialize with the server facts", async () => {
    const server = await fx.spawn();
    const early = await server.request("thread/list", {});
    expect(early.error).toEqual({ code: -32600, message: "Not initialized" });

    const result = await server.initialize();
    expect(result.codexHome).toBe(server.codexHome);
    expect(result.platformFamily).toBe("unix");
    expect(result.platformOs).toBe(process.platform === "darwin" ? "macos" : process.platform);
    expect(result.userAgent).toMatch(/^codex_ts_app_server\/\S+ \(.+\) \(codex_ts_tests; 0\.0\.1\)$/);

    const again = await server.request("initialize", { clientInfo: { name: "x", version: "1" } });
    expect(again.error).toEqual({ code: -32600, message: "Already initialized" });
  });

  it("answers with standard JSON-RPC error codes", async () => {
    const server = await fx.spawn();
    const badInit = await server.request("initialize", { clientInfo: { name: 7 } });
    expect(badInit.error?.code).toBe(-32602);
    expect(badInit.error?.message).toContain("clientInfo.name");
    await server.initialize();

    expect((await server.request("no/such/method", {})).error?.code).toBe(-32601);

    server.sendRaw('{"id": 77, "method": "thread/list", ');
    const parse = await server.waitFor((m) => m.id === 77);
    expect(parse.error.code).toBe(-32700);

    server.sendRaw('{"id": 78, "method": 5}');
    const invalid = await server.waitFor((m) => m.id === 78);
    expect(invalid.error.code).toBe(-32600);
    expect(invalid.error.message).toContain("method");
  });

  it("writes messages without a jsonrpc field and accepts input with or without one", async () => {
    const server = await fx.spawn();
    server.send({ jsonrpc: "2.0", id: "init", method: "initialize", params: { clientInfo: { name: "c", version: "1" } } });
    const reply = await server.waitFor((m) => m.id === "init");
    expect(reply.result.codexHome).toBe(server.codexHome);
    expect(Object.keys(reply)).toEqual(["id", "result"]);
  });

  it("exits cleanly with code 0 when the client disconnects", async () => {
    const server = await fx.spawn();
    await server.initialize();
    const code = await server.close();
    expect(code).toBe(0);
  });

  it("gates experimental fields behind capabilities.experimentalApi", async () => {
    const server = await fx.spawn();
    await server.initialize({});
    const gated = await server.request("thread/start", { dynamicTools: [] });
    expect(gated.error).toEqual({ code: -32600, message: "thread/start.dynamicTools requires experimentalApi capability" });
  });
});
