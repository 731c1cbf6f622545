import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "@codex-ts/compile-cache";

type RunModule = typeof import("./run.js");

/**
 * The exec runner. Built, it is `dist/exec.cjs` (its own bundle, see tsup.config.ts), loaded with
 * V8's code cache; from sources (tests, tsx) it is `./run.js`.
 */
export async function loadExecRun(): Promise<RunModule> {
  const bundled = fileURLToPath(new URL("./exec.cjs", import.meta.url));
  if (existsSync(bundled)) return requireWithCodeCache(bundled).exports as RunModule;
  return import("./run.js");
}
