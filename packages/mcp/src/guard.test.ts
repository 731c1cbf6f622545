/**
 * `guardServer`: a stdio server runs in its own session, the guard gets its pid (= the session id)
 * while it runs and releases it once the server is gone — after a crash and after close().
 */
import { readFileSync } from "node:fs";
import { mcpStdioTestServer } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { parseMcpServers } from "./config.js";
import { McpConnectionManager } from "./manager.js";

/** Session id of a live process (field 6 of /proc/<pid>/stat). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
}

describe.runIf(process.platform === "linux")("guardServer", () => {
  it("starts each stdio server in its own session and releases it when it is gone", async () => {
    const parsed = parseMcpServers({ probe: { ...mcpStdioTestServer() } });
    if (!parsed.ok) throw new Error(parsed.error);
    const guarded = new Set<number>();
    const log: string[] = [];
    const manager = new McpConnectionManager(parsed.value, {
      guardServer: (pid) => {
        guarded.add(pid);
        log.push(`+${pid}`);
        return () => {
          guarded.delete(pid);
          log.push(`-${pid}`);
        };
      },
    });
    expect((await manager.start()).ok).toBe(true);
    const pidOf = async () => {
      const r = await manager.callTool("probe", "pid", {});
      if (!r.ok) throw new Error(r.error);
      return Number((r.result.content[0] as { text: string }).text);
    };
    const first = await pidOf();
    expect([...guarded]).toEqual([first]);
    expect(sessionOf(first)).toBe(first);
    expect(sessionOf(first)).not.toBe(sessionOf(process.pid));

    // A crash releases it; the restarted server is guarded in turn.
    const crashed = await manager.callTool("probe", "crash", {});
    expect(crashed.ok).toBe(false);
    const second = await pidOf();
    expect(second).not.toBe(first);
    expect([...guarded]).toEqual([second]);

    await manager.close();
    expect(guarded.size).toBe(0);
    expect(log).toEqual([`+${first}`, `-${first}`, `+${second}`, `-${second}`]);
  });
});
