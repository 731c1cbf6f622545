import { describe, expect, it } from "vitest";
import { editMcpServer } from "./mcp-toml.js";

const edit = (text: string, name: string, entry: Record<string, unknown> | null) => {
  const result = editMcpServer(text, name, entry);
  if (!result.ok) throw new Error(result.error);
  return result.text;
};

describe("editMcpServer", () => {
  const file = [
    "# top",
    'model = "o3" # keep',
    "",
    "[mcp_servers.a]",
    'command = "a" # old a',
    "",
    "[mcp_servers.a.env]",
    'K = "v"',
    "",
    "# about b",
    '[mcp_servers."b.c"]',
    'url = "http://h/mcp"',
    "",
  ].join("\n");

  it("appends a new server as its own tables, leaving every other line alone", () => {
    expect(edit(file, "new", { command: "n", args: ["--x"], env: { A: "1" } })).toBe(
      `${file.replace(/\n$/, "")}\n\n[mcp_servers.new]\ncommand = "n"\nargs = ["--x"]\n\n[mcp_servers.new.env]\nA = "1"\n`,
    );
    expect(edit("", "x", { url: "http://h/mcp" })).toBe('[mcp_servers.x]\nurl = "http://h/mcp"\n');
  });

  it("replaces a server where it was; the comments of the next table stay", () => {
    expect(edit(file, "a", { command: "a2" })).toBe(
      ["# top", 'model = "o3" # keep', "", "[mcp_servers.a]", 'command = "a2"', "", "# about b", '[mcp_servers."b.c"]', 'url = "http://h/mcp"', ""].join("\n"),
    );
  });

  it("removes a server's tables (quoted names too) and nothing else", () => {
    expect(edit(file, "a", null)).toBe(["# top", 'model = "o3" # keep', "", "# about b", '[mcp_servers."b.c"]', 'url = "http://h/mcp"', ""].join("\n"));
    expect(edit(file, "b.c", null)).toBe(file.split("\n").slice(0, 8).join("\n").concat("\n"));
  });

  it("refuses servers written inline rather than rewriting them, and broken TOML", () => {
    const inline = 'mcp_servers.x = { command = "x" }\n';
    expect(editMcpServer(inline, "x", null)).toEqual({
      ok: false,
      error: "mcp_servers.x is not written as a [mcp_servers.x] table; edit config.toml by hand",
    });
    expect(editMcpServer("model = ", "x", null)).toMatchObject({ ok: false, error: expect.stringMatching(/^config\.toml is not valid TOML: /) });
  });
});
