import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultCodexHome, formatLoadError, loadExecPolicy, policyFromSources } from "./index.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "execpolicy-load-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, contents: string) {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, contents);
}

function requirements() {
  const res = policyFromSources([
    {
      file: "requirements.toml",
      contents: 'prefix_rule(pattern=["curl"], decision="forbidden", justification="managed")',
    },
  ]);
  if (!res.ok) throw new Error("bad requirements");
  return res.policy;
}

describe("loadExecPolicy", () => {
  it("reads CODEX_HOME/rules/*.rules then each project .codex/rules, sorted, and keeps requirements", async () => {
    const home = join(root, "home");
    const project = join(root, "proj", ".codex");
    await put(join(home, "rules", "b.rules"), 'prefix_rule(pattern=["git", "status"], decision="allow")');
    await put(join(home, "rules", "a.rules"), 'prefix_rule(pattern=["ls"], decision="allow")');
    await put(join(home, "rules", "notes.txt"), "not rules");
    await mkdir(join(home, "rules", "dir.rules"));
    await put(
      join(project, "rules", "p.rules"),
      'prefix_rule(pattern=["git", "status"], decision="prompt")\nprefix_rule(pattern=["curl"])',
    );
    const res = await loadExecPolicy({
      codexHome: home,
      projectConfigFolders: [project],
      requirements: requirements(),
    });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.files).toEqual([
      join(home, "rules", "a.rules"),
      join(home, "rules", "b.rules"),
      join(project, "rules", "p.rules"),
    ]);
    expect(res.value.warning).toBeUndefined();
    const { policy } = res.value;
    expect(policy.check(["git", "status"]).decision).toBe("prompt");
    expect(policy.check(["ls"]).decision).toBe("allow");
    // the project's allow for curl cannot override the managed forbidden rule
    expect(policy.check(["curl", "x"]).decision).toBe("forbidden");
  });

  it("missing rules directories are fine", async () => {
    const res = await loadExecPolicy({ codexHome: join(root, "nope") });
    expect(res.ok && res.value.policy.prefixRules.length).toBe(0);
  });

  it("a parse error degrades to the requirements-only policy with a warning", async () => {
    const home = join(root, "home");
    await put(
      join(home, "rules", "default.rules"),
      'prefix_rule(pattern=["ls"])\nprefix_rule(pattern=["x"], decision="nope")\n',
    );
    const res = await loadExecPolicy({ codexHome: home, requirements: requirements() });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.warning && formatLoadError(res.value.warning)).toBe(
      `${join(home, "rules", "default.rules")}:2:28: invalid decision: nope (expected allow, prompt, or forbidden)`,
    );
    expect(res.value.policy.prefixRules.map((r) => r.program)).toEqual(["curl"]);
  });

  it("ignoreUserAndProjectRules keeps only requirements", async () => {
    const home = join(root, "home");
    await put(join(home, "rules", "default.rules"), 'prefix_rule(pattern=["ls"])');
    const res = await loadExecPolicy({
      codexHome: home,
      requirements: requirements(),
      ignoreUserAndProjectRules: true,
    });
    expect(res.ok && res.value.files).toEqual([]);
  });

  it("defaultCodexHome honours CODEX_HOME", () => {
    expect(defaultCodexHome({ CODEX_HOME: "/x/y" })).toBe("/x/y");
    expect(defaultCodexHome({})).toMatch(/\.codex$/);
  });
});
