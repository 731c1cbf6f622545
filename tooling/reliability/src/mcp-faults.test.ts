/**
 * MCP server faults against the built `codex-ts exec`, with the SDK test server of
 * @codex-ts/test-support: a tool call that hangs (tool_timeout_sec → a clear error, the turn goes
 * on), a server that dies mid-call (a clear error, the next call starts it again), a server whose
 * stdout carries garbage between its messages (calls still work). After each, the thread stays
 * usable (`exec resume`) and its rollout loads.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, mcpStdioTestServer, mcpToolCall, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import {
  events,
  eventually,
  loadRollout,
  makeHome,
  processesWith,
  REPO,
  rolloutFiles,
  runExec,
  threadIdOf,
  useFaultSuite,
} from "./harness.js";

type Entry = Parameters<FakeResponsesServer["enqueue"]>[0];
type Item = ReturnType<typeof events>[number];

const GARBAGE_WRAPPER = path.join(REPO, "tooling", "reliability", "fixtures", "garbage-stdout.mjs");

/** `[mcp_servers.probe]` running the SDK test server, optionally behind the garbage wrapper. */
function serverToml(options: { garbage?: boolean; toolTimeoutSec?: number }, marker: string): string {
  const server = mcpStdioTestServer();
  // The marker (ignored by the server) finds its processes in /proc.
  const serverArgs = [...server.args, `--marker=${marker}`];
  const args = options.garbage ? [GARBAGE_WRAPPER, server.command, ...serverArgs] : serverArgs;
  return [
    "",
    "[mcp_servers.probe]",
    `command = ${JSON.stringify(server.command)}`,
    `args = ${JSON.stringify(args)}`,
    "startup_timeout_sec = 20",
    `tool_timeout_sec = ${options.toolTimeoutSec ?? 30}`,
    "",
  ].join("\n");
}

const call = (tool: string, args: unknown, callId: string): Entry => turn(mcpToolCall("probe", tool, args, callId));
const done = (): Entry => turn(sse.message("all done", { phase: "final_answer" }));

interface McpCase {
  name: string;
  server: { garbage?: boolean; toolTimeoutSec?: number };
  script: () => Entry[];
  /** Checks the completed mcp_tool_call items (in call order) and the turn's wall time. */
  check: (items: Item[], ms: number) => void;
}

const text = (item: Item | undefined): string => item?.result?.content?.[0]?.text ?? "";

const CASES: McpCase[] = [
  {
    name: "a tool call that hangs times out with a clear error; the server still answers",
    server: { toolTimeoutSec: 2 },
    script: () => [call("slow", { ms: 600_000 }, "hang"), call("echo", { text: "still here" }, "after"), done()],
    check: (items, ms) => {
      expect(items[0]).toMatchObject({ tool: "slow", status: "failed" });
      expect(items[0]?.error?.message).toMatch(/timed out after 2 s \(tool_timeout_sec\)/);
      expect(items[1]).toMatchObject({ tool: "echo", status: "completed" });
      expect(text(items[1])).toBe("echo: still here");
      expect(ms).toBeLessThan(30_000);
    },
  },
  {
    name: "a server that dies mid-call gives a clear error and is started again",
    server: {},
    script: () => [call("pid", {}, "before"), call("crash", {}, "dies"), call("pid", {}, "again"), done()],
    check: (items) => {
      expect(items.map((i) => `${i.tool}:${i.status}`)).toEqual(["pid:completed", "crash:failed", "pid:completed"]);
      expect(items[1]?.error?.message).toMatch(/MCP server probe closed the connection during crash/);
      expect(Number(text(items[0]))).toBeGreaterThan(0);
      expect(Number(text(items[2]))).toBeGreaterThan(0);
      expect(text(items[2]), "a new server process answers").not.toBe(text(items[0]));
    },
  },
  {
    name: "garbage on the server's stdout between its messages does not break the calls",
    server: { garbage: true },
    script: () => [
      call("echo", { text: "through the noise" }, "g1"),
      call("lookup", { key: "abcd" }, "g2"),
      call("echo", { text: "twice" }, "g3"),
      done(),
    ],
    check: (items) => {
      expect(items.map((i) => `${i.tool}:${i.status}`)).toEqual(["echo:completed", "lookup:completed", "echo:completed"]);
      expect(text(items[0])).toBe("echo: through the noise");
      expect(items[1]?.result?.structured_content).toEqual({ key: "abcd", value: 4 });
      expect(text(items[2])).toBe("echo: twice");
    },
  },
];

describe("MCP server faults (codex-ts exec)", () => {
  const suite = useFaultSuite("MCP faults survived", CASES.length);

  for (const c of CASES) {
    it(c.name, { timeout: 90_000 }, async () => {
      const server = await suite.start({ script: c.script() });
      const { home, work } = makeHome(server.url);
      const marker = `mcp-probe-${path.basename(home)}`;
      appendFileSync(path.join(home, "config.toml"), serverToml(c.server, marker));
      const first = await runExec(["use the probe"], home, work, { timeoutMs: 60_000 });
      expect(first.code, first.stderr).toBe(0);
      // exec stopped its servers on the way out, the hung one too.
      expect(await eventually(() => processesWith(marker).length === 0, 5_000), "MCP server processes left").toBe(true);
      const ev = events(first.stdout);
      const items = ev.filter((e) => e.type === "item.completed" && e.item?.type === "mcp_tool_call").map((e) => e.item);
      c.check(items, first.ms);
      expect(ev.some((e) => e.type === "turn.completed")).toBe(true);
      expect(server.unscripted).toEqual([]);
      // What the model was told about each failed call is the same readable line.
      const outputs = JSON.stringify(server.responsesRequests().map((r) => r.body.input));
      for (const item of items.filter((i) => i.status === "failed")) expect(outputs).toContain(item.error.message);

      const id = threadIdOf(first.stdout) as string;
      server.enqueue(turn(sse.message("next turn fine", { phase: "final_answer" })));
      const next = await runExec(["resume", id, "and again"], home, work, { timeoutMs: 60_000 });
      expect(next.code, next.stderr).toBe(0);
      expect(events(next.stdout).find((e) => e.type === "item.completed")?.item?.text).toBe("next turn fine");
      const rollout = await loadRollout(rolloutFiles(home)[0] as string);
      expect(rollout.skipped).toEqual([]);
      suite.survived++;
    });
  }
});
