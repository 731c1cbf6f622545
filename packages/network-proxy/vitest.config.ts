import { packageConfig } from "@codex-ts/vitest-config";

// Generous limits: tests run real curl/bwrap processes on a busy machine.
export default packageConfig({ test: { testTimeout: 120_000, hookTimeout: 120_000 } });
