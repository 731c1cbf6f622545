import { packageConfig } from "@codex-ts/vitest-config";

export default packageConfig({
  test: {
    globalSetup: ["src/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
