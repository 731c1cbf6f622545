import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPolicyFiles, runExecpolicyCheckCommand } from "./index.js";
import { loadShellParser } from "./shell.js";

// These checks include scripts only the tree-sitter grammar decides.
beforeAll(() => loadShellParser());

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), "..", "corpus");

interface CorpusCase {
  name: string;
  rules: string[];
  flags?: string[];
  argv: string[];
  exitCode: number;
  stdout: string;
}
interface BadCase {
  file: string;
  exitCode: number;
  codexLine: number | null;
  codexMessage: string | null;
}
const corpus = JSON.parse(readFileSync(join(corpusDir, "cases.json"), "utf8")) as {
  codexVersion: string;
  cases: CorpusCase[];
  bad: BadCase[];
};

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runExecpolicyCheckCommand(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

describe(`execpolicy check matches ${corpus.codexVersion} byte for byte`, () => {
  it("has a corpus", () => {
    expect(corpus.cases.length).toBeGreaterThan(25);
  });
  for (const c of corpus.cases) {
    it(c.name, async () => {
      const args: string[] = [];
      for (const r of c.rules) args.push("--rules", join(corpusDir, "rules", `${r}.rules`));
      args.push(...(c.flags ?? []), "--", ...c.argv);
      const res = await run(args);
      expect(res.stderr).toBe("");
      expect(res.code).toBe(c.exitCode);
      expect(res.stdout).toBe(c.stdout);
    });
  }
});

describe("rules files real Codex rejects are rejected with file:line:col", () => {
  for (const b of corpus.bad) {
    it(b.file, async () => {
      const path = join(corpusDir, "bad", b.file);
      const res = await run(["--rules", path, "--", "a"]);
      expect(res.code).toBe(b.exitCode);
      expect(res.stdout).toBe("");
      const m = new RegExp(
        `^Error: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+): (.+)\\n$`,
      ).exec(res.stderr);
      expect(m, res.stderr).not.toBeNull();
      if (b.codexLine !== null) expect(Number(m?.[1])).toBe(b.codexLine);
    });
  }
});

describe("Policy.check() decisions on the corpus (compound scripts, quoting, fallbacks)", () => {
  const checkCases = JSON.parse(readFileSync(join(corpusDir, "check-cases.json"), "utf8")) as {
    cases: { rules: string[]; argv: string[]; decision: string }[];
  };
  for (const c of checkCases.cases) {
    it(`${JSON.stringify(c.argv)} with ${c.rules.join("+")} → ${c.decision}`, async () => {
      const loaded = await loadPolicyFiles(c.rules.map((r) => join(corpusDir, "rules", `${r}.rules`)));
      expect(loaded.ok).toBe(true);
      if (loaded.ok) expect(loaded.policy.check(c.argv).decision).toBe(c.decision);
    });
  }
});
