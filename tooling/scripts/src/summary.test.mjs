import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { summarize } from "./summary.mjs";

const roots = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fake workspace: `packages` maps a folder name to its report (object), raw text, or null (no report). */
function workspace(packages) {
  const root = mkdtempSync(path.join(tmpdir(), "codex-ts-summary-"));
  roots.push(root);
  for (const [name, report] of Object.entries(packages)) {
    const dir = path.join(root, "packages", name);
    mkdirSync(path.join(dir, ".vitest"), { recursive: true });
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, scripts: { test: "vitest run" } }));
    if (report === null) continue;
    const text = typeof report === "string" ? report : JSON.stringify(report);
    writeFileSync(path.join(dir, ".vitest", "results.json"), text);
  }
  return root;
}

const ok = (n) => ({
  success: true,
  numTotalTests: n,
  numPassedTests: n,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  testResults: [{ status: "passed", assertionResults: Array.from({ length: n }, () => ({ status: "passed" })) }],
});

describe("summarize", () => {
  it("adds up passing packages and ends with the closing line", () => {
    const summary = summarize(workspace({ a: ok(3), b: ok(2) }));
    expect(summary.lines.at(-1)).toBe("5 passed, 0 failed, 0 skipped");
    expect(summary.ok).toBe(true);
  });

  it("counts a package whose test file failed to load as failed", () => {
    const broken = { ...ok(0), success: false, testResults: [{ status: "failed", assertionResults: [] }] };
    const summary = summarize(workspace({ a: ok(4), b: broken }));
    expect(summary.lines.at(-1)).toMatch(/^4 passed, [1-9]\d* failed/);
    expect(summary.lines.join("\n")).toContain("failed to load");
    expect(summary.ok).toBe(false);
  });

  it("counts a package that ran zero tests, or left no report, as failed", () => {
    const summary = summarize(workspace({ a: ok(1), empty: ok(0), silent: null }));
    expect(summary.failed).toBe(2);
    expect(summary.lines.join("\n")).toContain("ran zero tests");
    expect(summary.lines.join("\n")).toContain("no test report");
    expect(summary.ok).toBe(false);
  });

  it("counts an error outside any test (global setup) and an unreadable report as failures", () => {
    const summary = summarize(workspace({ a: { ...ok(2), success: false }, b: "{not json" }));
    expect(summary.failed).toBe(2);
    expect(summary.ok).toBe(false);
  });

  it("counts failures reported by the runner itself, and fails when nothing ran", () => {
    expect(summarize(workspace({ a: ok(1) }), ["turbo run test exited with 1"]).ok).toBe(false);
    const nothing = summarize(workspace({}));
    expect(nothing.lines).toContain("no test was executed");
    expect(nothing.ok).toBe(false);
  });

  it("names each failed test with the first line of its message", () => {
    const failing = {
      ...ok(1),
      success: false,
      numPassedTests: 1,
      numFailedTests: 1,
      testResults: [
        {
          name: "/x/packages/b/src/load.test.ts",
          status: "failed",
          assertionResults: [
            { status: "passed", fullName: "fine" },
            { status: "failed", fullName: "load > stays flat", failureMessages: ["\nAssertionError: expected 9 to be less than 4\n    at x"] },
          ],
        },
      ],
    };
    const summary = summarize(workspace({ b: failing }));
    const line = summary.lines.find((l) => l.includes("✗"));
    expect(line).toContain("load > stays flat: AssertionError: expected 9 to be less than 4");
    expect(summary.lines.at(-1)).toBe("1 passed, 1 failed, 0 skipped");
  });
});
