// Managed requirements (`requirements.toml`), read as Codex reads them on Linux and macOS:
// `/etc/codex/requirements.toml`. Administrators put there what users cannot turn off:
//   [hooks]                       managed hooks (always trusted, never disabled)
//   allow_managed_hooks_only      ignore every unmanaged hook
//   [rules] prefix_rules = [...]  command rules (`prompt` / `forbidden` only), merged over .rules files
//   [experimental_network]        network domains (`domains = { "host" = "allow" | "deny" }`, or the
//                                 legacy `allowed_domains` / `denied_domains` lists), which become
//                                 managed `network_rule`s of the session's exec policy (deny wins)
// Tests (and unusual installs) point elsewhere with CODEX_TS_REQUIREMENTS_FILE (empty: none).
import { readFileSync } from "node:fs";
import { type NetworkRule, Policy, type PrefixRule } from "@codex-ts/execpolicy";
import { parse as parseToml } from "smol-toml";
import { isTable, plain } from "../config/layers.js";

export const DEFAULT_REQUIREMENTS_FILE = "/etc/codex/requirements.toml";
/** Environment variable naming the requirements file instead of the default (empty string: none). */
export const REQUIREMENTS_FILE_ENV = "CODEX_TS_REQUIREMENTS_FILE";

export interface ManagedRequirements {
  /** The file they came from (hook keys and hooks/list `sourcePath`). */
  sourcePath: string;
  /** The `[hooks]` table (event → matcher groups), as @codex-ts/hooks takes it; absent: none. */
  hooks?: Record<string, unknown>;
  allowManagedHooksOnly: boolean;
  /** `[rules]` prefix rules and the network domains as `network_rule`s (empty when neither is set). */
  execPolicy: Policy;
}

export type RequirementsResult =
  | { ok: true; value: ManagedRequirements | null }
  | { ok: false; error: string };

/** The requirements file in effect: CODEX_TS_REQUIREMENTS_FILE when set (empty: none), else the default. */
export function requirementsFile(env: Record<string, string | undefined> = process.env): string | null {
  const override = env[REQUIREMENTS_FILE_ENV];
  if (override === undefined) return DEFAULT_REQUIREMENTS_FILE;
  return override === "" ? null : override;
}

/** Read and check a requirements file; a missing file is `null`, a bad one an error naming the file. */
export function loadRequirements(file: string | null = requirementsFile()): RequirementsResult {
  if (file === null) return { ok: true, value: null };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, value: null };
    return { ok: false, error: `failed to read ${file}: ${(error as Error).message}` };
  }
  return parseRequirements(text, file);
}

/** Parse requirements TOML text; every problem is an error naming the file (requirements fail closed). */
export function parseRequirements(text: string, sourcePath: string): RequirementsResult {
  let root: Record<string, unknown>;
  try {
    root = plain(parseToml(text)) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, error: `failed to parse ${sourcePath}: ${(error as Error).message}` };
  }
  const fail = (message: string): RequirementsResult => ({ ok: false, error: `${sourcePath}: ${message}` });
  const hooks = root.hooks;
  if (hooks !== undefined && !isTable(hooks)) return fail("`hooks` must be a table");
  const only = root.allow_managed_hooks_only;
  if (only !== undefined && typeof only !== "boolean")
    return fail("`allow_managed_hooks_only` must be a boolean");
  const prefix = prefixRules(root.rules);
  if (!prefix.ok) return fail(prefix.error);
  const network = networkRules(root.experimental_network);
  if (!network.ok) return fail(network.error);
  return {
    ok: true,
    value: {
      sourcePath,
      ...(hooks !== undefined ? { hooks } : {}),
      allowManagedHooksOnly: only === true,
      execPolicy: Policy.fromRules(prefix.value, network.value),
    },
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function prefixRules(rules: unknown): Parsed<PrefixRule[]> {
  if (rules === undefined) return { ok: true, value: [] };
  if (!isTable(rules) || !Array.isArray(rules.prefix_rules))
    return { ok: false, error: "`rules.prefix_rules` must be an array" };
  if (rules.prefix_rules.length === 0) return { ok: false, error: "rules prefix_rules cannot be empty" };
  const out: PrefixRule[] = [];
  for (const [i, rule] of rules.prefix_rules.entries()) {
    const where = `rules prefix_rule at index ${i}`;
    if (!isTable(rule) || !Array.isArray(rule.pattern) || rule.pattern.length === 0)
      return { ok: false, error: `${where} has an empty pattern` };
    const decision = rule.decision;
    if (decision === undefined) return { ok: false, error: `${where} is missing a decision` };
    if (decision === "allow")
      return {
        ok: false,
        error: `${where} has decision 'allow', which is not permitted in requirements.toml (use 'prompt' or 'forbidden')`,
      };
    if (decision !== "prompt" && decision !== "forbidden")
      return { ok: false, error: `${where} has an unknown decision ${JSON.stringify(decision)}` };
    const justification = rule.justification;
    if (justification !== undefined && (typeof justification !== "string" || justification.trim() === ""))
      return { ok: false, error: `${where} has an empty justification` };
    const tokens: (string | string[])[] = [];
    for (const [t, token] of rule.pattern.entries()) {
      const parsed = patternToken(token);
      if (typeof parsed === "object" && "error" in parsed)
        return { ok: false, error: `${where} has an invalid pattern token at index ${t}: ${parsed.error}` };
      tokens.push(parsed);
    }
    const [first, ...rest] = tokens;
    for (const program of typeof first === "string" ? [first] : (first ?? [])) {
      out.push({ program, rest, decision, ...(justification ? { justification } : {}) });
    }
  }
  return { ok: true, value: out };
}

function patternToken(token: unknown): string | string[] | { error: string } {
  if (!isTable(token)) return { error: "expected a table with `token` or `any_of`" };
  const { token: single, any_of: anyOf } = token;
  if (single !== undefined && anyOf !== undefined) return { error: "set either token or any_of, not both" };
  if (typeof single === "string") return single.trim() === "" ? { error: "token cannot be empty" } : single;
  if (Array.isArray(anyOf)) {
    if (anyOf.length === 0) return { error: "any_of cannot be empty" };
    if (anyOf.some((alt) => typeof alt !== "string" || alt.trim() === ""))
      return { error: "any_of cannot include empty tokens" };
    return anyOf as string[];
  }
  return { error: "set either token or any_of" };
}

function networkRules(network: unknown): Parsed<NetworkRule[]> {
  if (network === undefined) return { ok: true, value: [] };
  if (!isTable(network)) return { ok: false, error: "`experimental_network` must be a table" };
  const { domains, allowed_domains: allowed, denied_domains: denied } = network;
  if (domains !== undefined && (allowed !== undefined || denied !== undefined))
    return {
      ok: false,
      error:
        "`experimental_network.domains` cannot be combined with legacy `allowed_domains` or `denied_domains`",
    };
  const entries: [string, unknown][] = [];
  if (domains !== undefined) {
    if (!isTable(domains)) return { ok: false, error: "`experimental_network.domains` must be a table" };
    entries.push(...Object.entries(domains));
  }
  for (const [list, permission] of [
    [allowed, "allow"],
    [denied, "deny"],
  ] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((d) => typeof d !== "string"))
      return {
        ok: false,
        error: `\`experimental_network.${permission}ed_domains\` must be a list of strings`,
      };
    for (const host of list) entries.push([host, permission]);
  }
  const out: NetworkRule[] = [];
  for (const [host, permission] of entries) {
    if (permission !== "allow" && permission !== "deny")
      return {
        ok: false,
        error: `network domain ${host}: expected "allow" or "deny", got ${JSON.stringify(permission)}`,
      };
    out.push({
      host,
      protocol: "https",
      decision: permission === "allow" ? "allow" : "forbidden",
      justification: "managed requirements",
    });
  }
  return { ok: true, value: out };
}
