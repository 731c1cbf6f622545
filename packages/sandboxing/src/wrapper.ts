import {
  type AdditionalPermissionProfile,
  type CoreSandboxMode,
  type PermissionProfile,
  sandboxPolicyToPermissionProfile,
} from "@codex-ts/protocol";
import { resolvePolicy } from "./policy.js";
import type { MacOsSeatbeltExtensions } from "./seatbelt-extensions.js";
import { prepareSandboxedCommand, type SandboxPlatform } from "./prepare.js";

/** The legacy sandbox settings as core's tool context carries them (camelCase, cwd implied). */
export interface LegacySandboxSettings {
  mode: CoreSandboxMode;
  writableRoots?: string[];
  networkAccess?: boolean;
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
}

/** What core's command runner hands its sandbox wrapper (structurally compatible with its `CommandSpec`). */
export interface SandboxWrapperSpec {
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Legacy settings; used when `permissionProfile` is absent. */
  sandbox?: LegacySandboxSettings;
  /** The active profile (takes precedence over `sandbox`). */
  permissionProfile?: PermissionProfile;
  /** Granted overlays (session, turn, this command), applied in order. */
  additionalPermissions?: (AdditionalPermissionProfile | null | undefined)[];
  /** Approved escalation: run outside the sandbox. */
  escalated?: boolean;
  /**
   * The thread's runtime workspace roots (`:project_roots`, the workspace-write roots). Never
   * derived from `cwd`: a command's working directory only changes where it runs. Absent → none
   * (the workspace is not writable).
   */
  workspaceRoots?: string[];
  /** Where relative profile entries resolve (the turn's cwd; default: `cwd`). */
  policyCwd?: string;
  /** The profile's macOS extensions (`[permissions.<name>.macos]`): Seatbelt clauses on macOS. */
  macos?: MacOsSeatbeltExtensions;
}

export interface SandboxWrapperOptions {
  networkProxy?: { host: string; port: number };
  platform?: SandboxPlatform;
  bwrapPath?: string;
}

export type SandboxWrapperResult =
  | { ok: true; argv: string[]; env: Record<string, string>; mountPoints: string[] }
  | { ok: false; error: string };

/** Map core's legacy sandbox settings to a profile (the symbolic projection). */
export function profileFromLegacySettings(s: LegacySandboxSettings): PermissionProfile {
  switch (s.mode) {
    case "danger-full-access":
      return sandboxPolicyToPermissionProfile({ type: "danger-full-access" });
    case "read-only":
      return sandboxPolicyToPermissionProfile({
        type: "read-only",
        network_access: s.networkAccess ?? false,
      });
    case "workspace-write":
      return sandboxPolicyToPermissionProfile({
        type: "workspace-write",
        writable_roots: s.writableRoots ?? [],
        network_access: s.networkAccess ?? false,
        exclude_tmpdir_env_var: s.excludeTmpdirEnvVar ?? false,
        exclude_slash_tmp: s.excludeSlashTmp ?? false,
      });
  }
}

/**
 * A ready-made sandbox wrapper for core's local command runner: resolve the spec's profile
 * against the spec's workspace roots and wrap the argv to run in `cwd`, or explain (as a value)
 * why it cannot run. With neither a profile nor legacy settings the command is refused, and a
 * profile with rules this platform cannot enforce is refused too (fail closed, never widened).
 */
export function createSandboxWrapper(options: SandboxWrapperOptions = {}) {
  return async (spec: SandboxWrapperSpec): Promise<SandboxWrapperResult> => {
    const profile: PermissionProfile | undefined = spec.escalated
      ? { type: "disabled" }
      : (spec.permissionProfile ?? (spec.sandbox ? profileFromLegacySettings(spec.sandbox) : undefined));
    if (!profile) return { ok: false, error: "no sandbox policy given; refusing to run the command" };
    const policy = resolvePolicy(profile, {
      cwd: spec.policyCwd ?? spec.cwd,
      workspaceRoots: spec.workspaceRoots ?? [],
      overlays: spec.additionalPermissions,
      tmpdir: spec.env?.TMPDIR ?? process.env.TMPDIR,
      networkProxy: options.networkProxy,
      ...(options.platform === "macos" ? { platform: "darwin" as const } : {}),
    });
    const prepared = await prepareSandboxedCommand({
      policy,
      command: spec.argv,
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      platform: options.platform,
      bwrapPath: options.bwrapPath,
      ...(spec.macos ? { macos: spec.macos } : {}),
    });
    return prepared.ok
      ? { ok: true, argv: prepared.argv, env: prepared.env, mountPoints: prepared.mountPoints }
      : { ok: false, error: prepared.error.message };
  };
}
