import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { layerVersion, splitKeyPath, tomlLiteral, writeConfigEdits } from "./config.js";
import { parse as parseToml } from "smol-toml";
import { RpcError } from "./errors.js";

const dirs: string[] = [];
const tempHome = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "codex-config-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("config helpers", () => {
  it("renders JSON values as TOML literals for overrides", () => {
    expect(tomlLiteral("a\"b")).toBe('"a\\"b"');
    expect(tomlLiteral(3)).toBe("3");
    expect(tomlLiteral([true, "x"])).toBe('[true, "x"]');
    expect(tomlLiteral({ a: 1, "b.c": "d" })).toBe('{ "a" = 1, "b.c" = "d" }');
  });

  it("splits key paths with quoted segments and rejects empty ones", () => {
    expect(splitKeyPath('model_providers."my.provider".base_url')).toEqual(["model_providers", "my.provider", "base_url"]);
    expect(() => splitKeyPath("a..b")).toThrow(RpcError);
    expect(() => splitKeyPath('"unterminated')).toThrow(RpcError);
  });

  it("upserts tables, replaces values, deletes on null, and keeps comments", () => {
    const home = tempHome();
    const file = path.join(home, "config.toml");
    writeFileSync(file, '# top\nmodel = "a"\n\n[tui]\n# keep me\nnotifications = true\n');
    const result = writeConfigEdits({
      codexHome: home,
      env: {},
      edits: [
        { keyPath: "tui.animations", value: false, mergeStrategy: "upsert" },
        { keyPath: "tui.notifications", value: null, mergeStrategy: "replace" },
        { keyPath: "model", value: "b", mergeStrategy: "replace" },
      ],
    });
    const text = readFileSync(file, "utf8");
    // As Codex 0.169: the hash of the table as compact JSON, keys sorted.
    expect(result.version).toBe(layerVersion(parseToml(text)));
    expect(text).toContain("# top");
    expect(text).toContain('model = "b"');
    expect(text).toContain("animations = false");
    expect(text).not.toContain("notifications");
  });

  it("refuses keys that would reach object prototypes", () => {
    const home = tempHome();
    for (const edit of [
      { keyPath: "__proto__.polluted", value: 1, mergeStrategy: "replace" as const },
      { keyPath: "a", value: JSON.parse('{"__proto__": {"polluted": 1}}'), mergeStrategy: "upsert" as const },
    ]) {
      expect(() => writeConfigEdits({ codexHome: home, env: {}, edits: [edit] })).toThrow(/not allowed/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses to edit a file that is not TOML", () => {
    const home = tempHome();
    writeFileSync(path.join(home, "config.toml"), "this is = = not toml");
    expect(() => writeConfigEdits({ codexHome: home, env: {}, edits: [{ keyPath: "a", value: 1, mergeStrategy: "replace" }] })).toThrow(
      /not valid TOML/,
    );
  });
});
