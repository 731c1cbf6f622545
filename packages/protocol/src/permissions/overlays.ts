import path from "node:path";
import { pathEntry } from "./builders.js";
import {
  type AdditionalPermissionProfile,
  type FileSystemAccessMode,
  type FileSystemPermissions,
  type FileSystemSandboxEntry,
  isAbsolutePathString,
} from "./schemas.js";

// ---------------------------------------------------------------------------------------------
// additional-permission overlays: validation, materialization, merge, intersection

/**
 * Paths in an overlay that are not absolute. App-server payloads must not have any (relative →
 * invalid params); `shell_command` / `exec_command` requests may, relative to the command's workdir.
 */
export function relativeOverlayPaths(profile: AdditionalPermissionProfile): string[] {
  return (profile.file_system?.entries ?? []).flatMap((e) =>
    e.path.type === "path" && !isAbsolutePathString(e.path.path) ? [e.path.path] : [],
  );
}

/**
 * Bind an overlay to a directory: relative paths and `:project_roots` (± subpath) become absolute
 * path entries under `cwd`, so a grant keeps meaning the same thing when reused later elsewhere.
 */
export function materializeAdditionalPermissions(
  profile: AdditionalPermissionProfile,
  cwd: string,
): AdditionalPermissionProfile {
  if (!profile.file_system) return profile;
  const entries = profile.file_system.entries.map((e): FileSystemSandboxEntry => {
    const p = e.path;
    if (p.type === "path") return pathEntry(path.resolve(cwd, p.path), e.access);
    if (p.type === "special" && p.value.kind === "project_roots") {
      return pathEntry(p.value.subpath ? path.resolve(cwd, p.value.subpath) : path.resolve(cwd), e.access);
    }
    return e;
  });
  return { ...profile, file_system: { ...profile.file_system, entries } };
}

function entryKey(e: FileSystemSandboxEntry): string {
  return JSON.stringify([e.path, e.access]);
}

/** Union of overlays (session grants accumulate): network on if any turns it on; entries deduplicated. */
export function mergeAdditionalPermissions(
  ...profiles: (AdditionalPermissionProfile | null | undefined)[]
): AdditionalPermissionProfile {
  let enabled: boolean | null = null;
  let fs: FileSystemPermissions | null = null;
  const seen = new Set<string>();
  for (const p of profiles) {
    if (!p) continue;
    if (p.network?.enabled != null) enabled = enabled === true || p.network.enabled;
    if (p.file_system) {
      fs ??= { entries: [] };
      for (const e of p.file_system.entries) {
        const k = entryKey(e);
        if (!seen.has(k)) {
          seen.add(k);
          fs.entries.push(e);
        }
      }
      const depth = p.file_system.glob_scan_max_depth;
      if (depth !== undefined) fs.glob_scan_max_depth = Math.max(fs.glob_scan_max_depth ?? 0, depth);
    }
  }
  return { network: enabled === null ? null : { enabled }, file_system: fs };
}

const ACCESS_RANK: Record<FileSystemAccessMode, number> = { deny: 0, read: 1, write: 2 };

/**
 * What a client's answer to a permissions request actually grants: only what was requested.
 * Network is on only when both ask for it; a granted entry survives when the request has the
 * same (materialized) path with at least that access. Deny entries always survive (they narrow).
 */
export function intersectAdditionalPermissions(
  requested: AdditionalPermissionProfile,
  granted: AdditionalPermissionProfile,
  cwd: string,
): AdditionalPermissionProfile {
  const req = materializeAdditionalPermissions(requested, cwd);
  const got = materializeAdditionalPermissions(granted, cwd);
  const network =
    got.network?.enabled != null
      ? { enabled: got.network.enabled === true && req.network?.enabled === true }
      : null;
  let file_system: FileSystemPermissions | null = null;
  if (got.file_system) {
    const allowed = req.file_system?.entries ?? [];
    const entries = got.file_system.entries.filter(
      (g) =>
        g.access === "deny" ||
        allowed.some(
          (r) =>
            JSON.stringify(r.path) === JSON.stringify(g.path) &&
            ACCESS_RANK[r.access] >= ACCESS_RANK[g.access],
        ),
    );
    file_system = { entries };
    const depth = got.file_system.glob_scan_max_depth;
    if (depth !== undefined) file_system.glob_scan_max_depth = depth;
  }
  return { network, file_system };
}
