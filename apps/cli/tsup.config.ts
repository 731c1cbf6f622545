import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Options } from "tsup";
import { codexTsBundle } from "../../tooling/build/esbuild-plugins.mjs";

/**
 * Packages the bundles leave to Node's resolver: native addons, and packages that find their own
 * files next to themselves at run time (tree-sitter's WASM, ajv's lazily required metaschemas).
 * They are dependencies of this package so that they resolve from `dist/`.
 */
const external = ["better-sqlite3", "node-pty", "web-tree-sitter", "tree-sitter-bash", "ajv", "ajv-formats"];
const bundled = new RegExp(`^(?!(${external.join("|")})(/|$))`);
const protocolSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../packages/protocol/src");

// The CLI is one program: it bundles our packages and their pure-JS dependencies so that a start
// compiles a few files instead of resolving and compiling hundreds of modules, and so that zod and
// protocol's schemas are tree-shaken to what a command uses (see tooling/build/esbuild-plugins.mjs).
const common: Options = {
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  noExternal: [bundled],
  external,
  esbuildPlugins: [codexTsBundle({ protocolSrc })],
  esbuildOptions(options) {
    // Workspace packages from their sources (one esbuild pass; no dependence on their dist).
    options.conditions = ["@codex-ts/source"];
    // Bundled CommonJS dependencies call require(): give ESM chunks one.
    options.banner = {
      js: 'import { createRequire as __codexTsCreateRequire } from "node:module"; const require = __codexTsCreateRequire(import.meta.url);',
    };
  },
};

/**
 * In the main build, the exec runner is not bundled: `exec/load.ts` loads `dist/exec.cjs` (and
 * only falls back to `./run.js` when running from sources).
 */
const execRunIsExternal = {
  name: "exec-run-is-external",
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { importer: string }) => unknown) => void }) {
    build.onResolve({ filter: /^\.\/run\.js$/ }, (args) =>
      args.importer.endsWith(`${path.sep}exec${path.sep}load.ts`) ? { path: "./run.js", external: true } : undefined,
    );
  },
};

export default defineConfig([
  // `codex-ts exec`'s runner (after the arguments are parsed): one CommonJS file with only what
  // exec reaches, loaded through V8's code cache (@codex-ts/compile-cache). Its own bundle because
  // esbuild splits chunks per file: sharing chunks with the app-server would make exec load (and
  // build) every schema the app-server uses. CommonJS because Node 20 can code-cache only scripts.
  {
    ...common,
    entry: { exec: "src/exec/run.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    splitting: false,
    clean: false,
    esbuildOptions(options) {
      options.conditions = ["@codex-ts/source"];
      // execpolicy resolves tree-sitter's files with createRequire(import.meta.url).
      options.define = { ...options.define, "import.meta.url": "__codexTsImportMetaUrl" };
      options.banner = { js: 'const __codexTsImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' };
      // Code run through vm.Script cannot use import() on Node 20 (no dynamic-import callback):
      // esbuild turns the remaining ones (node-pty's optional load) into require().
      options.supported = { ...options.supported, "dynamic-import": false };
    },
  },
  // Everything else: the entry points, each command in a lazily loaded chunk.
  {
    ...common,
    entry: ["src/index.ts", "src/main.ts"],
    splitting: true,
    clean: false,
    esbuildPlugins: [...(common.esbuildPlugins ?? []), execRunIsExternal],
    dts: { compilerOptions: { customConditions: [] } },
  },
]);
