/** `codex-ts mcp list|get|add|remove` in-process, on a real CODEX_HOME (outputs as Codex 0.169 prints them). */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIO } from "../io.js";
import { runMcpCommand } from "./mcp.js";

let home: string;
beforeEach(() => {
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "codex-mcp-cli-")));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const configFile = () => path.join(home, "config.toml");

async function mcp(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c) => (out += c));
  stderr.on("data", (c) => (err += c));
  const io: CliIO = { stdin: new PassThrough(), stdout, stderr, env: { CODEX_HOME: home, HOME: home }, cwd: home };
  const code = await runMcpCommand(argv, io, { config: [], enable: [], disable: [] });
  return { code, stdout: out, stderr: err };
}

describe("codex-ts mcp", () => {
  it("says how to add a server when there is none", async () => {
    expect(await mcp("list")).toEqual({ code: 0, stdout: "No MCP servers configured yet. Try `codex-ts mcp add my-tool -- my-command`.\n", stderr: "" });
    expect((await mcp("list", "--json")).stdout).toBe("[]\n");
  });

  it("adds, lists, shows and removes servers, keeping the file's comments and layout", async () => {
    const original = '# my config\nmodel = "o3" # keep me\n\n[mcp_servers.old]\ncommand = "old-server" # the old one\n\n# trailing notes\n[tui]\nx = 1\n';
    writeFileSync(configFile(), original);
    expect(await mcp("add", "docs", "--env", "A=1", "--env", "B=2", "--", "docs-server", "--stdio")).toMatchObject({
      code: 0,
      stdout: "Added global MCP server 'docs'.\n",
    });
    expect((await mcp("add", "web", "--url", "https://mcp.example.com/mcp", "--bearer-token-env-var", "TOK")).stdout).toBe(
      "Added global MCP server 'web'.\n",
    );
    const text = readFileSync(configFile(), "utf8");
    expect(text.startsWith('# my config\nmodel = "o3" # keep me\n\n[mcp_servers.old]\ncommand = "old-server" # the old one\n')).toBe(true);
    expect(text).toContain("# trailing notes\n[tui]\nx = 1\n");

    expect((await mcp("list")).stdout).toBe(
      [
        "Name  Command      Args     Env               Cwd  Status   Auth       ",
        "docs  docs-server  --stdio  A=*****, B=*****  -    enabled  Unsupported",
        "old   old-server   -        -                 -    enabled  Unsupported",
        "",
        "Name  Url                          Bearer Token Env Var  Status   Auth        ",
        "web   https://mcp.example.com/mcp  TOK                   enabled  Bearer token",
        "",
      ].join("\n"),
    );
    const listed = JSON.parse((await mcp("list", "--json")).stdout);
    expect(listed.map((s: { name: string }) => s.name)).toEqual(["docs", "old", "web"]);
    expect(listed[0]).toEqual({
      name: "docs",
      enabled: true,
      disabled_reason: null,
      transport: { type: "stdio", command: "docs-server", args: ["--stdio"], env: { A: "1", B: "2" }, env_vars: [], cwd: null },
      startup_timeout_sec: null,
      tool_timeout_sec: null,
      auth_status: "unsupported",
    });
    expect(listed[2].transport).toEqual({
      type: "streamable_http",
      url: "https://mcp.example.com/mcp",
      bearer_token_env_var: "TOK",
      http_headers: null,
      env_http_headers: null,
      http_headers_helper: null,
    });

    expect((await mcp("get", "docs")).stdout).toBe(
      "docs\n  enabled: true\n  transport: stdio\n  command: docs-server\n  args: --stdio\n  cwd: -\n  env: A=*****, B=*****\n  remove: codex-ts mcp remove docs\n",
    );
    expect(JSON.parse((await mcp("get", "web", "--json")).stdout)).toMatchObject({ name: "web", enabled_tools: null, disabled_tools: null });
    expect(await mcp("get", "nope")).toMatchObject({ code: 1, stdout: "" });
    expect((await mcp("get", "nope")).stderr).toContain("No MCP server named 'nope' found.");

    expect((await mcp("remove", "old")).stdout).toBe("Removed global MCP server 'old'.\n");
    expect(await mcp("remove", "old")).toMatchObject({ code: 0, stdout: "No MCP server named 'old' found.\n" });
    const after = readFileSync(configFile(), "utf8");
    expect(after).not.toContain("old-server");
    expect(after.startsWith('# my config\nmodel = "o3" # keep me\n')).toBe(true);
    expect(after).toContain("# trailing notes\n[tui]\nx = 1\n");
  });

  it("replaces a server added again under the same name", async () => {
    await mcp("add", "a", "--", "one");
    await mcp("add", "a", "--", "two", "x");
    const listed = JSON.parse((await mcp("list", "--json")).stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0].transport).toMatchObject({ command: "two", args: ["x"] });
  });

  it("refuses bad input with one line and leaves the file alone", async () => {
    writeFileSync(configFile(), "# untouched\n");
    expect(await mcp("add", "bad name", "--", "x")).toMatchObject({ code: 1 });
    expect((await mcp("add", "bad name", "--", "x")).stderr).toContain("invalid server name 'bad name'");
    const noCommand = await mcp("add", "x");
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain("<COMMAND|--url <URL>>");
    expect((await mcp("add", "x", "--url", "http://h/mcp", "--env", "A=1")).code).toBe(2);
    expect((await mcp("add", "x", "--bearer-token-env-var", "T", "--", "cmd")).code).toBe(2);
    expect((await mcp("add", "x", "--env", "NOVALUE", "--", "cmd")).code).toBe(2);
    expect((await mcp("add", "x", "--url", "ftp://h/x")).stderr).toContain("mcp_servers.x.url: must be an http(s) URL");
    expect(readFileSync(configFile(), "utf8")).toBe("# untouched\n");
  });
});
