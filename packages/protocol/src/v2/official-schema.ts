import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The Codex version whose app-server JSON Schema ships with this package (`official-schema/<version>/`). */
export const OFFICIAL_SCHEMA_VERSION = "0.169.0";

/**
 * The folder holding the official Codex app-server JSON Schema this package ships
 * (`official-schema/0.169.0/` at the package root), found from this module's own location so it
 * works from the sources and from the build alike. Throws when the folder is missing (a broken
 * install), naming where it looked.
 */
export function officialSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  const tried: string[] = [];
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(dir, "official-schema", OFFICIAL_SCHEMA_VERSION);
    tried.push(candidate);
    if (existsSync(join(candidate, "codex_app_server_protocol.v2.schemas.json"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`the official Codex ${OFFICIAL_SCHEMA_VERSION} schema is missing (looked in ${tried.join(", ")})`);
}
