#!/usr/bin/env node
// The server itself is one CommonJS bundle (dist/server.cjs, see tsup.config.ts) loaded through
// V8's code cache; dist/process.js (small) does what dist/main.js does with it.
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "@codex-ts/compile-cache";
import { serveProcessStdio } from "../dist/process.js";

const { runAppServer } = requireWithCodeCache(fileURLToPath(new URL("../dist/server.cjs", import.meta.url))).exports;
await serveProcessStdio(runAppServer);
