import path from "node:path";

/**
 * Whether config already holds a trust decision (`projects."<dir>".trust_level`, `trusted` or
 * `untrusted`) for `cwd` or a folder above it (the repository root is recorded, as Codex does).
 * `config` is `config/read`'s effective config for that cwd.
 */
export function trustDecided(config: Record<string, unknown>, cwd: string): boolean {
  const projects = config.projects;
  if (typeof projects !== "object" || projects === null) return false;
  for (const [dir, entry] of Object.entries(projects as Record<string, unknown>)) {
    const level =
      typeof entry === "object" && entry !== null
        ? (entry as { trust_level?: unknown }).trust_level
        : undefined;
    if (level !== "trusted" && level !== "untrusted") continue;
    const relative = path.relative(path.resolve(dir), cwd);
    if (relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative))) return true;
  }
  return false;
}
