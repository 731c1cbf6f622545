import { describe, expect, it } from "vitest";
import { parseMcpServers, toolAllowed } from "./config.js";

describe("parseMcpServers", () => {
  it("reads stdio and streamable-HTTP tables with Codex's keys and defaults", () => {
    const parsed = parseMcpServers({
      docs: { command: "docs-server", args: ["--fast"], env: { A: "1" }, cwd: "/srv", startup_timeout_sec: 2.5, tool_timeout_sec: 3 },
      web: {
        url: "https://mcp.example.com/mcp",
        http_headers: { "X-Team": "core" },
        env_http_headers: { "X-Key": "WEB_KEY" },
        bearer_token_env_var: "WEB_TOKEN",
        enabled_tools: ["search"],
        required: true,
      },
      off: { command: "x", enabled: false },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [docs, web, off] = parsed.value;
    expect(docs).toMatchObject({
      name: "docs",
      transport: "stdio",
      command: "docs-server",
      args: ["--fast"],
      env: { A: "1" },
      cwd: "/srv",
      startupTimeoutMs: 2500,
      toolTimeoutMs: 3000,
      enabled: true,
      required: false,
    });
    expect(web).toMatchObject({
      transport: "streamable_http",
      url: "https://mcp.example.com/mcp",
      httpHeaders: { "X-Team": "core" },
      envHttpHeaders: { "X-Key": "WEB_KEY" },
      bearerTokenEnvVar: "WEB_TOKEN",
      required: true,
      startupTimeoutMs: 10_000,
      toolTimeoutMs: 60_000,
    });
    expect(off?.enabled).toBe(false);
  });

  it.each([
    [{ s: { command: "x", startup_timeout_sec: "ten" } }, /^mcp_servers\.s\.startup_timeout_sec: /],
    [{ s: { command: "x", args: "--a" } }, /^mcp_servers\.s\.args: /],
    [{ s: { command: "x", url: "http://h/mcp" } }, /^mcp_servers\.s: set either command .* or url/],
    [{ s: {} }, /^mcp_servers\.s: missing command/],
    [{ s: { url: "not a url" } }, /^mcp_servers\.s\.url: must be an http\(s\) URL/],
    [{ s: { url: "ftp://h/x" } }, /^mcp_servers\.s\.url: must be an http\(s\) URL/],
    [{ s: { command: "x", bearer_token_env_var: "T" } }, /^mcp_servers\.s\.bearer_token_env_var: only streamable HTTP/],
    [{ s: { url: "http://h/mcp", cwd: "/" } }, /^mcp_servers\.s\.cwd: only stdio/],
    [{ s: { command: "x", enabled_tools: [1] } }, /^mcp_servers\.s\.enabled_tools\.0: /],
    [{ "bad name": { command: "x" } }, /^mcp_servers\.bad name: invalid server name \(use letters/],
    [{ s: "x" }, /^mcp_servers\.s: expected a table/],
    ["x", /^mcp_servers: expected a table/],
  ])("bad config %j gives one line naming the key", (raw, message) => {
    const parsed = parseMcpServers(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatch(message);
    expect(parsed.error).not.toContain("\n");
  });

  it("filters tools with enabled_tools and disabled_tools", () => {
    const parsed = parseMcpServers({ s: { command: "x", enabled_tools: ["a", "b"], disabled_tools: ["b"] } });
    if (!parsed.ok) throw new Error(parsed.error);
    const [config] = parsed.value;
    if (!config) throw new Error("no config");
    expect(["a", "b", "c"].filter((t) => toolAllowed(config, t))).toEqual(["a"]);
  });
});
