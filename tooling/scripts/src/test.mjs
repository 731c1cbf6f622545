#!/usr/bin/env node
// `pnpm test`: clears every package's old report, runs each package's tests through turbo
// (`--continue`, so one failing package does not hide the others), then prints the summary.
// The last line is `N passed, N failed, N skipped`; the exit code is 1 unless every package ran
// tests and all of them passed.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize, testedPackages } from "./summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
for (const dir of testedPackages(root)) rmSync(path.join(dir, ".vitest"), { recursive: true, force: true });

const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--continue", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
const runnerFailures = [];
if (turbo.error) runnerFailures.push(`could not run turbo: ${turbo.error.message}`);
else if (turbo.status !== 0) runnerFailures.push(`turbo run test exited with ${turbo.status ?? turbo.signal}`);

const summary = summarize(root, runnerFailures);
for (const line of summary.lines) console.log(line);
process.exit(summary.ok ? 0 : 1);
