/**
 * Loading policies from disk: explicit files (the CLI) and Codex's layout —
 * `<config folder>/rules/*.rules` for CODEX_HOME and each project `.codex/` folder, in increasing
 * precedence, with managed-requirements rules always kept on top.
 */
import { readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Policy, type RulesSource, policyFromSources } from "./policy.js";
import { type RulesError, formatRulesError } from "./rule-model.js";

export type ExecPolicyLoadError =
  | { kind: "read"; path: string; message: string }
  | { kind: "parse"; error: RulesError };

export function formatLoadError(error: ExecPolicyLoadError): string {
  return error.kind === "read"
    ? `failed to read rules at ${error.path}: ${error.message}`
    : formatRulesError(error.error);
}

function ioMessage(err: unknown): string {
  if (err && typeof err === "object" && "code" in err) {
    const code = String((err as { code: unknown }).code);
    if (code === "ENOENT") return "no such file or directory";
    if (code === "EACCES") return "permission denied";
    if (code === "EISDIR") return "is a directory";
    return code;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Reads and parses the given files in order (later files add to earlier ones). */
export async function loadPolicyFiles(
  paths: readonly string[],
): Promise<{ ok: true; policy: Policy } | { ok: false; error: ExecPolicyLoadError }> {
  const sources: RulesSource[] = [];
  for (const path of paths) {
    try {
      sources.push({ file: path, contents: await readFile(path, "utf8") });
    } catch (err) {
      return { ok: false, error: { kind: "read", path, message: ioMessage(err) } };
    }
  }
  const built = policyFromSources(sources);
  return built.ok ? built : { ok: false, error: { kind: "parse", error: built.error } };
}

/** `<dir>/*.rules` regular files, sorted by path; a missing directory yields none. */
export async function collectRulesFiles(
  dir: string,
): Promise<{ ok: true; files: string[] } | { ok: false; error: ExecPolicyLoadError }> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const files = entries
      .filter((e) => e.isFile() && e.name.endsWith(".rules") && e.name.length > ".rules".length)
      .map((e) => join(dir, e.name))
      .sort();
    return { ok: true, files };
  } catch (err) {
    if (err && typeof err === "object" && (err as { code?: unknown }).code === "ENOENT") {
      return { ok: true, files: [] };
    }
    return { ok: false, error: { kind: "read", path: dir, message: ioMessage(err) } };
  }
}

/** `$CODEX_HOME`, else `~/.codex`. */
export function defaultCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CODEX_HOME;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : join(homedir(), ".codex");
}

export interface LoadExecPolicyOptions {
  /** User config folder; its `rules/` is read. Default: `defaultCodexHome()`. */
  codexHome?: string;
  /**
   * Project config folders (each a `.codex` directory), lowest precedence first; each one's
   * `rules/` is read after CODEX_HOME's.
   */
  projectConfigFolders?: readonly string[];
  /** Rules from managed requirements: always part of the result, even if user files fail to parse. */
  requirements?: Policy;
  /** Managed setting that skips user and project rules (requirements still apply). */
  ignoreUserAndProjectRules?: boolean;
}

export interface LoadedExecPolicy {
  policy: Policy;
  /** Files read, in load order. */
  files: string[];
  /**
   * A user/project rules file failed to parse: the policy then holds only the requirements'
   * rules, as Codex does, and this says why.
   */
  warning?: ExecPolicyLoadError;
}

/**
 * Loads Codex's rules layout. Unreadable directories/files are errors; a parse error in a
 * user/project file degrades to the requirements-only policy plus `warning`.
 */
export async function loadExecPolicy(
  options: LoadExecPolicyOptions = {},
): Promise<{ ok: true; value: LoadedExecPolicy } | { ok: false; error: ExecPolicyLoadError }> {
  const requirements = options.requirements ?? Policy.empty();
  const folders = options.ignoreUserAndProjectRules
    ? []
    : [options.codexHome ?? defaultCodexHome(), ...(options.projectConfigFolders ?? [])];
  const files: string[] = [];
  for (const folder of folders) {
    const collected = await collectRulesFiles(join(folder, "rules"));
    if (!collected.ok) return collected;
    files.push(...collected.files);
  }
  const loaded = await loadPolicyFiles(files);
  if (!loaded.ok) {
    if (loaded.error.kind === "read") return loaded;
    return { ok: true, value: { policy: requirements, files, warning: loaded.error } };
  }
  return { ok: true, value: { policy: loaded.policy.merge(requirements), files } };
}
