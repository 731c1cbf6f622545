// shell_environment_policy: which environment variables commands the agent runs get.
import type { ShellEnvironmentPolicy } from "../config/schema.js";

/** Variables kept by `inherit = "core"`. */
export const CORE_ENV_VARS = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP"];
/** Removed unless `ignore_default_excludes = true` (the default, as in current Codex). */
export const DEFAULT_ENV_EXCLUDES = ["*KEY*", "*SECRET*", "*TOKEN*"];

function matcher(patterns: string[]): (name: string) => boolean {
  const regexes = patterns.map(
    (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".")}$`, "i"),
  );
  return (name) => regexes.some((r) => r.test(name));
}

/**
 * The environment for commands: inherit (all / core / none), drop the default secret-looking
 * names unless `ignore_default_excludes`, drop `exclude` patterns, add `set`, then keep only
 * `include_only` patterns when given. Patterns are case-insensitive globs (`*`, `?`).
 */
export function applyShellEnvironmentPolicy(
  policy: ShellEnvironmentPolicy,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const inherit = policy.inherit ?? "all";
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (inherit === "none") continue;
    if (inherit === "core" && !CORE_ENV_VARS.includes(name)) continue;
    out[name] = value;
  }
  const drop = (isMatch: (name: string) => boolean) => {
    for (const name of Object.keys(out)) if (isMatch(name)) delete out[name];
  };
  if (policy.ignore_default_excludes === false) drop(matcher(DEFAULT_ENV_EXCLUDES));
  if (policy.exclude?.length) drop(matcher(policy.exclude));
  Object.assign(out, policy.set ?? {});
  if (policy.include_only?.length) {
    const keep = matcher(policy.include_only);
    drop((name) => !keep(name));
  }
  return out;
}
