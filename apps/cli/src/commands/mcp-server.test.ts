/**
 * `codex-ts mcp-server` driven by the MCP SDK's own client over stdio (the built binary), with the
 * fake model: `codex` starts a session, `codex-reply` continues it, MCP servers of the config work
 * inside it, bad calls are tool errors.
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type FakeResponsesServer, mcpStdioTestServerToml, mcpToolCall, sse, startFakeResponsesServer, turn, writeFakeProviderConfig } from "@codex-ts/test-support";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, requireBuilt } from "../../test/bin.js";

requireBuilt();

let home: string;
let fake: FakeResponsesServer;
let client: Client;

beforeEach(async () => {
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "codex-mcp-server-")));
  fake = await startFakeResponsesServer();
  writeFakeProviderConfig(home, fake.url, { extra: mcpStdioTestServerToml("probe") });
  client = new Client({ name: "sdk-test-client", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp-server"],
      env: { CODEX_HOME: home, HOME: home, PATH: process.env.PATH ?? "" },
      cwd: home,
      stderr: "pipe",
    }),
  );
});
afterEach(async () => {
  await client.close();
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

const text = (result: unknown) => ((result as CallToolResult).content[0] as { text: string }).text;

describe("codex-ts mcp-server", () => {
  it("offers codex and codex-reply", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["codex", "codex-reply"]);
    expect(tools[0]?.inputSchema.required).toEqual(["prompt"]);
  });

  it("codex runs a session to its final message; codex-reply continues it by thread id", async () => {
    fake.enqueue(turn(mcpToolCall("probe", "echo", { text: "from inside" }, "e1")), turn(sse.message("first answer")), turn(sse.message("second answer")));
    const first = (await client.callTool({ name: "codex", arguments: { prompt: "say hi" } })) as CallToolResult;
    expect(first.isError).toBeFalsy();
    expect(text(first)).toBe("first answer");
    const threadId = (first.structuredContent as { threadId: string }).threadId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    // The session's own MCP server ran inside it.
    const afterTool = JSON.stringify(fake.responsesRequests()[1]?.body);
    expect(afterTool).toContain("echo: from inside");

    const second = (await client.callTool({ name: "codex-reply", arguments: { threadId, prompt: "and again" } })) as CallToolResult;
    expect(text(second)).toBe("second answer");
    const body = JSON.stringify(fake.responsesRequests()[2]?.body);
    expect(body).toContain("say hi");
    expect(body).toContain("first answer");
    expect(body).toContain("and again");
  });

  it("bad calls are tool errors, not protocol errors", async () => {
    const unknown = (await client.callTool({ name: "codex-reply", arguments: { threadId: "nope", prompt: "x" } })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toBe("unknown thread: nope (only sessions started by this server can be continued)");
    const noPrompt = (await client.callTool({ name: "codex", arguments: {} })) as CallToolResult;
    expect(text(noPrompt)).toBe("argument prompt is required");
    const badConfig = (await client.callTool({ name: "codex", arguments: { prompt: "x", config: { approval_policy: "sometimes" } } })) as CallToolResult;
    expect(badConfig.isError).toBe(true);
    expect(text(badConfig)).toContain("approval_policy");
  });
});
