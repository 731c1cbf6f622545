import { defineConfig } from "tsup";

/**
 * Packages the bundle leaves to Node's resolver: native addons, and packages that find their own
 * files next to themselves at run time (tree-sitter's WASM, ajv's lazily required metaschemas).
 * They are dependencies of this package so that they resolve from `dist/`.
 */
const external = ["better-sqlite3", "node-pty", "web-tree-sitter", "tree-sitter-bash", "ajv", "ajv-formats"];
const bundled = new RegExp(`^(?!(${external.join("|")})(/|$))`);

// The CLI is one program: it bundles our packages and their pure-JS dependencies so that a start
// compiles a few files instead of resolving and compiling hundreds of modules (and so that zod and
// friends are tree-shaken). Commands load their code lazily (`import()` → split chunks).
export default defineConfig({
  entry: ["src/index.ts", "src/main.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  splitting: true,
  clean: true,
  sourcemap: true,
  noExternal: [bundled],
  external,
  dts: { compilerOptions: { customConditions: [] } },
  esbuildOptions(options) {
    // Workspace packages from their sources (one esbuild pass; no dependence on their dist).
    options.conditions = ["@codex-ts/source"];
    // Bundled CommonJS dependencies call require(): give ESM chunks one.
    options.banner = {
      js: 'import { createRequire as __codexTsCreateRequire } from "node:module"; const require = __codexTsCreateRequire(import.meta.url);',
    };
  },
});
