import {
  globEntry,
  parseSpecialPathToken,
  pathEntry,
  readOnlyPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "./builders.js";
import {
  type FileSystemAccessMode,
  type FileSystemSandboxEntry,
  type PermissionProfile,
  isAbsolutePathString,
} from "./schemas.js";
import { isPlainObject, joinPath } from "./util.js";

// ---------------------------------------------------------------------------------------------
// named permission profiles from config.toml (`[permissions.<name>]`)

/** Built-in profile ids. */
export const BUILTIN_PERMISSION_PROFILE_IDS = [":read-only", ":workspace", ":danger-full-access"] as const;

export type NamedProfileResult = { ok: true; profile: PermissionProfile } | { ok: false; error: string };

function builtinProfile(id: string): PermissionProfile | undefined {
  if (id === ":read-only") return readOnlyPermissionProfile();
  if (id === ":workspace") return workspaceWritePermissionProfile();
  if (id === ":danger-full-access") return { type: "disabled" };
  return undefined;
}

const ACCESS_WORDS: Record<string, FileSystemAccessMode> = { read: "read", write: "write", deny: "deny", none: "deny" };
const GLOB_CHARS = /[*?[\]{}]/;

/**
 * A `[permissions.<name>]` table → a profile: `extends` (a built-in or another name; default
 * `:read-only`), `network.enabled`, `workspace_roots` (`"<abs>" = true` → writable), and
 * `filesystem` (`"<path or :special>" = "read"|"write"|"deny"`, or a table of sub-paths — `"."`
 * for the path itself, globs allowed — to access; `glob_scan_max_depth`). A `filesystem` table
 * replaces the inherited entries. Anything this cannot express is an error, never ignored.
 */
export function permissionProfileFromConfig(
  id: string,
  profiles: Record<string, unknown>,
  seen: string[] = [],
): NamedProfileResult {
  const builtin = builtinProfile(id);
  if (builtin) return { ok: true, profile: builtin };
  if (seen.includes(id)) return { ok: false, error: `permission profile \`${id}\` extends itself: ${[...seen, id].join(" → ")}` };
  const raw = Object.hasOwn(profiles, id) ? profiles[id] : undefined;
  if (!isPlainObject(raw)) {
    const known = [...BUILTIN_PERMISSION_PROFILE_IDS, ...Object.keys(profiles)].join(", ");
    return { ok: false, error: `unknown permission profile: \`${id}\` (known: ${known})` };
  }
  const unknownKeys = Object.keys(raw).filter((k) => !["extends", "description", "network", "workspace_roots", "filesystem"].includes(k));
  if (unknownKeys.length > 0) return { ok: false, error: `permission profile \`${id}\` uses settings this build does not support: ${unknownKeys.join(", ")}` };
  const parent = permissionProfileFromConfig(typeof raw.extends === "string" ? raw.extends : ":read-only", profiles, [...seen, id]);
  if (!parent.ok) return parent;
  if (parent.profile.type !== "managed") {
    return raw.filesystem || raw.workspace_roots
      ? { ok: false, error: `permission profile \`${id}\`: filesystem rules cannot extend ${String(raw.extends)}` }
      : parent;
  }
  let entries = parent.profile.file_system.type === "restricted" ? [...parent.profile.file_system.entries] : [specialEntry({ kind: "root" }, "write")];
  let globDepth = parent.profile.file_system.type === "restricted" ? parent.profile.file_system.glob_scan_max_depth : undefined;
  if (raw.filesystem !== undefined) {
    if (!isPlainObject(raw.filesystem)) return { ok: false, error: `permission profile \`${id}\`: filesystem must be a table` };
    entries = [];
    for (const [key, value] of Object.entries(raw.filesystem)) {
      if (key === "glob_scan_max_depth") {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
          return { ok: false, error: `permission profile \`${id}\`: glob_scan_max_depth must be a positive integer` };
        globDepth = value;
        continue;
      }
      const subs: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [[".", value]];
      for (const [sub, word] of subs) {
        const access = typeof word === "string" ? ACCESS_WORDS[word] : undefined;
        if (!access) return { ok: false, error: `permission profile \`${id}\`: filesystem.${key}: unknown access ${JSON.stringify(word)} (read, write, deny)` };
        const entry = filesystemEntry(key, sub, access);
        if (typeof entry === "string") return { ok: false, error: `permission profile \`${id}\`: filesystem.${key}: ${entry}` };
        entries.push(entry);
      }
    }
  }
  if (raw.workspace_roots !== undefined) {
    if (!isPlainObject(raw.workspace_roots)) return { ok: false, error: `permission profile \`${id}\`: workspace_roots must be a table` };
    for (const [root, on] of Object.entries(raw.workspace_roots)) {
      if (!isAbsolutePathString(root)) return { ok: false, error: `permission profile \`${id}\`: workspace root must be absolute: ${root}` };
      if (on === true) entries.push(pathEntry(root, "write"));
    }
  }
  let network = parent.profile.network;
  if (raw.network !== undefined) {
    const enabled = isPlainObject(raw.network) ? raw.network.enabled : undefined;
    if (!isPlainObject(raw.network) || Object.keys(raw.network).some((k) => k !== "enabled") || (enabled !== undefined && typeof enabled !== "boolean"))
      return { ok: false, error: `permission profile \`${id}\`: only network.enabled (a boolean) is supported` };
    if (enabled !== undefined) network = enabled ? "enabled" : "restricted";
  }
  return {
    ok: true,
    profile: {
      type: "managed",
      network,
      file_system: { type: "restricted", entries, ...(globDepth !== undefined ? { glob_scan_max_depth: globDepth } : {}) },
    },
  };
}

/** One `filesystem` rule: `key` is a path or `:special`, `sub` a sub-path (`.` = itself) or glob. */
function filesystemEntry(key: string, sub: string, access: FileSystemAccessMode): FileSystemSandboxEntry | string {
  const special = parseSpecialPathToken(key);
  const isGlob = GLOB_CHARS.test(sub);
  if (special) {
    if (special.kind === "unknown") return `unknown special path ${key}`;
    if (sub === ".") return specialEntry(special, access);
    if (special.kind !== "project_roots") return `sub-paths are only supported under :project_roots`;
    if (isGlob) {
      if (access !== "deny") return `only deny globs are supported (${sub} = ${access})`;
      return globEntry(sub, access);
    }
    return specialEntry({ kind: "project_roots", subpath: sub }, access);
  }
  if (!isAbsolutePathString(key)) return `path must be absolute or a :special token`;
  if (sub === ".") return pathEntry(key, access);
  const joined = joinPath(key, sub);
  if (isGlob) return access === "deny" ? globEntry(joined, access) : `only deny globs are supported (${sub} = ${access})`;
  return pathEntry(joined, access);
}
