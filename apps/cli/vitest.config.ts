import { packageConfig } from "@codex-ts/vitest-config";

// The TUI's component tests are .test.tsx.
export default packageConfig({ test: { include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"] } });
