import type {
  FileSystemAccessMode,
  FileSystemSandboxEntry,
  FileSystemSpecialPath,
  NetworkSandboxPolicy,
  PermissionProfile,
} from "./schemas.js";

/** Profile and entry builders, and the config `:special` path tokens. */

// ---------------------------------------------------------------------------------------------
// builders

export const PROTECTED_SUBPATH_NAMES = [".git", ".agents", ".codex"] as const;

export function specialEntry(
  value: FileSystemSpecialPath,
  access: FileSystemAccessMode,
): FileSystemSandboxEntry {
  return { path: { type: "special", value }, access };
}

export function pathEntry(path: string, access: FileSystemAccessMode): FileSystemSandboxEntry {
  return { path: { type: "path", path }, access };
}

export function globEntry(pattern: string, access: FileSystemAccessMode): FileSystemSandboxEntry {
  return { path: { type: "glob_pattern", pattern }, access };
}

/** Managed, read-only everywhere, network restricted. */
export function readOnlyPermissionProfile(network: NetworkSandboxPolicy = "restricted"): PermissionProfile {
  return {
    type: "managed",
    file_system: { type: "restricted", entries: [specialEntry({ kind: "root" }, "read")] },
    network,
  };
}

export interface WorkspaceWriteOptions {
  writableRoots?: string[];
  network?: NetworkSandboxPolicy;
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
}

/** Managed workspace-write: read everywhere, write `:project_roots`, /tmp, $TMPDIR and extra roots. */
export function workspaceWritePermissionProfile(opts: WorkspaceWriteOptions = {}): PermissionProfile {
  const entries: FileSystemSandboxEntry[] = [
    specialEntry({ kind: "root" }, "read"),
    specialEntry({ kind: "project_roots" }, "write"),
  ];
  if (!opts.excludeSlashTmp) entries.push(specialEntry({ kind: "slash_tmp" }, "write"));
  if (!opts.excludeTmpdirEnvVar) entries.push(specialEntry({ kind: "tmpdir" }, "write"));
  for (const root of opts.writableRoots ?? []) entries.push(pathEntry(root, "write"));
  return {
    type: "managed",
    file_system: { type: "restricted", entries },
    network: opts.network ?? "restricted",
  };
}

/** The network policy a profile runs with (`disabled` means full network). */
export function profileNetworkPolicy(profile: PermissionProfile): NetworkSandboxPolicy {
  return profile.type === "disabled" ? "enabled" : profile.network;
}

// ---------------------------------------------------------------------------------------------
// config `:special` tokens

/**
 * Parse a config path token: `:root`, `:minimal`, `:project_roots`, `:cwd` (legacy alias of
 * `:project_roots`), `:tmpdir`, `:slash_tmp`; other `:x` tokens become `unknown`. Returns null
 * for a non-token (a plain path).
 */
export function parseSpecialPathToken(token: string, subpath?: string): FileSystemSpecialPath | null {
  if (!token.startsWith(":")) return null;
  const withSub = subpath === undefined ? {} : { subpath };
  switch (token) {
    case ":root":
      return { kind: "root" };
    case ":minimal":
      return { kind: "minimal" };
    case ":cwd":
    case ":project_roots":
      return { kind: "project_roots", ...withSub };
    case ":tmpdir":
      return { kind: "tmpdir" };
    case ":slash_tmp":
      return { kind: "slash_tmp" };
    default:
      return { kind: "unknown", path: token, ...withSub };
  }
}

/** The config token for a special path (`/tmp` is written `:slash_tmp`). */
export function formatSpecialPathToken(value: FileSystemSpecialPath): string {
  return value.kind === "unknown" ? value.path : `:${value.kind}`;
}
