import { type Config, loadConfig } from "@codex-ts/core";
import type { GlobalOverrides } from "./cli.js";
import { resolveCodexHome } from "./home.js";
import { type OptionValues, stringList, stringValue } from "./parse.js";

/**
 * The `-c key=value` overrides a command was given, in order: the top-level ones, its own, then
 * `--enable`/`--disable` as `features.<name>=true|false`. A value without `=` is a usage error.
 */
export function configOverrides(values: OptionValues, globals: GlobalOverrides): { ok: true; overrides: string[] } | { ok: false; error: string } {
  const overrides = [
    ...globals.config,
    ...stringList(values, "config"),
    ...[...globals.enable, ...stringList(values, "enable")].map((f) => `features.${f}=true`),
    ...[...globals.disable, ...stringList(values, "disable")].map((f) => `features.${f}=false`),
  ];
  for (const override of overrides) {
    if (!/^[^=\s][^=]*=/.test(override)) return { ok: false, error: `invalid --config value '${override}': expected key=value` };
  }
  return { ok: true, overrides };
}

export type CliConfigResult = { ok: true; config: Config; warnings: string[] } | { ok: false; usage: boolean; error: string };

/** CODEX_HOME plus config.toml and the command's overrides (-c, --enable/--disable, -p), for commands other than exec. */
export function loadCliConfig(values: OptionValues, globals: GlobalOverrides, env: NodeJS.ProcessEnv, cwd: string): CliConfigResult {
  const home = resolveCodexHome(env);
  if (!home.ok) return { ok: false, usage: false, error: home.error };
  const overrides = configOverrides(values, globals);
  if (!overrides.ok) return { ok: false, usage: true, error: overrides.error };
  const profile = stringValue(values, "profile");
  const loaded = loadConfig({
    codexHome: home.path,
    overrides: overrides.overrides,
    cwd,
    env,
    ...(profile ? { profile } : {}),
    ...(values["strict-config"] === true ? { strict: true } : {}),
  });
  if (!loaded.ok) return { ok: false, usage: false, error: loaded.error };
  return { ok: true, config: loaded.config, warnings: loaded.warnings };
}
