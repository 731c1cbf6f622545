/**
 * Hostile input to the packages' public parsers: fuzzed `.rules` files, config.toml, hook outputs,
 * SKILL.md front matter, apply_patch bodies and rollout lines. Each must give a result or a clear
 * error; no exception may escape.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadConfig, parsePatch } from "@codex-ts/core";
import { parseRulesFile } from "@codex-ts/execpolicy";
import { HOOK_EVENTS, interpretRun, parseHooksFile } from "@codex-ts/hooks";
import { parseRolloutText } from "@codex-ts/rollout";
import { loadSkills } from "@codex-ts/skills-watcher";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { hostile, isClearError } from "./fuzz.js";
import { cleanupDirs, figure, tempDir } from "./harness.js";

const RUNS = 400;
const tried: Record<string, number> = {};
const count = (name: string): void => {
  tried[name] = (tried[name] ?? 0) + 1;
};
afterEach(cleanupDirs);
afterAll(() => figure("hostile inputs tried (no exception escaped)", tried));

describe("fuzzed inputs to the public parsers", () => {
  it(".rules files (execpolicy parseRulesFile)", () => {
    const valid =
      'prefix_rule(pattern=["git", ["push", "fetch"]], decision="prompt", justification="x", match=[["git", "push"]])\nnetwork_rule(host="example.com", protocol="https", decision="allow")\n';
    const tokens = [
      "prefix_rule(",
      "network_rule(",
      "host_executable(",
      "pattern=",
      "decision=",
      '"forbidden"',
      '"allow"',
      '"prompt"',
      "[",
      "]",
      "(",
      ")",
      ",",
      '"git"',
      "match=",
      "not_match=",
      "\n",
      "def ",
      "if ",
      "lambda",
      "=",
      "#",
      '"""',
      "\\",
      "1",
      "None",
      "True",
      "load(",
    ];
    fc.assert(
      fc.property(hostile(tokens, valid), (source) => {
        count("rules");
        const r = parseRulesFile("fuzz.rules", source);
        if (!r.ok) {
          count("rules rejected");
          expect(isClearError(r.error.message), JSON.stringify(r.error)).toBe(true);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("config.toml (core loadConfig)", () => {
    const valid =
      'model = "gpt-5"\napproval_policy = "on-request"\n[model_providers.x]\nname = "X"\nbase_url = "http://127.0.0.1:1/v1"\nstream_idle_timeout_ms = 300\n[features]\nshell_tool = true\n[mcp_servers.a]\ncommand = "a"\n';
    const tokens = [
      "model",
      "=",
      '"x"',
      "[",
      "]",
      "[[",
      "]]",
      "\n",
      "model_providers",
      ".",
      "features",
      "sandbox_mode",
      '"read-only"',
      "1",
      "-1",
      "1e999",
      "true",
      "{",
      "}",
      ",",
      "'''",
      '"""',
      "#",
      "mcp_servers",
      "profiles",
      "hooks",
      "approval_policy",
      "0x",
      "inf",
      "nan",
    ];
    const home = tempDir("cfg");
    fc.assert(
      fc.property(hostile(tokens, valid), (text) => {
        count("config.toml");
        writeFileSync(path.join(home, "config.toml"), text);
        const r = loadConfig({ codexHome: home, cwd: home, env: { HOME: home } });
        if (!r.ok) {
          count("config.toml rejected");
          expect(isClearError(r.error), r.error).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("hook outputs (hooks interpretRun) and hooks.json (parseHooksFile)", () => {
    const validOut = JSON.stringify({
      continue: true,
      decision: "block",
      reason: "r",
      hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", additionalContext: "c" },
    });
    const tokens = [
      "{",
      "}",
      '"continue"',
      ":",
      "false",
      '"decision"',
      '"block"',
      '"reason"',
      '"hookSpecificOutput"',
      '"permissionDecision"',
      '"allow"',
      '"updatedInput"',
      "null",
      "[",
      "]",
      ",",
      '"systemMessage"',
      "\n",
      "\u0000",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...HOOK_EVENTS),
        hostile(tokens, validOut),
        fc.oneof(fc.constant(0), fc.constant(2), fc.integer({ min: -1, max: 255 }), fc.constant(null)),
        fc.json(),
        (event, stdout, exitCode, hooksJson) => {
          count("hook outputs");
          const run = interpretRun(event, {
            startedAt: 1,
            completedAt: 2,
            durationMs: 1,
            exitCode,
            signal: null,
            stdout,
            stderr: stdout,
            timedOut: false,
            error: null,
          });
          expect(run.status).toBeTypeOf("string");
          const warnings: string[] = [];
          parseHooksFile(JSON.parse(hooksJson), "fuzz/hooks.json", warnings);
          for (const w of warnings) expect(isClearError(w)).toBe(true);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("SKILL.md front matter (skills-watcher loadSkills)", async () => {
    const valid =
      "---\nname: demo\ndescription: Does a thing\nmetadata:\n  short-description: thing\n---\n# Demo\nbody\n";
    const tokens = [
      "---",
      "\n",
      "name:",
      "description:",
      " ",
      "demo",
      "metadata:",
      "  ",
      "short-description:",
      "- ",
      "[",
      "]",
      "{",
      "}",
      ":",
      "'",
      '"',
      "&a",
      "*a",
      "!!binary",
      "|",
      ">",
      "#",
      "\t",
      "\r\n",
      "~",
      "null",
    ];
    const samples = fc.sample(hostile(tokens, valid), 300);
    const home = tempDir("skills");
    const work = tempDir("skills-work");
    samples.forEach((text, i) => {
      const dir = path.join(home, "skills", `s${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "SKILL.md"), text);
    });
    const outcome = await loadSkills({
      codexHome: home,
      cwd: work,
      homeDir: null,
      adminSkillsRoot: null,
      projectRootMarkers: [],
    });
    tried["SKILL.md"] = samples.length;
    tried["SKILL.md rejected"] = outcome.errors.length;
    // Every file is either a skill or a clear error; none vanishes.
    expect(outcome.skills.length + outcome.errors.length).toBe(samples.length);
    for (const e of outcome.errors) expect(isClearError(e.message), JSON.stringify(e)).toBe(true);
  });

  it("apply_patch bodies (core parsePatch)", () => {
    const valid =
      "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** Update File: b.txt\n*** Move to: c.txt\n@@ def f\n-old\n+new\n context\n*** Delete File: d.txt\n*** End Patch\n";
    const tokens = [
      "*** Begin Patch",
      "*** End Patch",
      "*** Add File: ",
      "*** Update File: ",
      "*** Delete File: ",
      "*** Move to: ",
      "@@",
      "*** End of File",
      "\n",
      "+",
      "-",
      " ",
      "a.txt",
      "../x",
      "/etc/passwd",
      "<<'EOF'",
      "EOF",
    ];
    fc.assert(
      fc.property(hostile(tokens, valid), (text) => {
        count("apply_patch");
        const r = parsePatch(text);
        if (!r.ok) {
          count("apply_patch rejected");
          expect(isClearError(r.error), r.error).toBe(true);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("rollout lines (rollout parseRolloutText): garbage skipped, valid lines kept", () => {
    const meta = JSON.stringify({
      timestamp: "2026-01-01T00:00:00.000Z",
      type: "session_meta",
      payload: {
        id: "0197a0c0-0000-7000-8000-000000000000",
        timestamp: "2026-01-01T00:00:00.000Z",
        cwd: "/w",
        originator: "x",
        cli_version: "0",
        source: "exec",
      },
    });
    const good = JSON.stringify({
      timestamp: "2026-01-01T00:00:01.000Z",
      type: "response_item",
      payload: { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
    });
    const tokens = [
      "{",
      "}",
      '"type"',
      ":",
      '"response_item"',
      '"event_msg"',
      '"payload"',
      '"session_meta"',
      ",",
      "[",
      "]",
      "null",
      '"timestamp"',
      "\\u0000",
      '"',
      "1",
    ];
    const baseline = parseRolloutText(`${meta}\n${good}\n`).lines.length;
    fc.assert(
      fc.property(
        fc.array(
          hostile(tokens, good).map((l) => l.replace(/\n/g, " ")),
          { maxLength: 6 },
        ),
        (garbage) => {
          count("rollout lines");
          const text = `${meta}\n${garbage.join("\n")}\n${good}\n`;
          const r = parseRolloutText(text);
          // The valid lines around the garbage still load.
          expect(r.lines.length).toBeGreaterThanOrEqual(baseline);
          tried["rollout lines skipped"] = (tried["rollout lines skipped"] ?? 0) + r.skipped.length;
          for (const s of r.skipped) expect(isClearError(s.reason)).toBe(true);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
