#!/usr/bin/env node
// Writes the app-server v2 JSON Schema bundle and TypeScript bindings generated from the zod
// schemas. Usage: node scripts/generate.mjs [--out DIR]   (default: dist/schema)
// Runs against the built package (`pnpm generate` builds first).
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateJsonSchemaBundle, generateTsBindings } from "../dist/index.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const outFlag = args.indexOf("--out");
const outDir =
  outFlag >= 0 && args[outFlag + 1] ? resolve(args[outFlag + 1]) : join(packageDir, "dist", "schema");

const json = await generateJsonSchemaBundle(join(outDir, "json"));
if (!json.ok) {
  console.error(`generate: ${json.error}`);
  process.exit(1);
}
const ts = await generateTsBindings(join(outDir, "typescript"));
if (!ts.ok) {
  console.error(`generate: ${ts.error}`);
  process.exit(1);
}
console.log(
  `generate: wrote ${json.value.length} JSON Schema files and ${ts.value.length} TypeScript files under ${outDir}`,
);
