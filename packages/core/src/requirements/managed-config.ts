// Where the legacy managed config lives: Codex still layers `/etc/codex/managed_config.toml` over
// every other config layer (session flags included) while it is phased out in favour of
// requirements.toml. CODEX_TS_MANAGED_CONFIG_FILE points elsewhere (tests); empty means none.
export const DEFAULT_MANAGED_CONFIG_FILE = "/etc/codex/managed_config.toml";
export const MANAGED_CONFIG_FILE_ENV = "CODEX_TS_MANAGED_CONFIG_FILE";

export function managedConfigFile(env: Record<string, string | undefined> = process.env): string | null {
  const override = env[MANAGED_CONFIG_FILE_ENV];
  if (override === undefined) return DEFAULT_MANAGED_CONFIG_FILE;
  return override === "" ? null : override;
}
