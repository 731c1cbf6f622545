// Writes MANIFEST.json for an official-schema folder: the Codex version and each file's SHA-256.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, version] = process.argv.slice(2);
if (!dir || !version) {
  console.error("usage: official-schema-manifest.mjs DIR VERSION");
  process.exit(2);
}
const files = {};
for (const name of readdirSync(dir).sort()) {
  if (!name.endsWith(".json") || name === "MANIFEST.json") continue;
  files[name] = createHash("sha256").update(readFileSync(join(dir, name))).digest("hex");
}
const manifest = {
  source: "codex app-server generate-json-schema",
  codexVersion: version,
  files,
};
writeFileSync(join(dir, "MANIFEST.json"), `${JSON.stringify(manifest, null, 2)}\n`);
