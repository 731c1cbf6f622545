/**
 * The one place that computes what a command, patch or file read of a turn may touch.
 *
 * Inputs: the turn's cwd (where relative profile entries resolve), the thread's runtime workspace
 * roots (`:project_roots`, the workspace-write roots), the active permission profile (its deny
 * globs, restricted reads and the protected `.git` / `.codex` / `.agents` included), the network
 * policy, and the granted overlays (session, turn, this command). A command's `workdir` is never
 * an input: it only changes where the command runs.
 */
import path from "node:path";
import {
  type AdditionalPermissionProfile,
  type CoreSandboxPolicy,
  type PermissionProfile,
  readOnlyPermissionProfile,
  sandboxPolicyToPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import {
  canReadPath,
  canWritePath,
  type ResolvedPolicy,
  resolvePolicy,
  unenforceableReason,
} from "@codex-ts/sandboxing";

/** What the permissions of a turn are computed from (a subset of the tools' `ToolContext`). */
export interface PermissionSource {
  /** The turn's cwd. */
  cwd: string;
  /** The legacy sandbox policy; used only when `permissionProfile` is absent. */
  sandboxPolicy: CoreSandboxPolicy;
  /** The active permission profile (wins over `sandboxPolicy`, nothing of it is dropped). */
  permissionProfile?: PermissionProfile | undefined;
  /** The thread's runtime workspace roots (absent: the turn's cwd; empty: none). */
  workspaceRoots?: string[] | undefined;
  /** Session + turn grants. */
  grantedPermissions?: (() => AdditionalPermissionProfile | null) | undefined;
  env?: Record<string, string> | undefined;
  networkProxy?: { host: string; port: number } | undefined;
}

/** The effective permissions of one command (or patch, or read): everything the sandbox needs. */
export interface EffectivePermissions {
  profile: PermissionProfile;
  /** Relative profile entries resolve here (the turn's cwd, never the command's workdir). */
  turnCwd: string;
  /** `:project_roots`: the runtime workspace roots (absolute). */
  workspaceRoots: string[];
  /** Granted overlays in order: session/turn grants, then the command's own grant. */
  grants: AdditionalPermissionProfile[];
  /** `:tmpdir`. */
  tmpdir?: string;
  /** Restricted network goes through this proxy (its only way out). */
  networkProxy?: { host: string; port: number };
}

/** The active profile of a turn: the profile when one is set, else the legacy policy's projection. */
export function activeProfile(source: Pick<PermissionSource, "permissionProfile" | "sandboxPolicy">): PermissionProfile {
  return source.permissionProfile ?? sandboxPolicyToPermissionProfile(source.sandboxPolicy);
}

/** True when core adds no sandbox of its own (`disabled`, or `external`: someone else confines). */
export function profileRunsUnsandboxed(profile: PermissionProfile): boolean {
  return profile.type === "disabled" || profile.type === "external";
}

/** True when the turn's commands run without core's sandbox. */
export function turnUnsandboxed(source: Pick<PermissionSource, "permissionProfile" | "sandboxPolicy">): boolean {
  return profileRunsUnsandboxed(activeProfile(source));
}

function hasGrant(p: AdditionalPermissionProfile | null | undefined): p is AdditionalPermissionProfile {
  return !!p && ((p.file_system?.entries.length ?? 0) > 0 || p.network?.enabled === true);
}

/** The effective permissions for one action of the turn; `commandGrant` is the action's own grant. */
export function effectivePermissions(
  source: PermissionSource,
  commandGrant?: AdditionalPermissionProfile | null,
): EffectivePermissions {
  const turnCwd = path.resolve(source.cwd);
  // Absent → the turn's cwd; an explicit empty list means no writable workspace (never widened).
  const roots = source.workspaceRoots ?? [turnCwd];
  const tmpdir = source.env?.TMPDIR ?? process.env.TMPDIR;
  return {
    profile: activeProfile(source),
    turnCwd,
    workspaceRoots: roots.map((r) => path.resolve(turnCwd, r)),
    grants: [source.grantedPermissions?.(), commandGrant].filter(hasGrant),
    ...(tmpdir ? { tmpdir } : {}),
    ...(source.networkProxy ? { networkProxy: source.networkProxy } : {}),
  };
}

/** Concrete rules for these permissions (deny globs expanded, protected names added). */
export function resolveEffective(p: EffectivePermissions): ResolvedPolicy {
  return resolvePolicy(p.profile, {
    cwd: p.turnCwd,
    workspaceRoots: p.workspaceRoots,
    overlays: p.grants,
    ...(p.tmpdir ? { tmpdir: p.tmpdir } : {}),
    ...(p.networkProxy ? { networkProxy: p.networkProxy } : {}),
  });
}

export type PathCheck = { ok: true } | { ok: false; path: string; reason: string };

/**
 * May the turn write every path (relative ones resolve against `base`, default the turn's cwd)?
 * Symlinks are resolved, so a link inside the workspace pointing out is judged by its target.
 */
export function checkWritable(p: EffectivePermissions, paths: string[], base = p.turnCwd): PathCheck {
  if (profileRunsUnsandboxed(p.profile)) return { ok: true };
  const resolved = resolveEffective(p);
  const problem = unenforceableReason(resolved);
  for (const target of paths) {
    const abs = path.resolve(base, target);
    if (problem) return { ok: false, path: abs, reason: problem };
    if (!canWritePath(resolved, abs)) return { ok: false, path: abs, reason: `${abs} is not writable in the sandbox` };
  }
  return { ok: true };
}

/** May the turn read `target`? (`external` profiles: the outer sandbox decides, so yes.) */
export function checkReadable(p: EffectivePermissions, target: string, base = p.turnCwd): PathCheck {
  const abs = path.resolve(base, target);
  if (profileRunsUnsandboxed(p.profile)) return { ok: true };
  const resolved = resolveEffective(p);
  const problem = unenforceableReason(resolved);
  if (problem) return { ok: false, path: abs, reason: problem };
  return canReadPath(resolved, abs) ? { ok: true } : { ok: false, path: abs, reason: `${abs} is not readable in the sandbox` };
}

/**
 * A profile no wider than `profile` that also respects a requested legacy mode (a sub-agent asking
 * for `read-only` or `workspace-write`): read-only turns every write into a read and keeps the
 * deny rules and restricted reads; workspace-write keeps the profile (a `disabled` one becomes
 * plain workspace-write). Never widens what `profile` allows.
 */
export function narrowProfile(profile: PermissionProfile, requested: CoreSandboxPolicy["type"]): PermissionProfile {
  if (requested === "danger-full-access" || requested === "external-sandbox") return profile;
  if (profile.type === "disabled") {
    return requested === "read-only" ? readOnlyPermissionProfile() : workspaceWritePermissionProfile();
  }
  if (profile.type === "external" || requested !== "read-only") return profile;
  const fs = profile.file_system;
  const entries =
    fs.type === "unrestricted"
      ? [specialEntry({ kind: "root" }, "read")]
      : fs.entries.map((e) => (e.access === "write" ? { ...e, access: "read" as const } : e));
  return {
    type: "managed",
    network: profile.network,
    file_system: {
      type: "restricted",
      entries,
      ...(fs.type === "restricted" && fs.glob_scan_max_depth !== undefined ? { glob_scan_max_depth: fs.glob_scan_max_depth } : {}),
    },
  };
}
