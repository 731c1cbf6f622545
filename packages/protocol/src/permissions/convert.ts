import {
  PROTECTED_SUBPATH_NAMES,
  pathEntry,
  readOnlyPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "./builders.js";
import type { CoreSandboxPolicy, FileSystemSandboxEntry, PermissionProfile } from "./schemas.js";
import { joinPath } from "./util.js";

// ---------------------------------------------------------------------------------------------
// conversions between the legacy SandboxPolicy and PermissionProfile

/**
 * The cwd-free symbolic projection of a legacy policy: workspace-write becomes
 * `:project_roots` = write (resolved later against the runtime workspace roots).
 * danger-full-access ↔ disabled, external-sandbox ↔ external.
 */
export function sandboxPolicyToPermissionProfile(policy: CoreSandboxPolicy): PermissionProfile {
  switch (policy.type) {
    case "danger-full-access":
      return { type: "disabled" };
    case "external-sandbox":
      return { type: "external", network: policy.network_access };
    case "read-only":
      return readOnlyPermissionProfile(policy.network_access ? "enabled" : "restricted");
    case "workspace-write":
      return workspaceWritePermissionProfile({
        writableRoots: policy.writable_roots,
        network: policy.network_access ? "enabled" : "restricted",
        excludeTmpdirEnvVar: policy.exclude_tmpdir_env_var,
        excludeSlashTmp: policy.exclude_slash_tmp,
      });
  }
}

/**
 * The explicit cwd-bound projection: workspace-write writes `cwd` itself (a concrete path
 * entry) and carries the protected `.git` / `.agents` / `.codex` subpaths of cwd and of every
 * writable root as explicit read entries.
 */
export function sandboxPolicyToPermissionProfileForCwd(
  policy: CoreSandboxPolicy,
  cwd: string,
): PermissionProfile {
  if (policy.type !== "workspace-write") return sandboxPolicyToPermissionProfile(policy);
  const entries: FileSystemSandboxEntry[] = [specialEntry({ kind: "root" }, "read"), pathEntry(cwd, "write")];
  if (!policy.exclude_slash_tmp) entries.push(specialEntry({ kind: "slash_tmp" }, "write"));
  if (!policy.exclude_tmpdir_env_var) entries.push(specialEntry({ kind: "tmpdir" }, "write"));
  const roots = [cwd, ...policy.writable_roots.filter((r) => r !== cwd)];
  for (const root of policy.writable_roots) if (root !== cwd) entries.push(pathEntry(root, "write"));
  for (const root of roots) {
    for (const name of PROTECTED_SUBPATH_NAMES) entries.push(pathEntry(joinPath(root, name), "read"));
  }
  return {
    type: "managed",
    file_system: { type: "restricted", entries },
    network: policy.network_access ? "enabled" : "restricted",
  };
}

export type ToSandboxPolicyResult = { ok: true; policy: CoreSandboxPolicy } | { ok: false; error: string };

/**
 * Project a profile back onto the legacy policy for `cwd` (for clients that only speak the
 * legacy shape). `:project_roots` (no subpath) or a write on `cwd` itself marks the workspace
 * writable; other writes become `writable_roots`. Fails (as a value) when the profile writes
 * outside any workspace, which the legacy shape cannot express.
 */
export function permissionProfileToSandboxPolicy(
  profile: PermissionProfile,
  cwd: string,
): ToSandboxPolicyResult {
  switch (profile.type) {
    case "disabled":
      return { ok: true, policy: { type: "danger-full-access" } };
    case "external":
      return { ok: true, policy: { type: "external-sandbox", network_access: profile.network } };
    case "managed":
      break;
  }
  const network = profile.network === "enabled";
  const fullAccess = (): ToSandboxPolicyResult =>
    network
      ? { ok: true, policy: { type: "danger-full-access" } }
      : { ok: true, policy: { type: "external-sandbox", network_access: "restricted" } };
  if (profile.file_system.type === "unrestricted") return fullAccess();

  let workspaceWritable = false;
  let rootWrite = false;
  let tmpdirWritable = false;
  let slashTmpWritable = false;
  const writableRoots: string[] = [];
  for (const entry of profile.file_system.entries) {
    if (entry.access !== "write") continue;
    const p = entry.path;
    if (p.type === "path") {
      if (p.path === cwd) workspaceWritable = true;
      else if (!writableRoots.includes(p.path)) writableRoots.push(p.path);
    } else if (p.type === "special") {
      const v = p.value;
      if (v.kind === "root") rootWrite = true;
      else if (v.kind === "project_roots") {
        if (v.subpath === undefined) workspaceWritable = true;
        else {
          const abs = joinPath(cwd, v.subpath);
          if (!writableRoots.includes(abs)) writableRoots.push(abs);
        }
      } else if (v.kind === "tmpdir") tmpdirWritable = true;
      else if (v.kind === "slash_tmp") slashTmpWritable = true;
    }
  }
  if (rootWrite) return fullAccess();
  if (workspaceWritable) {
    return {
      ok: true,
      policy: {
        type: "workspace-write",
        writable_roots: writableRoots,
        network_access: network,
        exclude_tmpdir_env_var: !tmpdirWritable,
        exclude_slash_tmp: !slashTmpWritable,
      },
    };
  }
  if (writableRoots.length > 0 || tmpdirWritable || slashTmpWritable) {
    return {
      ok: false,
      error:
        "permission profile grants filesystem writes outside the workspace root, which a legacy SandboxPolicy cannot express",
    };
  }
  return { ok: true, policy: { type: "read-only", network_access: network } };
}
