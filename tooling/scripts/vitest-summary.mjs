#!/usr/bin/env node
// Adds up the JSON reports every package's vitest run wrote (.vitest/results.json) and
// prints one closing line `N passed, N failed`. Exits non-zero when anything failed,
// when a suite file failed to load, or when no test ran at all.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const groups = ["packages", "apps", "tooling"];
const dirs = [];
for (const group of groups) {
  const base = path.join(root, group);
  if (!existsSync(base)) continue;
  for (const name of readdirSync(base)) dirs.push(path.join(base, name));
}
dirs.push(path.join(root, "bench"));

let passed = 0;
let failed = 0;
let skipped = 0;
let brokenSuites = 0;
for (const dir of dirs) {
  const file = path.join(dir, ".vitest", "results.json");
  if (!existsSync(file)) continue;
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.log(`${path.relative(root, file)}: unreadable report (${error.message})`);
    brokenSuites += 1;
    continue;
  }
  const p = report.numPassedTests ?? 0;
  const f = report.numFailedTests ?? 0;
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load (syntax error, import error) has no tests but is a failure.
  const broken = (report.testResults ?? []).filter(
    (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
  ).length;
  console.log(
    `${path.relative(root, dir)}: ${p} passed, ${f} failed, ${s} skipped${broken ? `, ${broken} suites failed to load` : ""}`,
  );
  passed += p;
  failed += f;
  skipped += s;
  brokenSuites += broken;
}

const failedTotal = failed + brokenSuites;
if (passed + failedTotal === 0) console.log("no test was executed");
console.log(`${passed} passed, ${failedTotal} failed, ${skipped} skipped`);
process.exit(failedTotal > 0 || passed === 0 ? 1 : 0);
