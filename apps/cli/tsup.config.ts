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

/** In the main build, `exec/command.ts`'s `import("./run.js")` loads the separate exec bundle. */
const execBundleIsExternal = {
  name: "exec-bundle-is-external",
  setup(build: { onResolve: (o: { filter: RegExp }, f: (a: { importer: string }) => unknown) => void }) {
    build.onResolve({ filter: /^\.\/run\.js$/ }, (args) =>
      args.importer.endsWith(`${path.sep}exec${path.sep}command.ts`) ? { path: "./exec.js", external: true } : undefined,
    );
  },
};

export default defineConfig([
  // `codex-ts exec` (its run, after the arguments are parsed): one file with only what exec
  // reaches. esbuild splits chunks per file, so sharing chunks with the app-server would make exec
  // load (and build) every schema the app-server uses.
  {
    ...common,
    entry: { exec: "src/exec/run.ts" },
    // Its own lazily loaded parts (thread-store for resume, yaml, chokidar) in chunks of their own.
    splitting: true,
    clean: false,
  },
  // Everything else: the entry points, each command in a lazily loaded chunk.
  {
    ...common,
    entry: ["src/index.ts", "src/main.ts"],
    splitting: true,
    clean: false,
    esbuildPlugins: [...(common.esbuildPlugins ?? []), execBundleIsExternal],
    dts: { compilerOptions: { customConditions: [] } },
  },
]);
