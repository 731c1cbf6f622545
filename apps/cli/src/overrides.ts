import type { GlobalOverrides } from "./cli.js";
import { type OptionValues, stringList } from "./parse.js";

// No import of @codex-ts/core here: exec's argument handling reaches this file, and core (with zod)
// belongs in exec's own bundle (dist/exec.cjs), not in the ESM start path.

/**
 * The `-c key=value` overrides a command was given, in order: the top-level ones, its own, then
 * `--enable`/`--disable` as `features.<name>=true|false`. A value without `=` is a usage error.
 */
export function configOverrides(
  values: OptionValues,
  globals: GlobalOverrides,
): { ok: true; overrides: string[] } | { ok: false; error: string } {
  const overrides = [
    ...globals.config,
    ...stringList(values, "config"),
    ...[...globals.enable, ...stringList(values, "enable")].map((f) => `features.${f}=true`),
    ...[...globals.disable, ...stringList(values, "disable")].map((f) => `features.${f}=false`),
  ];
  for (const override of overrides) {
    if (!/^[^=\s][^=]*=/.test(override))
      return { ok: false, error: `invalid --config value '${override}': expected key=value` };
  }
  return { ok: true, overrides };
}

/**
 * `-p NAME` takes a plain name (Codex 0.169 reads `$CODEX_HOME/NAME.config.toml`; core's
 * `isPlainProfileName` is the rule, repeated here to keep core out of the start path): the usage
 * error otherwise.
 */
export function profileError(name: string): string | undefined {
  if (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) && !name.includes("..")) return undefined;
  return `invalid value '${name}' for '--profile <PROFILE>': invalid --profile value \`${name}\`; pass a plain name such as \`work\``;
}
