import { packageConfig } from "@codex-ts/vitest-config";

export default packageConfig({ test: { include: ["src/**/*.test.mjs"] } });
