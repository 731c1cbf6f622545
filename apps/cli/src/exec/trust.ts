import { existsSync } from "node:fs";
import path from "node:path";
import { projectTrustTarget, writeConfigEdits } from "@codex-ts/app-server";
import { loadConfig } from "@codex-ts/core";
import { resolveCodexHome } from "../home.js";

/**
 * `exec --trust`, as Codex: records the project (the git repository's root) as trusted in the
 * user's config.toml, unless it is explicitly untrusted (an error) or already trusted. Outside a
 * repository there is no project to trust, and nothing is written.
 */
export function trustProject(env: NodeJS.ProcessEnv, cwd: string): { ok: true } | { ok: false; error: string } {
  const root = projectTrustTarget(cwd);
  if (!existsSync(path.join(root, ".git"))) return { ok: true };
  const home = resolveCodexHome(env);
  if (!home.ok) return home;
  const loaded = loadConfig({ codexHome: home.path, cwd, env });
  if (!loaded.ok) return loaded;
  const level = loaded.config.projects[root]?.trust_level;
  if (level === "untrusted") return { ok: false, error: `${root} is marked as untrusted. Update its trust setting first.` };
  if (level === "trusted") return { ok: true };
  try {
    writeConfigEdits({
      codexHome: home.path,
      env,
      edits: [{ keyPath: `projects.${JSON.stringify(root)}.trust_level`, value: "trusted", mergeStrategy: "replace" }],
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return { ok: true };
}
