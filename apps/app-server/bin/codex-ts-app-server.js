#!/usr/bin/env node
// The server itself is one CommonJS bundle (dist/server.cjs, see tsup.config.ts) loaded through
// V8's code cache; dist/process.js (small) does what dist/main.js does with it.
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "@codex-ts/compile-cache";
import { serveProcessStdio } from "../dist/process.js";

// The bundle loads only once serveProcessStdio asks for it: after a stdio client's `initialize`
// has been answered (src/early-initialize.ts).
await serveProcessStdio(
  () => requireWithCodeCache(fileURLToPath(new URL("../dist/server.cjs", import.meta.url))).exports.runAppServer,
);
