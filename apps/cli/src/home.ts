import { mkdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type CodexHomeResult = { ok: true; path: string } | { ok: false; error: string };

/**
 * Finds CODEX_HOME as real Codex does. A non-empty `$CODEX_HOME` must already exist and be a
 * directory (it is never created: a typo would otherwise scatter state); an unset or empty one
 * means `~/.codex`, which is created when missing. Never throws.
 */
export function resolveCodexHome(env: NodeJS.ProcessEnv): CodexHomeResult {
  const fromEnv = env.CODEX_HOME?.trim();
  if (fromEnv) {
    const home = path.resolve(fromEnv);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(home).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" || code === "ENOTDIR" ? "that path does not exist" : `it cannot be read (${code ?? String(error)})`;
      return { ok: false, error: `CODEX_HOME points to "${home}", but ${reason}` };
    }
    if (!isDirectory) return { ok: false, error: `CODEX_HOME points to "${home}", but that path is not a directory` };
    return { ok: true, path: home };
  }
  const home = path.join(env.HOME?.trim() || os.homedir(), ".codex");
  try {
    mkdirSync(home, { recursive: true });
  } catch (error) {
    return { ok: false, error: `cannot create ${home}: ${(error as Error).message}` };
  }
  return { ok: true, path: home };
}
