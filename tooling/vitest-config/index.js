// Shared vitest configuration for every codex-ts package.
// Each package's vitest.config.ts calls `packageConfig()` (optionally with overrides).
// Besides the console reporter, every run writes `.vitest/results.json` in the package,
// which `tooling/scripts/vitest-summary.mjs` adds up for CI.
import path from "node:path";
import { defineConfig, mergeConfig } from "vitest/config";

/** @param {import('vitest/config').UserConfig} [overrides] */
export function packageConfig(overrides = {}) {
  const root = process.cwd();
  const base = defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      reporters: ["default", ["json", { outputFile: path.join(root, ".vitest", "results.json") }]],
    },
  });
  return mergeConfig(base, overrides);
}

export default packageConfig();
