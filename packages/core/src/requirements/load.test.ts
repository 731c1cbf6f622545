import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSessionExecPolicy } from "../session/exec-policy.js";
import { DEFAULT_REQUIREMENTS_FILE, loadRequirements, parseRequirements, requirementsFile } from "./load.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "codex-requirements-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const parse = (text: string) => parseRequirements(text, "/etc/codex/requirements.toml");

describe("requirements file location", () => {
  it("is /etc/codex/requirements.toml unless CODEX_TS_REQUIREMENTS_FILE says otherwise (empty: none)", () => {
    expect(requirementsFile({})).toBe(DEFAULT_REQUIREMENTS_FILE);
    expect(requirementsFile({ CODEX_TS_REQUIREMENTS_FILE: "/x/r.toml" })).toBe("/x/r.toml");
    expect(requirementsFile({ CODEX_TS_REQUIREMENTS_FILE: "" })).toBeNull();
    expect(loadRequirements(path.join(dir, "missing.toml"))).toEqual({ ok: true, value: null });
  });
});

describe("parseRequirements", () => {
  it("reads managed hooks, allow_managed_hooks_only, prefix rules (any_of expanded) and network domains", () => {
    const result = parse(
      [
        "allow_managed_hooks_only = true",
        "[hooks]",
        'managed_dir = "/etc/codex/hooks"',
        "[[hooks.Stop]]",
        "[[hooks.Stop.hooks]]",
        'type = "command"',
        'command = "true"',
        "[rules]",
        'prefix_rules = [{ pattern = [{ any_of = ["rm", "shred"] }, { token = "-rf" }], decision = "forbidden", justification = "no" }]',
        "[experimental_network]",
        'allowed_domains = ["ok.example"]',
        'denied_domains = ["bad.example"]',
      ].join("\n"),
    );
    if (!result.ok) throw new Error(result.error);
    const value = result.value!;
    expect(value.allowManagedHooksOnly).toBe(true);
    expect(value.hooks).toMatchObject({
      managed_dir: "/etc/codex/hooks",
      Stop: [{ hooks: [{ command: "true" }] }],
    });
    expect(value.execPolicy.prefixRules.map((r) => [r.program, r.rest, r.decision])).toEqual([
      ["rm", ["-rf"], "forbidden"],
      ["shred", ["-rf"], "forbidden"],
    ]);
    expect(value.execPolicy.networkRules.map((r) => [r.host, r.decision])).toEqual([
      ["ok.example", "allow"],
      ["bad.example", "forbidden"],
    ]);
  });

  it("refuses what Codex refuses, naming the file", () => {
    const cases: [string, string][] = [
      [
        '[rules]\nprefix_rules = [{ pattern = [{ token = "ls" }], decision = "allow" }]',
        "not permitted in requirements.toml",
      ],
      ['[rules]\nprefix_rules = [{ pattern = [{ token = "ls" }] }]', "missing a decision"],
      ["[rules]\nprefix_rules = []", "cannot be empty"],
      [
        '[rules]\nprefix_rules = [{ pattern = [{ token = "ls", any_of = ["a"] }], decision = "prompt" }]',
        "not both",
      ],
      [
        '[experimental_network]\ndomains = { "a.example" = "allow" }\nallowed_domains = ["b"]',
        "cannot be combined",
      ],
      ['[experimental_network]\ndomains = { "a.example" = "maybe" }', 'expected "allow" or "deny"'],
      ["hooks = 3", "`hooks` must be a table"],
      ["not toml =", "failed to parse"],
    ];
    for (const [text, message] of cases) {
      const result = parse(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.error).toContain("/etc/codex/requirements.toml");
        expect(result.error).toContain(message);
      }
    }
  });
});

describe("the session's exec policy", () => {
  it("merges requirements rules over the user's rules, and a bad requirements file refuses the session", async () => {
    const file = path.join(dir, "requirements.toml");
    writeFileSync(
      file,
      '[rules]\nprefix_rules = [{ pattern = [{ token = "curl" }], decision = "prompt" }]\n',
    );
    const previous = process.env.CODEX_TS_REQUIREMENTS_FILE;
    process.env.CODEX_TS_REQUIREMENTS_FILE = file;
    try {
      const loaded = await loadSessionExecPolicy({ codexHome: dir, cwd: dir });
      if (!loaded.ok) throw new Error(loaded.error);
      expect(loaded.execPolicy.prefixRules.map((r) => [r.program, r.decision])).toEqual([["curl", "prompt"]]);
      writeFileSync(
        file,
        '[rules]\nprefix_rules = [{ pattern = [{ token = "curl" }], decision = "allow" }]\n',
      );
      const refused = await loadSessionExecPolicy({ codexHome: dir, cwd: dir });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toContain(file);
    } finally {
      if (previous === undefined) delete process.env.CODEX_TS_REQUIREMENTS_FILE;
      else process.env.CODEX_TS_REQUIREMENTS_FILE = previous;
    }
  });
});
