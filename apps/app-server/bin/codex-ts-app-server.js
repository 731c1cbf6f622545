#!/usr/bin/env node
// The server itself is one CommonJS bundle (dist/server.cjs, see tsup.config.ts) loaded through
// V8's code cache; dist/process.js (small) does what dist/main.js does with it.
import { fileURLToPath } from "node:url";
import { serveProcessStdio } from "../dist/process.js";

// The bundle (and its loader) load only once serveProcessStdio asks for them: after a stdio
// client's `initialize` has been answered (src/early-initialize.ts).
await serveProcessStdio(async () => {
  // zod's first parse of each object schema compiles a specialised parser (`new Function`), which
  // the code cache cannot keep: ~15% of a fresh server's CPU up to its first turn. Its `jitless`
  // setting (a global every copy of zod reads when it builds a schema) parses without it.
  globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };
  const { requireWithCodeCache } = await import("@codex-ts/compile-cache");
  return requireWithCodeCache(fileURLToPath(new URL("../dist/server.cjs", import.meta.url))).exports.runAppServer;
});
