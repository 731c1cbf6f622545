import { defineConfig } from "tsup";
import { commonJsBundle } from "../../tooling/build/tsup-bundles.mjs";

export default defineConfig([
  // The library, for importers such as the CLI: ESM, dependencies left external.
  {
    entry: ["src/index.ts", "src/main.ts", "src/process.ts"],
    format: ["esm"],
    dts: { compilerOptions: { customConditions: [] } },
    clean: false,
    sourcemap: true,
    target: "node20",
  },
  // What the `codex-ts-app-server` bin runs: `runAppServer` and everything it reaches in one
  // CommonJS file, loaded through V8's code cache (@codex-ts/compile-cache), so that a fresh
  // server neither resolves hundreds of modules nor compiles them again (tooling/build/).
  // Whitespace and syntax minified, names kept (see apps/cli/tsup.config.ts).
  { ...commonJsBundle({ server: "src/run.ts" }), minifyWhitespace: true, minifySyntax: true },
]);
