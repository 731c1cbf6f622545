/**
 * `codex-ts exec --json` with an MCP server configured (the built binary, the SDK test server and
 * the fake model): mcp_tool_call items as Codex 0.169 prints them, approval `never` under a
 * sandbox, and an elicitation declined because exec has nobody to ask.
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type FakeResponsesServer, mcpStdioTestServerToml, sse, startFakeResponsesServer, turn, writeFakeProviderConfig, mcpToolCall } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requireBuilt, runBin } from "../../test/bin.js";

requireBuilt();

let home: string;
let fake: FakeResponsesServer;
beforeEach(async () => {
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "codex-mcp-exec-")));
  fake = await startFakeResponsesServer();
  writeFakeProviderConfig(home, fake.url, { extra: mcpStdioTestServerToml("probe") });
});
afterEach(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

/** A model call of one of the probe server's tools. */
const mcpCall = (tool: string, args: unknown, callId: string) => mcpToolCall("probe", tool, args, callId);

describe("exec --json with MCP servers", () => {
  it("prints mcp_tool_call items; approval never fails unapproved tools; elicitations are declined", async () => {
    fake.enqueue(
      turn(mcpCall("lookup", { key: "abc" }, "c1")),
      turn(mcpCall("write_note", { note: "n" }, "c2")),
      turn(mcpCall("ask_name", {}, "c3")),
      turn(sse.message("done")),
    );
    const r = await runBin(["exec", "--json", "--skip-git-repo-check", "-s", "workspace-write", "-C", home, "go"], {
      env: { CODEX_HOME: home, HOME: home, PATH: process.env.PATH ?? "" },
    });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>);
    const completed = events.filter((e) => e.type === "item.completed" && e.item.type === "mcp_tool_call").map((e) => e.item);
    expect(completed[0]).toMatchObject({
      type: "mcp_tool_call",
      server: "probe",
      tool: "lookup",
      arguments: { key: "abc" },
      status: "completed",
      result: { content: [{ type: "text", text: '{"key":"abc","value":3}' }], structured_content: { key: "abc", value: 3 } },
    });
    expect(completed[1]).toMatchObject({
      tool: "write_note",
      status: "failed",
      error: { message: "MCP tool call requires approval, but approval policy is never" },
    });
    expect(completed[2]).toMatchObject({ tool: "ask_name", status: "completed", result: { content: [{ type: "text", text: "elicitation decline" }] } });
    const started = events.find((e) => e.type === "item.started" && e.item.type === "mcp_tool_call");
    // Real exec prints `result: null, error: null` on a started item, and `error: null` beside a result.
    expect(started?.item).toMatchObject({ tool: "lookup", status: "in_progress", result: null, error: null });
    expect(completed[0].error).toBeNull();
    expect(completed[1].result).toBeNull();
  });
});
