import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runExecpolicyCheckCommand } from "./index.js";

let dir: string;
let rules: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "execpolicy-cli-"));
  rules = join(dir, "p.rules");
  await writeFile(
    rules,
    'prefix_rule(pattern=["git", "status"], decision="allow")\nprefix_rule(pattern=["rm"], decision="forbidden", justification="no")\n',
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runExecpolicyCheckCommand(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

describe("runExecpolicyCheckCommand", () => {
  it("prints the JSON real codex prints", async () => {
    expect(await run(["--rules", rules, "--", "git", "status", "-s"])).toEqual({
      code: 0,
      stdout:
        '{"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","status"],"decision":"allow"}}],"decision":"allow"}\n',
      stderr: "",
    });
    expect((await run(["--rules", rules, "ls"])).stdout).toBe('{"matchedRules":[]}\n');
  });

  it("accepts -r, --rules=, repeated rules, --pretty, and commands without --", async () => {
    const other = join(dir, "q.rules");
    await writeFile(other, 'prefix_rule(pattern=["rm", "-i"])\n');
    const res = await run(["-r", rules, `--rules=${other}`, "--pretty", "rm", "-i", "--", "x"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({
      matchedRules: [
        { prefixRuleMatch: { matchedPrefix: ["rm"], decision: "forbidden", justification: "no" } },
        { prefixRuleMatch: { matchedPrefix: ["rm", "-i"], decision: "allow" } },
      ],
      decision: "forbidden",
    });
    expect(res.stdout.startsWith('{\n  "matchedRules": [\n    {\n')).toBe(true);
  });

  it("a rules error exits 1 with one short file:line:col line", async () => {
    await writeFile(rules, 'prefix_rule(\n  pattern=["a"],\n  decision="sometimes",\n)\n');
    const res = await run(["--rules", rules, "--", "a"]);
    expect(res).toEqual({
      code: 1,
      stdout: "",
      stderr: `Error: ${rules}:3:3: invalid decision: sometimes (expected allow, prompt, or forbidden)\n`,
    });
  });

  it("a missing file exits 1", async () => {
    const res = await run(["--rules", join(dir, "missing.rules"), "--", "a"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `Error: failed to read rules at ${join(dir, "missing.rules")}: no such file or directory\n`,
    );
  });

  it("usage errors exit 2", async () => {
    expect((await run(["--", "a"])).code).toBe(2);
    expect((await run(["--rules", rules])).code).toBe(2);
    expect((await run(["--rules"])).code).toBe(2);
    const unknown = await run(["--rules", rules, "--frob", "a"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unexpected argument '--frob'");
  });

  it("--help prints usage and exits 0", async () => {
    const res = await run(["--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("--rules <PATH>");
  });
});
