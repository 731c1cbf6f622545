// Records what real `codex execpolicy check` prints for every corpus case (run by hand:
//   node corpus/capture.mjs /tmp/codex-real/node_modules/.bin/codex
// ). Output: corpus/cases.json, read by src/corpus.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const codex = process.argv[2];
if (!codex) throw new Error("usage: node capture.mjs <path to codex>");
const version = execFileSync(codex, ["--version"], { encoding: "utf8" }).trim();
const inputs = JSON.parse(readFileSync(join(here, "cases.input.json"), "utf8"));
const cases = inputs.map((c) => {
  const args = ["execpolicy", "check"];
  for (const r of c.rules) args.push("--rules", join(here, "rules", `${r}.rules`));
  args.push(...(c.flags ?? []), "--", ...c.argv);
  const res = spawnSync(codex, args, { encoding: "utf8" });
  return { ...c, exitCode: res.status, stdout: res.stdout };
});
const bad = readdirSync(join(here, "bad"))
  .filter((f) => f.endsWith(".rules"))
  .sort()
  .map((f) => {
    const res = spawnSync(codex, ["execpolicy", "check", "--rules", join(here, "bad", f), "--", "a"], {
      encoding: "utf8",
    });
    const located = /--> [^\n]*?:(\d+):(\d+)/.exec(res.stderr);
    const message = /^\s*error: (.*)$/m.exec(res.stderr)?.[1] ?? res.stderr.split("\n").find((l) => l.startsWith("    "))?.trim();
    return { file: f, exitCode: res.status, codexLine: located ? Number(located[1]) : null, codexMessage: message ?? null };
  });
writeFileSync(join(here, "cases.json"), `${JSON.stringify({ codexVersion: version, cases, bad }, null, 2)}\n`);
console.log(`captured ${cases.length} cases and ${bad.length} bad files from ${version}`);
