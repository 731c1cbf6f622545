import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createInProcessConnection, parseAppServerArgs, resolveCodexHome, runAppServer } from "./index.js";

describe("runAppServer (in-process, as the CLI embeds it)", () => {
  it("serves a client over streams and resolves 0 when stdin ends", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codex-run-"));
    try {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = "";
      stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      const done = runAppServer({ stdin, stdout, stderr, env: { CODEX_TS_LOG: "off" }, codexHome: home });
      stdin.write('{"id":1,"method":"initialize","params":{"clientInfo":{"name":"cli","version":"1"}}}\n');
      stdin.write('{"id":2,"method":"thread/loaded/list","params":{}}\n');
      stdin.end();
      expect(await done).toBe(0);
      const all = out.trim().split("\n").map((line) => JSON.parse(line) as { id?: number; method?: string; result: Record<string, unknown> });
      // Responses, in order; initialize's is followed by remoteControl/status/changed, as in Codex.
      expect(all.find((m) => m.method)?.method).toBe("remoteControl/status/changed");
      const lines = all.filter((m) => m.id !== undefined);
      expect(lines.map((l) => l.id)).toEqual([1, 2]);
      expect(lines[0]?.result.codexHome).toBe(home);
      expect(lines[1]?.result).toEqual({ data: [], nextCursor: null });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("createInProcessConnection: a whole server in this process, driven by message objects", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "codex-inproc-"));
    try {
      const connection = createInProcessConnection({ env: { CODEX_TS_LOG: "off", CODEX_TS_APP_SERVER_PREWARM: "0" }, codexHome: home });
      const received: Record<string, unknown>[] = [];
      const answered = (id: number) =>
        new Promise<Record<string, unknown>>((resolve) => {
          const off = connection.onMessage((m) => {
            if (m.id === id) {
              off();
              resolve(m);
            }
          });
        });
      connection.onMessage((m) => received.push(m));
      connection.send({ id: 1, method: "thread/list", params: {} });
      expect(await answered(1)).toMatchObject({ error: { code: -32600, message: "Not initialized" } });
      connection.send({ id: 2, method: "initialize", params: { clientInfo: { name: "tui", version: "1" } } });
      expect(((await answered(2)).result as { codexHome: string }).codexHome).toBe(home);
      connection.send({ method: "initialized" });
      connection.send({ id: 3, method: "thread/start", params: { cwd: home, ephemeral: true } });
      const started = (await answered(3)).result as { thread: { id: string; ephemeral: boolean } };
      expect(started.thread.ephemeral).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const announced = received.find((m) => m.method === "thread/started");
      expect(announced).toMatchObject({ params: { thread: { id: started.thread.id } } });
      expect(typeof announced?.emittedAtMs).toBe("number");
      let closed = false;
      connection.onClose(() => {
        closed = true;
      });
      connection.close();
      expect(await connection.done).toBe(0);
      expect(closed).toBe(true);
      expect(() => connection.send({ id: 4, method: "thread/list" })).toThrow("closed");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("parses app-server options as Codex does (stdio by default; several --listen at once)", () => {
    expect(parseAppServerArgs([])).toEqual({ ok: true, value: { listen: [{ kind: "stdio" }], wsAuth: { mode: "none" }, configOverrides: [] } });
    expect(parseAppServerArgs(["-c", "a.b=1", "--config=model=\"m\""])).toMatchObject({ ok: true, value: { configOverrides: [{ key: "a.b", value: "1" }, { key: "model", value: "\"m\"" }] } });
    expect(parseAppServerArgs(["--stdio"])).toMatchObject({ ok: true, value: { listen: [{ kind: "stdio" }] } });
    const many = parseAppServerArgs(["--listen", "unix://", "--listen=ws://[::1]:8080", "--listen", "off"], "/work");
    expect(many).toMatchObject({ ok: true, value: { listen: [{ kind: "unix", path: null }, { kind: "ws", host: "::1", port: 8080 }, { kind: "off" }] } });
    expect(parseAppServerArgs(["--listen", "unix://rel.sock"], "/work")).toMatchObject({ ok: true, value: { listen: [{ kind: "unix", path: "/work/rel.sock" }] } });
    expect(parseAppServerArgs(["--listen", "ws://10.0.0.1:1", "--ws-auth", "capability-token", "--ws-token-sha256", "ab".repeat(32)])).toMatchObject({
      ok: true,
      value: { wsAuth: { mode: "capability-token", sha256: "ab".repeat(32) } },
    });
    expect(parseAppServerArgs(["--bogus"])).toMatchObject({ ok: false, usage: true, error: "unexpected argument '--bogus' found" });
    expect(parseAppServerArgs(["--listen"])).toMatchObject({ ok: false, usage: true });
    expect(parseAppServerArgs(["--listen", "ws://1.2.3.4:99999"])).toMatchObject({ ok: false, usage: true });
  });

  it("resolves CODEX_HOME like Codex", () => {
    expect(resolveCodexHome({ CODEX_HOME: "/tmp/x" })).toBe("/tmp/x");
    expect(resolveCodexHome({}, "rel")).toBe(path.resolve("rel"));
    expect(resolveCodexHome({})).toBe(path.join(os.homedir(), ".codex"));
  });
});
