// tsup options shared by the programs that bundle our packages (apps/cli, apps/app-server).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codexTsBundle } from "./esbuild-plugins.mjs";

/**
 * Packages a bundle leaves to Node's resolver: native addons, and packages that find their own
 * files next to themselves at run time (tree-sitter's WASM, ajv's lazily required metaschemas).
 * A program that bundles must list them as its own dependencies so they resolve from its `dist/`.
 */
export const EXTERNAL = ["better-sqlite3", "node-pty", "web-tree-sitter", "tree-sitter-bash", "ajv", "ajv-formats"];

/** Everything else is bundled. */
export const BUNDLED = new RegExp(`^(?!(${EXTERNAL.join("|")})(/|$))`);

/** The esbuild plugin for our sources (unused protocol schemas dropped; see esbuild-plugins.mjs). */
export const bundlePlugin = () =>
  codexTsBundle({ protocolSrc: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../packages/protocol/src") });

/**
 * One self-contained CommonJS file (`<name>.cjs`) for a program to load through V8's code cache
 * (@codex-ts/compile-cache): CommonJS because Node 20 can code-cache only scripts.
 * @param {Record<string, string>} entry e.g. `{ exec: "src/exec/run.ts" }`
 */
export function commonJsBundle(entry) {
  return {
    entry,
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    target: "node20",
    platform: "node",
    sourcemap: true,
    splitting: false,
    clean: false,
    noExternal: [BUNDLED],
    external: EXTERNAL,
    esbuildPlugins: [bundlePlugin()],
    esbuildOptions(options) {
      // Workspace packages from their sources (one esbuild pass; no dependence on their dist).
      options.conditions = ["@codex-ts/source"];
      // Packages that locate files with createRequire(import.meta.url) (execpolicy's tree-sitter).
      options.define = { ...options.define, "import.meta.url": "__codexTsImportMetaUrl" };
      options.banner = { js: 'const __codexTsImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' };
      // Code run through vm.Script cannot use import() on Node 20 (no dynamic-import callback
      // without --experimental-vm-modules): the remaining ones (node-pty's optional load) become require().
      options.supported = { ...options.supported, "dynamic-import": false };
    },
  };
}
