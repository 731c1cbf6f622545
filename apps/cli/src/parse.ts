import { parseArgs, type ParseArgsConfig } from "node:util";
import type { CommandSpec, OptionSpec } from "./spec.js";

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export type ParseResult =
  | { ok: true; values: OptionValues; positionals: string[]; afterDoubleDash: string[] }
  | { ok: false; error: string };

/**
 * Parses `argv` against a command's option table. Aliases fold into their option; choices are
 * checked; an unknown flag or a missing value is a usage error naming it. Never throws.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParseResult {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  const aliasOf = new Map<string, OptionSpec>();
  for (const o of spec.options) {
    options[o.name] = { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) };
    for (const alias of o.aliases ?? []) {
      options[alias] = { type: o.type, multiple: o.multiple ?? false };
      aliasOf.set(alias, o);
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    return { ok: false, error: cleanParseError(error) };
  }
  const values: OptionValues = { ...(parsed.values as OptionValues) };
  for (const [alias, target] of aliasOf) {
    const v = values[alias];
    if (v === undefined) continue;
    delete values[alias];
    const existing = values[target.name];
    values[target.name] = Array.isArray(existing) && Array.isArray(v) ? [...existing, ...v] : (existing ?? v);
  }
  for (const o of spec.options) {
    const v = values[o.name];
    if (o.choices && typeof v === "string" && !o.choices.includes(v)) {
      return { ok: false, error: `invalid value '${v}' for '--${o.name}' (possible values: ${o.choices.join(", ")})` };
    }
  }
  const dd = parsed.tokens?.find((t) => t.kind === "option-terminator");
  const afterDoubleDash = dd ? argv.slice(dd.index + 1) : [];
  const positionals = parsed.positionals.slice(0, parsed.positionals.length - afterDoubleDash.length);
  return { ok: true, values, positionals, afterDoubleDash };
}

function cleanParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node's messages carry advice for its own API ("To specify a positional argument starting with
  // a '-'…"); keep the first sentence, which names the flag.
  const first = message.split(/\.\s/)[0] ?? message;
  return first.replace(/^Unknown option/, "unexpected argument").replace(/\.$/, "");
}

export function stringList(values: OptionValues, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return [v];
  return [];
}

export function stringValue(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}
