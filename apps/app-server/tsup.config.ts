import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "tsup";
import { codexTsBundle } from "../../tooling/build/esbuild-plugins.mjs";

/**
 * Packages the server bundle leaves to Node's resolver: native addons, and packages that find
 * their own files next to themselves at run time (tree-sitter's WASM, ajv's lazily required
 * metaschemas). They are dependencies of this package so that they resolve from `dist/`.
 */
const external = ["better-sqlite3", "node-pty", "web-tree-sitter", "tree-sitter-bash", "ajv", "ajv-formats"];
const bundled = new RegExp(`^(?!(${external.join("|")})(/|$))`);
const protocolSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../packages/protocol/src");

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
  // server neither resolves hundreds of modules nor compiles them again. Same options as the
  // CLI's exec bundle (apps/cli/tsup.config.ts). CommonJS because Node 20 can code-cache only scripts.
  {
    entry: { server: "src/run.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    target: "node20",
    platform: "node",
    sourcemap: true,
    splitting: false,
    clean: false,
    noExternal: [bundled],
    external,
    esbuildPlugins: [codexTsBundle({ protocolSrc })],
    esbuildOptions(options) {
      // Workspace packages from their sources (one esbuild pass; no dependence on their dist).
      options.conditions = ["@codex-ts/source"];
      // Packages that locate files with createRequire(import.meta.url) (execpolicy's tree-sitter).
      options.define = { ...options.define, "import.meta.url": "__codexTsImportMetaUrl" };
      options.banner = {
        js: 'const __codexTsImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      };
      // import() of an external package (node-pty) becomes require(): Node 20 runs import() in a
      // vm.Script only with --experimental-vm-modules (or an experimental loader that warns).
      options.supported = { ...options.supported, "dynamic-import": false };
    },
  },
]);
