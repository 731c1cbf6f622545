import { describe, expect, it } from "vitest";
import { formatRulesError, policyFromSources } from "./index.js";
import { seededRandom } from "@codex-ts/test-support";

const rng = seededRandom;

const SEED_FILE = `# seed
TOOLS = ["status", "log"]
prefix_rule(
    pattern = ["git", TOOLS],
    decision = "allow",
    justification = "read-only \\"git\\" \\x41\\u00e9",
    match = [["git", "status"], "git log -p"],
    not_match = ["git push"],
)
prefix_rule(pattern=[["npm", "pnpm"], "test"], decision="prompt"); prefix_rule(["rm"], "forbidden")
network_rule(host="api.example.com:443", protocol="https", decision="deny", justification='no')
host_executable(name="git", paths=["/usr/bin/git", "~/bin/git"])
x = r'raw\\n' ; y = '''tri
ple'''
`;

const FRAGMENTS = [
  "(",
  ")",
  "[",
  "]",
  ",",
  "=",
  ";",
  "#",
  '"',
  "'",
  '"""',
  "\\",
  "\\x",
  "\\u12",
  "\\U0011ffff",
  "\n",
  "prefix_rule",
  "network_rule",
  "host_executable",
  "pattern",
  "decision",
  "match",
  "not_match",
  "None",
  "True",
  "[[[[",
  "]]]]",
  "0",
  "99999999999999999999",
  "*",
  "é",
  "😀",
  "\u0000",
  "\r\n",
  "\t",
];

function mutate(src: string, next: () => number): string {
  let s = src;
  const ops = 1 + Math.floor(next() * 3);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(next() * (s.length + 1));
    const choice = next();
    if (choice < 0.3) {
      const len = 1 + Math.floor(next() * 12);
      s = s.slice(0, at) + s.slice(at + len);
    } else if (choice < 0.6) {
      const frag = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string;
      s = s.slice(0, at) + frag + s.slice(at);
    } else if (choice < 0.8) {
      const from = Math.floor(next() * s.length);
      const piece = s.slice(from, from + Math.floor(next() * 40));
      s = s.slice(0, at) + piece + s.slice(at);
    } else {
      const ch = String.fromCharCode(Math.floor(next() * 128));
      s = s.slice(0, at) + ch + s.slice(at + 1);
    }
  }
  return s;
}

describe("fuzz: randomly mutated rule files", () => {
  it("5,000 mutations yield a policy or a clean located error, never a crash", () => {
    const next = rng(0xc0dec5);
    const counts = { ok: 0, error: 0 };
    for (let i = 0; i < 5000; i++) {
      const contents = mutate(SEED_FILE, next);
      let res: ReturnType<typeof policyFromSources>;
      try {
        res = policyFromSources([{ file: "fuzz.rules", contents }]);
      } catch (err) {
        throw new Error(`mutation ${i} threw ${String(err)} for:\n${contents}`);
      }
      if (res.ok) {
        counts.ok += 1;
        // a loaded policy must also check without throwing
        res.policy.checkTokens(["git", "status"]);
        continue;
      }
      counts.error += 1;
      const e = res.error;
      const lines = contents.split("\n").length;
      expect(e.file).toBe("fuzz.rules");
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(lines + 1);
      expect(e.column).toBeGreaterThanOrEqual(1);
      expect(e.message.length).toBeGreaterThan(0);
      expect(formatRulesError(e)).not.toMatch(/undefined|NaN|\[object/);
    }
    // the corpus must exercise both outcomes
    expect(counts.ok).toBeGreaterThan(200);
    expect(counts.error).toBeGreaterThan(1000);
  }, 120_000);

  it("pathological inputs stay bounded", () => {
    const inputs = [
      "[".repeat(100_000),
      "(".repeat(100_000),
      `x = ${"[".repeat(60)}${"]".repeat(60)}`,
      `"${"\\".repeat(100_001)}`,
      "#".repeat(200_000),
      `prefix_rule(pattern=[${'"a",'.repeat(20_000)}])`,
    ];
    for (const contents of inputs) {
      const res = policyFromSources([{ file: "p.rules", contents }]);
      expect(typeof res.ok).toBe("boolean");
    }
  }, 120_000);
});
