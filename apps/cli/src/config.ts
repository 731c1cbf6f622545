import { type Config, loadConfig } from "@codex-ts/core";
import type { GlobalOverrides } from "./cli.js";
import { resolveCodexHome } from "./home.js";
import { configOverrides, profileError } from "./overrides.js";
import { type OptionValues, stringValue } from "./parse.js";

export type CliConfigResult =
  | { ok: true; config: Config; warnings: string[] }
  | { ok: false; usage: boolean; error: string };

/** CODEX_HOME plus config.toml and the command's overrides (-c, --enable/--disable, -p), for commands other than exec. */
export function loadCliConfig(
  values: OptionValues,
  globals: GlobalOverrides,
  env: NodeJS.ProcessEnv,
  cwd: string,
): CliConfigResult {
  const home = resolveCodexHome(env);
  if (!home.ok) return { ok: false, usage: false, error: home.error };
  const overrides = configOverrides(values, globals);
  if (!overrides.ok) return { ok: false, usage: true, error: overrides.error };
  const profile = stringValue(values, "profile");
  const invalid = profile !== undefined ? profileError(profile) : undefined;
  if (invalid) return { ok: false, usage: true, error: invalid };
  const loaded = loadConfig({
    codexHome: home.path,
    overrides: overrides.overrides,
    cwd,
    env,
    ...(profile ? { profileFile: profile } : {}),
    ...(values["strict-config"] === true ? { strict: true } : {}),
  });
  if (!loaded.ok) return { ok: false, usage: false, error: loaded.error };
  return { ok: true, config: loaded.config, warnings: loaded.warnings };
}

export { configOverrides } from "./overrides.js";
