import { describeZodError } from "../jsonrpc.js";
import { AdditionalPermissionProfile, type FileSystemSandboxEntry, relativeOverlayPaths } from "../permissions.js";
import type * as v2 from "../v2/index.js";

/**
 * Conversions between the core (snake_case) `AdditionalPermissionProfile` that the session's
 * `request_permissions` event / `permissionsHandler` carry and the app-server v2 (camelCase)
 * `RequestPermissionProfile` / `GrantedPermissionProfile` of `item/permissions/requestApproval`.
 */

type V2Entry = v2.FileSystemSandboxEntry;

function entryToV2(entry: FileSystemSandboxEntry): V2Entry {
  const p = entry.path;
  if (p.type !== "special") return { path: p, access: entry.access } as V2Entry;
  const value = p.value;
  const withSubpath =
    value.kind === "project_roots" || value.kind === "unknown" ? { ...value, subpath: value.subpath ?? null } : value;
  return { path: { type: "special", value: withSubpath }, access: entry.access } as V2Entry;
}

/** Core overlay → v2 `RequestPermissionProfile` (entries only; `read`/`write` are null). */
export function additionalPermissionsToV2(profile: AdditionalPermissionProfile): v2.RequestPermissionProfile {
  const fs = profile.file_system;
  return {
    fileSystem: fs
      ? { read: null, write: null, entries: fs.entries.map(entryToV2), globScanMaxDepth: fs.glob_scan_max_depth ?? null }
      : null,
    network: profile.network ? { enabled: profile.network.enabled } : null,
  };
}

export type AdditionalPermissionsFromV2Result =
  | { ok: true; permissions: AdditionalPermissionProfile }
  | { ok: false; error: string };

/**
 * v2 `GrantedPermissionProfile` / `RequestPermissionProfile` (as a client sent it) → core overlay.
 * The legacy `read` / `write` path lists become entries. App-server payloads must use absolute
 * paths: a relative one is an error value (answer it as invalid params).
 */
export function additionalPermissionsFromV2(value: unknown): AdditionalPermissionsFromV2Result {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: "permissions must be an object" };
  }
  const v = value as { fileSystem?: unknown; network?: unknown };
  let file_system: unknown = null;
  if (v.fileSystem !== undefined && v.fileSystem !== null) {
    if (typeof v.fileSystem !== "object" || Array.isArray(v.fileSystem)) {
      return { ok: false, error: "permissions.fileSystem must be an object" };
    }
    const fs = v.fileSystem as { read?: unknown; write?: unknown; entries?: unknown; globScanMaxDepth?: unknown };
    const list = (x: unknown, access: "read" | "write") =>
      Array.isArray(x) ? x.map((path) => ({ path: { type: "path", path }, access })) : [];
    const entries = Array.isArray(fs.entries)
      ? fs.entries.map((e: unknown) => {
          const entry = e as { path?: { type?: string; value?: Record<string, unknown> } };
          const val = entry?.path?.type === "special" ? entry.path.value : undefined;
          if (val && val.subpath === null) {
            const { subpath: _drop, ...rest } = val;
            return { ...entry, path: { ...entry.path, value: rest } };
          }
          return e;
        })
      : fs.entries === undefined || fs.entries === null
        ? []
        : fs.entries;
    file_system = {
      entries: Array.isArray(entries) ? [...list(fs.read, "read"), ...list(fs.write, "write"), ...entries] : entries,
      ...(typeof fs.globScanMaxDepth === "number" ? { glob_scan_max_depth: fs.globScanMaxDepth } : {}),
    };
  }
  const parsed = AdditionalPermissionProfile.safeParse({ network: v.network ?? null, file_system });
  if (!parsed.success) return { ok: false, error: `invalid permissions: ${describeZodError(parsed.error)}` };
  const relative = relativeOverlayPaths(parsed.data);
  if (relative.length > 0) {
    return { ok: false, error: `permission paths must be absolute: ${relative.join(", ")}` };
  }
  return { ok: true, permissions: parsed.data };
}
