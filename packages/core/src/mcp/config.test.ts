import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codex-mcp-config-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (text: string) => writeFileSync(path.join(home, "config.toml"), text);

describe("[mcp_servers] in config.toml", () => {
  it("parses the servers of the file, the profile and -c overrides (dotted keys)", () => {
    write(`
profile = "work"

[mcp_servers.docs]
command = "docs-server"
args = ["--stdio"]
tool_timeout_sec = 5

[mcp_servers.web]
url = "https://mcp.example.com/mcp"

[profiles.work.mcp_servers.web]
url = "https://work.example.com/mcp"
`);
    const result = loadConfig({
      codexHome: home,
      env: {},
      overrides: ["mcp_servers.extra.url=http://127.0.0.1:9/mcp", "mcp_servers.docs.enabled=false"],
    });
    if (!result.ok) throw new Error(result.error);
    const byName = Object.fromEntries(result.config.mcpServerConfigs.map((s) => [s.name, s]));
    expect(byName.docs).toMatchObject({ transport: "stdio", command: "docs-server", args: ["--stdio"], toolTimeoutMs: 5000, enabled: false });
    expect(byName.web).toMatchObject({ transport: "streamable_http", url: "https://work.example.com/mcp" });
    expect(byName.extra).toMatchObject({ transport: "streamable_http", url: "http://127.0.0.1:9/mcp" });
  });

  it("a bad key is one error naming the key and where it came from", () => {
    write(`
[mcp_servers.docs]
command = "docs-server"
startup_timeout_sec = "soon"
`);
    const result = loadConfig({ codexHome: home, env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/config\.toml: invalid value for `mcp_servers\.docs\.startup_timeout_sec`: .*\(got "soon"\)$/);
  });

  it("names the -c override that broke a server", () => {
    const result = loadConfig({ codexHome: home, env: {}, overrides: ["mcp_servers.x.command=srv", "mcp_servers.x.url=http://h/mcp"] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe(
      '-c mcp_servers.x.command=srv: invalid value for `mcp_servers.x`: set either command (stdio) or url (streamable HTTP), not both (got {"command":"srv","url":"http://h/mcp"})',
    );
  });
});
