/**
 * Tests drive the BUILT server. Rebuild it (and the workspace packages it imports at runtime)
 * when any of their sources is newer than their dist.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { PACKAGE_DIR } from "./harness.js";

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** The package and every workspace package it depends on at runtime, dependencies first. */
function runtimeWorkspacePackages(dir: string, seen = new Set<string>(), order: string[] = []): string[] {
  if (seen.has(dir)) return order;
  seen.add(dir);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!range.startsWith("workspace:")) continue;
    const link = path.join(dir, "node_modules", name);
    if (existsSync(link)) runtimeWorkspacePackages(realpathSync(link), seen, order);
  }
  order.push(dir);
  return order;
}

function isStale(dir: string): boolean {
  const dist = path.join(dir, "dist", "index.js");
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  return newestMtime(path.join(dir, "src")) > built || statSync(path.join(dir, "package.json")).mtimeMs > built;
}

export default function setup(): void {
  // Packages without an entry yet cannot be imported (nor built); skip them.
  const stale = runtimeWorkspacePackages(PACKAGE_DIR).filter((dir) => existsSync(path.join(dir, "src", "index.ts")) && isStale(dir));
  for (const dir of stale) {
    process.stderr.write(`app-server tests: building stale ${path.relative(path.dirname(PACKAGE_DIR), dir)}\n`);
    // JavaScript only (no .d.ts, no clean): the subprocess needs runnable code, and a sibling's
    // in-progress types must not block this package's tests.
    execFileSync("pnpm", ["exec", "tsup", "--no-dts", "--no-clean", "--silent"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 600_000,
    });
  }
}
