import { experimentalFeatures, writeConfigEdits } from "@codex-ts/app-server";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { renderHelp } from "../help.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { findSubcommand } from "../spec.js";
import { FEATURES } from "../specs/features.js";
import { parseLeaf } from "./common.js";

const STAGE_LABELS: Record<string, string> = {
  beta: "experimental",
  underDevelopment: "under development",
  stable: "stable",
  deprecated: "deprecated",
  removed: "removed",
};

/** `codex-ts features list|enable|disable`: the table `experimentalFeature/list` reports. */
export async function runFeaturesCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const sub = argv[0] !== undefined ? findSubcommand(FEATURES, argv[0]) : undefined;
  if (!sub) {
    const parsed = parseLeaf(FEATURES, argv, io, "codex-ts features", 1);
    if ("exit" in parsed) return parsed.exit;
    if (parsed.positionals[0] !== undefined) return usageError(io, `unrecognized subcommand '${parsed.positionals[0]}'`, "codex-ts features");
    io.stderr.write(renderHelp(FEATURES));
    return 2;
  }
  const command = `codex-ts features ${sub.name}`;
  const parsed = parseLeaf(sub, argv.slice(1), io, command);
  if ("exit" in parsed) return parsed.exit;
  const loaded = loadCliConfig(parsed.values, globals, io.env, io.cwd);
  if (!loaded.ok) return loaded.usage ? usageError(io, loaded.error, command) : failure(io, loaded.error);
  const features = experimentalFeatures(loaded.config.features);
  if (sub.name === "list") {
    const nameWidth = Math.max(...features.map((f) => f.name.length)) + 2;
    const stageWidth = Math.max(...Object.values(STAGE_LABELS).map((s) => s.length)) + 2;
    for (const f of features) io.stdout.write(`${f.name.padEnd(nameWidth)}${(STAGE_LABELS[f.stage] ?? f.stage).padEnd(stageWidth)}${f.enabled}\n`);
    return EXIT_OK;
  }
  const name = parsed.positionals[0];
  if (name === undefined) return usageError(io, "the following required argument was not provided: <FEATURE>", command);
  if (!features.some((f) => f.name === name)) return failure(io, `Unknown feature flag: ${name}`);
  const enable = sub.name === "enable";
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  try {
    writeConfigEdits({ codexHome: home.path, env: io.env, edits: [{ keyPath: `features.${name}`, value: enable, mergeStrategy: "replace" }] });
  } catch (error) {
    return failure(io, (error as Error).message);
  }
  io.stdout.write(`${enable ? "Enabled" : "Disabled"} feature \`${name}\` in config.toml.\n`);
  return EXIT_OK;
}
