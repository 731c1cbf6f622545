import path from "node:path";
import { defineConfig } from "tsup";
import { EXTERNAL, bundlePlugin, commonJsBundle } from "../../tooling/build/tsup-bundles.mjs";

/**
 * In the main build, the exec runner is not bundled: `exec/load.ts` loads `dist/exec.cjs` (and
 * only falls back to `./run.js` when running from sources).
 */
const execRunIsExternal = {
  name: "exec-run-is-external",
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { importer: string }) => unknown) => void }) {
    build.onResolve({ filter: /^\.\/run\.js$/ }, (args) =>
      args.importer.endsWith(`${path.sep}exec${path.sep}load.ts`)
        ? { path: "./run.js", external: true }
        : undefined,
    );
  },
};

/**
 * Whitespace and syntax minification (names kept: stack traces and `.name` stay readable; the
 * source maps map back). Halves the source V8 keeps in memory for each bundle (exec peak RSS
 * −5 MiB) and the bytes read and scanned at start; the code cache stays about as large.
 */
const COMPACT = { minifyWhitespace: true, minifySyntax: true };

// The CLI is one program: it bundles our packages and their pure-JS dependencies so that a start
// compiles a few files instead of resolving and compiling hundreds of modules, and so that zod and
// protocol's schemas are tree-shaken to what a command uses (tooling/build/).
export default defineConfig([
  // `codex-ts exec`'s runner (after the arguments are parsed): one CommonJS file with only what
  // exec reaches, loaded through V8's code cache (@codex-ts/compile-cache). Its own bundle because
  // esbuild splits chunks per file: sharing chunks with the app-server would make exec load (and
  // build) every schema the app-server uses.
  { ...commonJsBundle({ exec: "src/exec/run.ts" }), ...COMPACT },
  // Everything else: the entry points, each command in a lazily loaded ESM chunk.
  {
    entry: ["src/index.ts", "src/main.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    splitting: true,
    clean: false,
    ...COMPACT,
    // The TUI's Ink loads react-devtools-core only when DEV=true (not installed; never bundled).
    noExternal: [new RegExp(`^(?!(${[...EXTERNAL, "react-devtools-core"].join("|")})(/|$))`)],
    external: [...EXTERNAL, "react-devtools-core"],
    esbuildPlugins: [bundlePlugin(), execRunIsExternal],
    esbuildOptions(options) {
      // Workspace packages from their sources (one esbuild pass; no dependence on their dist).
      options.conditions = ["@codex-ts/source"];
      // Bundled CommonJS dependencies call require(): give ESM chunks one.
      options.banner = {
        js: 'import { createRequire as __codexTsCreateRequire } from "node:module"; const require = __codexTsCreateRequire(import.meta.url);',
      };
      // React (the TUI) ships development and production builds chosen by NODE_ENV at run time:
      // keep only the production one (a third of the TUI chunk, and its start-up time).
      options.define = { ...options.define, "process.env.NODE_ENV": '"production"' };
    },
    dts: { compilerOptions: { customConditions: [] } },
  },
]);
