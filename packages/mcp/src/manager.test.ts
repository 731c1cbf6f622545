import { type McpHttpTestServer, mcpStdioTestServer, startMcpHttpTestServer, TEST_PNG_BASE64 } from "@codex-ts/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type McpServerConfig, parseMcpServers } from "./config.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { CallOutcome, ElicitationHandler } from "./connection.js";
import { McpConnectionManager } from "./manager.js";

function configs(raw: Record<string, unknown>): McpServerConfig[] {
  const parsed = parseMcpServers(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The server's result of a call that reached it. */
function ok(outcome: CallOutcome): CallToolResult {
  if (!outcome.ok) throw new Error(`expected a result, got: ${outcome.error}`);
  return outcome.result;
}

/** Why a call got no result. */
function failure(outcome: CallOutcome): string {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

const text = (outcome: CallOutcome) =>
  ok(outcome)
    .content.map((c) => (c.type === "text" ? c.text : ""))
    .join("");

describe("McpConnectionManager over stdio", () => {
  let manager: McpConnectionManager;
  const statuses: string[] = [];
  const elicit: { answer: Awaited<ReturnType<ElicitationHandler>> } = { answer: { action: "decline" } };
  const asked: string[] = [];

  beforeAll(async () => {
    manager = new McpConnectionManager(
      configs({
        probe: { ...mcpStdioTestServer(), tool_timeout_sec: 1, disabled_tools: ["headers"] },
        broken: { ...mcpStdioTestServer({ exitAtStart: true }) },
        late: { ...mcpStdioTestServer({ startupDelayMs: 3000 }), startup_timeout_sec: 0.5 },
        off: { ...mcpStdioTestServer(), enabled: false },
      }),
      {
        onStatus: (s) => statuses.push(`${s.name}:${s.state}`),
        onElicitation: async (server, params) => {
          asked.push(`${server}: ${params.message}`);
          return elicit.answer;
        },
      },
    );
    const started = await manager.start();
    expect(started.ok).toBe(true);
  });
  afterAll(() => manager.close());

  it("reports each server's start-up: ready, or failed with the reason; disabled servers are left out", () => {
    const byName = Object.fromEntries(manager.statuses().map((s) => [s.name, s]));
    expect(manager.serverNames).toEqual(["probe", "broken", "late"]);
    expect(byName.probe).toEqual({ name: "probe", state: "ready", error: null });
    expect(byName.broken?.state).toBe("failed");
    expect(byName.broken?.error).toMatch(/^MCP server broken failed to start: /);
    expect(byName.late?.state).toBe("failed");
    expect(byName.late?.error).toBe("MCP server late did not start within 0.5 s (startup_timeout_sec)");
    expect(statuses).toEqual(expect.arrayContaining(["probe:starting", "probe:ready", "broken:failed", "late:failed"]));
  });

  it("lists the ready servers' tools after disabled_tools", () => {
    const names = manager.tools().map((t) => `${t.server}/${t.tool.name}`);
    expect(names).toContain("probe/echo");
    expect(names).not.toContain("probe/headers");
    expect(names.every((n) => n.startsWith("probe/"))).toBe(true);
    expect(manager.tool("probe", "echo")?.annotations?.readOnlyHint).toBe(true);
    expect(manager.tool("probe", "write_note")?.annotations?.readOnlyHint).toBeUndefined();
  });

  it("calls tools: text, structured content, image, error", async () => {
    expect(text(await manager.callTool("probe", "echo", { text: "hi" }))).toBe("echo: hi");
    const lookup = ok(await manager.callTool("probe", "lookup", { key: "abc" }));
    expect(lookup.structuredContent).toEqual({ key: "abc", value: 3 });
    const picture = ok(await manager.callTool("probe", "picture", {}));
    expect(picture.content[1]).toEqual({
      type: "image",
      data: TEST_PNG_BASE64,
      mimeType: "image/png",
      _meta: { "codex/imageDetail": "original" },
    });
    const fail = await manager.callTool("probe", "fail", {});
    expect(ok(fail).isError).toBe(true);
    expect(text(fail)).toBe("the lookup service is down");
  });

  it("turns a slow tool into a timeout error (tool_timeout_sec) and reports progress", async () => {
    const progress: string[] = [];
    const started = Date.now();
    const result = await manager.callTool("probe", "slow", { ms: 5000 }, { onProgress: (p) => progress.push(p.message ?? "") });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failure(result)).toBe("tool call probe/slow timed out after 1 s (tool_timeout_sec)");
    expect(progress).toEqual(["started sleeping"]);
  });

  it("cancels a call when the signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await manager.callTool("probe", "slow", { ms: 5000 }, { signal: controller.signal, timeoutMs: 10_000 });
    expect(failure(result)).toBe("tool call probe/slow was cancelled");
  });

  it("errors for unknown servers and tools, and for calls to a server that failed to start", async () => {
    expect(failure(await manager.callTool("nope", "echo", {}))).toBe("unknown MCP server: nope");
    expect(failure(await manager.callTool("probe", "headers", {}))).toBe("tool headers is not offered by MCP server probe");
    expect(failure(await manager.callTool("broken", "echo", {}))).toMatch(/^MCP server broken failed to start: /);
  });

  it("answers elicitations through the callback: accept, decline, cancel", async () => {
    elicit.answer = { action: "accept", content: { name: "Ada" } };
    expect(text(await manager.callTool("probe", "ask_name", {}))).toBe("hello Ada");
    elicit.answer = { action: "decline" };
    expect(text(await manager.callTool("probe", "ask_name", {}))).toBe("elicitation decline");
    elicit.answer = { action: "cancel" };
    expect(text(await manager.callTool("probe", "ask_name", {}))).toBe("elicitation cancel");
    expect(asked[0]).toBe("probe: What is your name?");
  });

  it("lists and reads resources and templates", async () => {
    const resources = await manager.allResources();
    expect(resources.probe?.map((r) => r.uri)).toEqual(["memo://one"]);
    const templates = await manager.allResourceTemplates();
    expect(templates.probe?.map((t) => t.uriTemplate)).toEqual(["memo://notes/{name}"]);
    const read = await manager.readResource("probe", "memo://notes/groceries");
    expect(read.contents[0]).toMatchObject({ uri: "memo://notes/groceries", text: "memo groceries" });
    await expect(manager.readResource("nope", "memo://one")).rejects.toThrow("unknown MCP server: nope");
  });

  it("fails the call when the server crashes, and reconnects (a new process) on the next use", async () => {
    const before = text(await manager.callTool("probe", "pid", {}));
    expect(failure(await manager.callTool("probe", "crash", {}))).toMatch(/^MCP server probe closed the connection during crash: /);
    const after = await manager.callTool("probe", "pid", {});
    expect(text(after)).toMatch(/^\d+$/);
    expect(text(after)).not.toBe(before);
  });
});

describe("required servers", () => {
  it("fail the start-up as a whole when they cannot start", async () => {
    const manager = new McpConnectionManager(configs({ must: { ...mcpStdioTestServer({ exitAtStart: true }), required: true } }));
    const started = await manager.start();
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.error).toMatch(/^required MCP server must failed to start: MCP server must failed to start: /);
    await manager.close();
  });
});

describe("McpConnectionManager over streamable HTTP", () => {
  let server: McpHttpTestServer;
  beforeAll(async () => {
    server = await startMcpHttpTestServer({ requireToken: "s3cret" });
  });
  afterAll(() => server.close());

  it("sends http_headers, env_http_headers and the bearer token from the environment", async () => {
    const manager = new McpConnectionManager(
      configs({
        web: { url: server.url, http_headers: { "X-Team": "core" }, env_http_headers: { "X-Key": "WEB_KEY" }, bearer_token_env_var: "WEB_TOKEN" },
      }),
      { env: { WEB_TOKEN: "s3cret", WEB_KEY: "k-1" } },
    );
    expect((await manager.start()).ok).toBe(true);
    expect(manager.connection("web")?.serverInfo).toMatchObject({ name: "codex-ts-test", version: "1.2.3" });
    const headers = JSON.parse(text(await manager.callTool("web", "headers", {}))) as Record<string, string>;
    expect(headers).toMatchObject({ "x-team": "core", "x-key": "k-1", authorization: "Bearer s3cret" });
    expect(text(await manager.callTool("web", "echo", { text: "over http" }))).toBe("echo: over http");
    await manager.close();
  });

  it("fails start-up with a reason when the token is wrong or its variable is unset", async () => {
    const manager = new McpConnectionManager(
      configs({ wrong: { url: server.url, bearer_token_env_var: "T" }, unset: { url: server.url, bearer_token_env_var: "MISSING" } }),
      { env: { T: "nope" } },
    );
    await manager.start();
    const byName = Object.fromEntries(manager.statuses().map((s) => [s.name, s]));
    expect(byName.wrong?.state).toBe("failed");
    expect(byName.wrong?.error).toMatch(/^MCP server wrong failed to start: .*unauthorized/);
    expect(byName.unset?.error).toBe("MCP server unset failed to start: environment variable MISSING (bearer_token_env_var) is not set");
    await manager.close();
  });
});
