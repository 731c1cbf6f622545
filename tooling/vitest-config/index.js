// Shared vitest configuration for every codex-ts package.
// Each package's vitest.config.ts re-exports this default, or calls `packageConfig(overrides)`.
//
// - Workspace packages resolve through the `@codex-ts/source` export condition, so tests run
//   against sibling packages' `src/` without building them first (and without racing a build).
// - Besides the console reporter, every run writes `.vitest/results.json` in the package,
//   which `pnpm test` (tooling/scripts/src/test.mjs) adds up into its closing line.
import path from "node:path";
import { defineConfig, mergeConfig } from "vitest/config";

const conditions = ["@codex-ts/source", "node", "import", "module", "default"];

/** @param {import('vitest/config').UserConfig} [overrides] */
export function packageConfig(overrides = {}) {
  const root = process.cwd();
  const base = defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
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
