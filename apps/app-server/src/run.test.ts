import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { resolveCodexHome, runAppServer } from "./index.js";

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
      const lines = out.trim().split("\n").map((line) => JSON.parse(line) as { id: number; result: Record<string, unknown> });
      expect(lines.map((l) => l.id)).toEqual([1, 2]);
      expect(lines[0]?.result.codexHome).toBe(home);
      expect(lines[1]?.result).toEqual({ data: [], nextCursor: null });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("resolves CODEX_HOME like Codex", () => {
    expect(resolveCodexHome({ CODEX_HOME: "/tmp/x" })).toBe("/tmp/x");
    expect(resolveCodexHome({}, "rel")).toBe(path.resolve("rel"));
    expect(resolveCodexHome({})).toBe(path.join(os.homedir(), ".codex"));
  });
});
