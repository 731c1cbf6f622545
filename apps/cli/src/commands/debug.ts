import { readFileSync } from "node:fs";
import path from "node:path";
import { modelCatalogJson } from "@codex-ts/core";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";

import { type Leaf, resolveLeaf } from "./group.js";
import { DEBUG } from "../specs/debug.js";

/** `codex-ts debug models|prompt-input|app-server send-message-v2`. */
export async function runDebugCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const leaf = resolveLeaf(DEBUG, argv, io, "codex-ts debug");
  if ("exit" in leaf) return leaf.exit;
  switch (leaf.path.join(" ")) {
    case "models":
      return debugModels(leaf, io, globals);
    case "prompt-input": {
      const { debugPromptInput } = await import("./debug-prompt.js");
      return debugPromptInput(leaf.parsed, io, globals);
    }
    case "app-server send-message-v2": {
      const { sendMessageV2 } = await import("./debug-app-server.js");
      return sendMessageV2(leaf.parsed, io, globals);
    }
    default:
      return usageError(io, `unrecognized subcommand '${leaf.path.join(" ")}'`, "codex-ts debug");
  }
}

/**
 * The model catalog as one line of JSON, in the shape of Codex's models.json: the file named by
 * `model_catalog_json` when set (as Codex), else the catalog bundled with codex-ts.
 */
function debugModels(leaf: Leaf, io: CliIO, globals: GlobalOverrides): number {
  const loaded = loadCliConfig(leaf.parsed.values, globals, io.env, io.cwd);
  if (!loaded.ok) return loaded.usage ? usageError(io, loaded.error, "codex-ts debug models") : failure(io, loaded.error);
  // Core's config schema does not model this key: the top enabled layer that sets it wins.
  const file = loaded.config.layers.filter((l) => !l.disabledReason && "model_catalog_json" in l.config).at(-1)?.config.model_catalog_json;
  if (leaf.parsed.values.bundled !== true && typeof file === "string" && file !== "") {
    const resolved = path.resolve(loaded.config.codexHome, file);
    let catalog: unknown;
    try {
      catalog = JSON.parse(readFileSync(resolved, "utf8"));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
      return failure(io, `failed to parse model_catalog_json path \`${resolved}\` as JSON: ${reason}`);
    }
    const models = (catalog as { models?: unknown } | null)?.models;
    if (!Array.isArray(models) || models.some((m) => typeof (m as { slug?: unknown } | null)?.slug !== "string")) {
      return failure(io, `failed to parse model_catalog_json path \`${resolved}\` as JSON: expected {"models": [{"slug": …}, …]}`);
    }
    io.stdout.write(`${JSON.stringify(catalog)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(`${JSON.stringify(modelCatalogJson())}\n`);
  return EXIT_OK;
}


