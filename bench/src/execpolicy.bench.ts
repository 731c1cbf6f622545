/**
 * execpolicy: checks per second against a 1,000-rule policy (goal ≥ 100,000/s for plain argv).
 */
import { evaluateExecApproval, formatRulesError, type Policy, policyFromSources } from "@codex-ts/execpolicy";
import { type Benchmark, note, opsPerSecond, record, report } from "./harness.js";
import { seededRandom } from "@codex-ts/test-support";

const GOAL = 100_000;

const rng = seededRandom;

const SUBCOMMANDS = ["status", "log", "diff", "build", "test", "run", "push", "install", "lint", "fmt"];
const DECISIONS = ["allow", "allow", "allow", "prompt", "forbidden"];

/** 1,000 prefix_rule lines over 100 programs: 1–4 tokens, some alternatives, with justifications. */
function rulesSource(next: () => number): string {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const program = `tool${i % 100}`;
    const tokens: string[] = [JSON.stringify(program)];
    const extra = Math.floor(next() * 4);
    for (let k = 0; k < extra; k++) {
      const a = SUBCOMMANDS[Math.floor(next() * SUBCOMMANDS.length)] as string;
      if (next() < 0.25) {
        const b = SUBCOMMANDS[Math.floor(next() * SUBCOMMANDS.length)] as string;
        tokens.push(`[${JSON.stringify(a)}, ${JSON.stringify(b)}]`);
      } else {
        tokens.push(JSON.stringify(`${a}${k}`));
      }
    }
    const decision = DECISIONS[Math.floor(next() * DECISIONS.length)] as string;
    lines.push(`prefix_rule(pattern=[${tokens.join(", ")}], decision="${decision}", justification="rule ${i}")`);
  }
  return lines.join("\n");
}

function commands(next: () => number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < 1024; i++) {
    const program = next() < 0.8 ? `tool${Math.floor(next() * 100)}` : ["ls", "cat", "make", "cargo"][i % 4] as string;
    const argv = [program];
    const n = Math.floor(next() * 5);
    for (let k = 0; k < n; k++) {
      const a = SUBCOMMANDS[Math.floor(next() * SUBCOMMANDS.length)] as string;
      argv.push(next() < 0.5 ? `${a}${k}` : a);
    }
    out.push(argv);
  }
  return out;
}

const benchmark: Benchmark = {
  name: "execpolicy",
  run() {
    const next = rng(42);
    const source = rulesSource(next);
    let built = policyFromSources([{ file: "bench.rules", contents: source }]);
    const parseStart = performance.now();
    for (let k = 0; k < 5; k++) built = policyFromSources([{ file: "bench.rules", contents: source }]);
    const parseMs = (performance.now() - parseStart) / 5;
    if (!built.ok) throw new Error(formatRulesError(built.error));
    const policy: Policy = built.policy;
    record(`parse the ${policy.prefixRules.length.toLocaleString("en-US")}-rule policy (warm)`, parseMs, { unit: "ms", digits: 1 });
    const cmds = commands(next);
    const mask = cmds.length - 1;
    const matched = cmds.filter((c) => policy.matchesForCommand(c).length > 0).length;
    note(`commands: ${cmds.length} argv, ${matched} match at least one rule; each sample is one ≥1.5 s timed loop`);

    report("checkTokens(argv) — CLI semantics", opsPerSecond((i) => policy.checkTokens(cmds[i & mask] as string[])), GOAL);
    report("check(argv) — with known-safe fallback", opsPerSecond((i) => policy.check(cmds[i & mask] as string[])), GOAL);

    const scripts = cmds.map((c, i) => ["bash", "-lc", `${c.join(" ")} && ls -la | wc -l; ${cmds[(i + 1) & mask]?.join(" ")}`]);
    for (const s of scripts) policy.check(s); // fill the parse cache
    report("check(bash -lc script) — repeated scripts (cached)", opsPerSecond((i) => policy.check(scripts[i & mask] as string[])));
    let unique = 0;
    report(
      "check(bash -lc script) — unique scripts (tree-sitter)",
      opsPerSecond(() => policy.check(["bash", "-lc", `tool1 status && echo ${unique++} | wc -l`]), 3000),
    );
    report(
      "evaluateExecApproval(argv, untrusted)",
      opsPerSecond((i) =>
        evaluateExecApproval(policy, cmds[i & mask] as string[], { approvalPolicy: "untrusted", sandbox: "restricted" }),
      ),
    );
  },
};

export default benchmark;
