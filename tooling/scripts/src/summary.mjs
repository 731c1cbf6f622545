// Adds up the JSON reports every workspace package's vitest run wrote (`.vitest/results.json`)
// into one closing line `N passed, N failed, N skipped`. A package that has a `test` script but
// left no report, ran zero tests, had a suite that failed to load, or ended with an error outside
// any test counts as one failure more: a suite that silently stopped running must fail the run.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The workspace folders (as pnpm-workspace.yaml lists them) whose package.json has a `test` script. */
export function testedPackages(root) {
  const dirs = [];
  for (const group of ["packages", "apps", "tooling"]) {
    const base = path.join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) dirs.push(path.join(base, name));
  }
  dirs.push(path.join(root, "bench"));
  return dirs.filter((dir) => {
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) return false;
    try {
      return typeof JSON.parse(readFileSync(manifest, "utf8")).scripts?.test === "string";
    } catch {
      return true; // an unreadable manifest is a problem the summary must show
    }
  });
}

/** Reads one package's report: its counts and, when the package must count as failed, why. */
export function readReport(dir) {
  const file = path.join(dir, ".vitest", "results.json");
  if (!existsSync(file))
    return { passed: 0, failed: 0, skipped: 0, problems: ["no test report (the suite did not run)"], failures: [] };
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return { passed: 0, failed: 0, skipped: 0, problems: [`unreadable test report (${error.message})`], failures: [] };
  }
  const passed = report.numPassedTests ?? 0;
  const failed = report.numFailedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const problems = [];
  const unloaded = (report.testResults ?? []).filter(
    (r) => r.status === "failed" && (r.assertionResults ?? []).length === 0,
  ).length;
  if (unloaded > 0) problems.push(`${unloaded} test file(s) failed to load`);
  if ((report.numTotalTests ?? passed + failed + skipped) === 0) problems.push("ran zero tests");
  if (report.success === false && failed === 0 && problems.length === 0)
    problems.push("the run failed outside any test (global setup or an unhandled error)");
  return { passed, failed, skipped, problems, failures: failedTests(dir, report) };
}

/**
 * Each failed test as `file > name: first line of its message`, so a CI log that keeps only its
 * tail still says which test failed and why.
 */
function failedTests(dir, report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const where = file.name ? path.relative(dir, file.name) : "?";
    for (const test of file.assertionResults ?? []) {
      if (test.status !== "failed") continue;
      const message = String(test.failureMessages?.[0] ?? "").split("\n").find((line) => line.trim()) ?? "";
      out.push(`${where} > ${test.fullName ?? test.title ?? "?"}: ${message.trim().slice(0, 300)}`);
    }
  }
  return out;
}

/**
 * Sums every tested package's report. `lines` are what to print, the closing line last.
 * `otherFailures` are failures found outside the reports (e.g. the test runner itself failed).
 */
export function summarize(root, otherFailures = []) {
  const lines = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const dir of testedPackages(root)) {
    const report = readReport(dir);
    const name = path.relative(root, dir);
    lines.push(
      `${name}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped${
        report.problems.length ? ` — FAILED: ${report.problems.join("; ")}` : ""
      }`,
    );
    for (const failure of report.failures ?? []) lines.push(`  ✗ ${failure}`);
    passed += report.passed;
    failed += report.failed + report.problems.length;
    skipped += report.skipped;
  }
  for (const failure of otherFailures) lines.push(`FAILED: ${failure}`);
  failed += otherFailures.length;
  if (passed + failed === 0) {
    lines.push("no test was executed");
    failed += 1;
  }
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { passed, failed, skipped, lines, ok: failed === 0 && passed > 0 };
}
